// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 9:1: error: '@_silgen_name("swift_retain")' binds a declaration to a symbol by name, outside the proxies and the type checker [foreign-symbol]
// expect: 12:1: error: '@_cdecl("leaf_domain_entry")' binds a declaration to a symbol by name, outside the proxies and the type checker [foreign-symbol]
// expect: 15:1: error: '@c' binds a declaration to a symbol by name, outside the proxies and the type checker [foreign-symbol]
// expect: 17:1: error: '@_extern(c, "memcpy")' binds a declaration to a symbol by name, outside the proxies and the type checker [foreign-symbol]
import LeafInterfaces

/// Bound by name to runtime and C functions, with whatever signature the domain likes.
@_silgen_name("swift_retain")
func retain(_ object: AnyObject) -> AnyObject

@_cdecl("leaf_domain_entry")
public func entry() {}

@c public func exported() {}

@_extern(c, "memcpy")
func copy(_ to: Int, _ from: Int, _ count: Int) -> Int
