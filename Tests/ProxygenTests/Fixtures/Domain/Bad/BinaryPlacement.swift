// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 14:1: error: '@section("__DATA,__mod_init_func")' places a declaration's bytes or symbol in the binary by hand [binary-placement]
// expect: 15:1: error: '@used' places a declaration's bytes or symbol in the binary by hand [binary-placement]
// expect: 16:1: error: '@_section(".init_array")' places a declaration's bytes or symbol in the binary by hand [binary-placement]
// expect: 17:1: error: '@_used' places a declaration's bytes or symbol in the binary by hand [binary-placement]
// expect: 18:1: error: '@abi(func renamed() -> Int)' places a declaration's bytes or symbol in the binary by hand [binary-placement]
// expect: 19:1: error: '@export(interface)' places a declaration's bytes or symbol in the binary by hand [binary-placement]
// expect: 20:1: error: '@_expose(Cxx)' places a declaration's bytes or symbol in the binary by hand [binary-placement]
// expect: 21:1: error: '@_cdecl("leaf_gate_enter")' binds a declaration to a symbol by name, outside the proxies and the type checker [foreign-symbol]
// expect: 22:1: error: '@c' binds a declaration to a symbol by name, outside the proxies and the type checker [foreign-symbol]
import LeafInterfaces

/// Bytes and code placed in the binary by hand.
@section("__DATA,__mod_init_func") let initializer = 0
@used let kept = 1
@_section(".init_array") let early = 2
@_used let alsoKept = 3
@abi(func renamed() -> Int) public func visible() -> Int { 4 }
@export(interface) public func exported() -> Int { 5 }
@_expose(Cxx) public func exposed() -> Int { 6 }
@_cdecl("leaf_gate_enter") public func enter() {}
@c public func cEntry() {}

/// Ordinary attributes are fine.
@inline(__always) public func fast() -> Int { 7 }
@discardableResult public func ignored() -> Int { 8 }
