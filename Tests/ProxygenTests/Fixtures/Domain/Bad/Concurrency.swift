// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 27:9: error: 'Task' runs code on other threads or later, outside the call gate and past the domain's teardown [concurrency]
// expect: 28:9: error: 'Task' runs code on other threads or later, outside the call gate and past the domain's teardown [concurrency]
// expect: 31:18: error: 'async' code runs as a task, on executors outside the call gate [concurrency]
// expect: 33:19: error: 'async' code runs as a task, on executors outside the call gate [concurrency]
// expect: 34:9: error: 'async let' runs a child task on another thread, outside the call gate [concurrency]
// expect: 35:29: error: 'withTaskGroup' runs code on other threads or later, outside the call gate and past the domain's teardown [concurrency]
// expect: 36:24: error: 'withThrowingTaskGroup' runs code on other threads or later, outside the call gate and past the domain's teardown [concurrency]
// expect: 37:22: error: 'AsyncStream' runs code on other threads or later, outside the call gate and past the domain's teardown [concurrency]
// expect: 38:24: error: 'AsyncThrowingStream' runs code on other threads or later, outside the call gate and past the domain's teardown [concurrency]
// expect: 43:9: error: 'DispatchQueue' runs code on other threads or later, outside the call gate and past the domain's teardown [concurrency]
// expect: 44:9: error: 'Thread' runs code on other threads or later, outside the call gate and past the domain's teardown [concurrency]
// expect: 47:5: error: 'nonisolated' only has a meaning with actors, which run outside the call gate [concurrency]
// expect: 48:6: error: 'MainActor' runs code on other threads or later, outside the call gate and past the domain's teardown [concurrency]
// expect: 49:21: error: 'async' code runs as a task, on executors outside the call gate [concurrency]
// expect: 50:16: error: 'TaskGroup' runs code on other threads or later, outside the call gate and past the domain's teardown [concurrency]
// expect: 53:1: error: an actor runs its methods on its own executor, outside the call gate [concurrency]
// expect: 57:1: error: '@globalActor' runs code on an actor or executor, outside the call gate [concurrency]
// expect: 58:16: error: static 'shared' is initialized by a call to 'Counter': a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 61:21: error: 'Executor' runs code on other threads or later, outside the call gate and past the domain's teardown [concurrency]
// expect: 62:35: error: 'ExecutorJob' runs code on other threads or later, outside the call gate and past the domain's teardown [concurrency]
import LeafInterfaces

/// Code that would run on other threads or later, outside the call gate.
public final class Background {
    func spawn() {
        Task { print("later") }
        Task.detached { print("elsewhere") }
    }

    func fetch() async -> Int { 1 }

    func gather() async {
        async let first = fetch()
        let results = await withTaskGroup(of: Int.self) { group in 0 }
        _ = try? await withThrowingTaskGroup(of: Int.self) { group in 0 }
        let stream = AsyncStream<Int> { _ in }
        let throwing = AsyncThrowingStream<Int, Error> { _ in }
        _ = (await first, results, stream, throwing)
    }

    func queue() {
        DispatchQueue.main.async {}
        Thread.sleep(forTimeInterval: 1)
    }

    nonisolated func outside() {}
    @MainActor func onMain() {}
    let closure: () async -> Void = {}
    let group: TaskGroup<Int>? = nil
}

actor Counter {
    var count = 0
}

@globalActor struct KernelActor {
    static let shared = Counter()
}

final class Runner: Executor {
    func enqueue(_ job: consuming ExecutorJob) {}
}
