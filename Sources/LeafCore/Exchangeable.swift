/// A value that may live in the shared heap and move between domains: plain data, with no
/// pointer, reference or function in it and no invalid bit patterns (so not Bool, enums or
/// Optional), and a type identity of its own.
///
/// The object table records each object's `exchangeableTypeID`, and every access compares it
/// with the type the reference names: an `RRef<Int>` object is not a `Double`, an array is not
/// a deque, a `UInt8` is not an enum. Conformances belong to the SDK (here) and to the
/// interfaces (LeafInterfaces, where `proxygen --audit` checks them): a conformance a domain
/// wrote could copy another type's identity, so the domain audit refuses it. The rule for an ID
/// is FNV-1a (64-bit) of the type's qualified name, e.g. "Swift.Int", "LeafInterfaces.Request".
public protocol Exchangeable: BitwiseCopyable {
    static var exchangeableTypeID: UInt64 { get }
}

extension Int: Exchangeable { @inlinable public static var exchangeableTypeID: UInt64 { 0xf65a_6abe_c28d_bc5b } }
extension Int8: Exchangeable { @inlinable public static var exchangeableTypeID: UInt64 { 0x295f_c524_96d7_1c39 } }
extension Int16: Exchangeable { @inlinable public static var exchangeableTypeID: UInt64 { 0x24f0_0a2c_4f99_3bf8 } }
extension Int32: Exchangeable { @inlinable public static var exchangeableTypeID: UInt64 { 0x24e9_062c_4f93_167e } }
extension Int64: Exchangeable { @inlinable public static var exchangeableTypeID: UInt64 { 0x24f9_fe2c_4fa1_7c19 } }
extension UInt: Exchangeable { @inlinable public static var exchangeableTypeID: UInt64 { 0x01a2_d885_6d3a_f16e } }
extension UInt8: Exchangeable { @inlinable public static var exchangeableTypeID: UInt64 { 0x02a7_40b8_9b28_1522 } }
extension UInt16: Exchangeable { @inlinable public static var exchangeableTypeID: UInt64 { 0xaa66_9faf_a535_c6a1 } }
extension UInt32: Exchangeable { @inlinable public static var exchangeableTypeID: UInt64 { 0xaa60_13af_a530_6d0f } }
extension UInt64: Exchangeable { @inlinable public static var exchangeableTypeID: UInt64 { 0xaa4f_1baf_a522_0774 } }
extension Float: Exchangeable { @inlinable public static var exchangeableTypeID: UInt64 { 0xa760_2c14_a1b5_9680 } }
extension Double: Exchangeable { @inlinable public static var exchangeableTypeID: UInt64 { 0xf6c3_4ab0_c481_fa0f } }

/// A fixed array of exchangeable values is exchangeable; its identity names its element type
/// and its count.
extension InlineArray: Exchangeable where Element: Exchangeable {
    @inlinable public static var exchangeableTypeID: UInt64 {
        composedTypeID(0x34ab_dd30_de00_aebc, Element.exchangeableTypeID, count)   // "Swift.InlineArray"
    }
}

/// The identity of a generic type from its own, an element type's and a count: FNV-1a steps
/// over the two words. Constant inputs fold to a constant.
@inlinable @inline(__always)
func composedTypeID(_ base: UInt64, _ element: UInt64, _ count: Int) -> UInt64 {
    let prime: UInt64 = 0x0000_0100_0000_01b3
    return ((base ^ element) &* prime ^ UInt64(truncatingIfNeeded: count)) &* prime
}
