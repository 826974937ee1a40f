import CLeafKernel

/// Formatting for the serial console without Foundation.
enum Console {
    static func hex(_ value: UInt64, digits: Int = 0) -> String {
        let symbols: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
        var v = value
        var out: [Character] = []
        repeat { out.append(symbols[Int(v & 0xf)]); v >>= 4 } while v != 0
        while out.count < digits { out.append("0") }
        return String(out.reversed())
    }

    /// `value` with a fixed number of decimals, for ratios and milliseconds.
    static func fixed(_ numerator: UInt64, _ denominator: UInt64, decimals: Int = 2) -> String {
        guard denominator != 0 else { return "n/a" }
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (numerator * scale + denominator / 2) / denominator
        var fraction = String(scaled % scale)
        while fraction.count < decimals { fraction = "0" + fraction }
        return "\(scaled / scale).\(fraction)"
    }
}
