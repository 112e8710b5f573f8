extension JSONValue {
    /// Compact JSON text, written by hand: going through `JSONEncoder` cost more than the SQLite
    /// statements on the ledger's write path. With `sortedKeys`, equal values always give equal
    /// bytes (what request bodies and signatures need); without, keys keep the dictionary's order.
    /// Strings escape `"`, `\\` and control characters only (as `JSONEncoder` does); `/` and
    /// non-ASCII stay as they are.
    public func encodedBytes(sortedKeys: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        write(into: &bytes, sortedKeys: sortedKeys)
        return bytes
    }

    private func write(into bytes: inout [UInt8], sortedKeys: Bool) {
        switch self {
        case .null:
            bytes.append(contentsOf: "null".utf8)
        case .bool(let value):
            bytes.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let value):
            bytes.append(contentsOf: (Self.numberText(value) ?? "null").utf8)
        case .string(let value):
            Self.writeString(value, into: &bytes)
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                value.write(into: &bytes, sortedKeys: sortedKeys)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            if sortedKeys {
                for (index, key) in members.keys.sorted().enumerated() {
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    Self.writeMember(key, members[key]!, into: &bytes, sortedKeys: true)
                }
            } else {
                for (index, member) in members.enumerated() {
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    Self.writeMember(member.key, member.value, into: &bytes, sortedKeys: false)
                }
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// A double as JSON text that reads back as the same double: whole numbers without a fraction
    /// (`42`, `9007199254740994`), negative zero as `-0.0`, others in Swift's shortest exact form.
    /// Nil for infinities and NaN, which JSON cannot say.
    public static func numberText(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0" }
        if value.rounded() == value, let magnitude = UInt64(exactly: value.magnitude) {
            return value < 0 ? "-\(magnitude)" : String(magnitude)
        }
        return "\(value)"
    }

    private static func writeMember(_ key: String, _ value: JSONValue, into bytes: inout [UInt8], sortedKeys: Bool) {
        writeString(key, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        value.write(into: &bytes, sortedKeys: sortedKeys)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeString(_ string: String, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x00..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
