// MARK: - Byte-exact equality

extension JSONValue: Hashable {
    /// Strings and member names are equal when their UTF-8 bytes are; numbers as doubles.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let left), .bool(let right)): left == right
        case (.number(let left), .number(let right)): left == right
        case (.string(let left), .string(let right)): left.utf8.elementsEqual(right.utf8)
        case (.array(let left), .array(let right)): left.count == right.count && zip(left, right).allSatisfy { $0 == $1 }
        case (.object(let left), .object(let right)):
            left.count == right.count && left.allSatisfy { key, value in
                guard let index = right.index(forKey: key) else { return false }
                return right[index].key.utf8.elementsEqual(key.utf8) && right[index].value == value
            }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null:
            hasher.combine(0 as UInt8)
        case .bool(let value):
            hasher.combine(1 as UInt8)
            hasher.combine(value)
        case .number(let value):
            hasher.combine(2 as UInt8)
            hasher.combine(value)
        case .string(let value):
            hasher.combine(3 as UInt8)
            Self.combineBytes(of: value, into: &hasher)
        case .array(let values):
            hasher.combine(4 as UInt8)
            hasher.combine(values.count)
            for value in values { value.hash(into: &hasher) }
        case .object(let members):
            hasher.combine(5 as UInt8)
            hasher.combine(members.count)
            // Order-free, as the members have no order: each member hashed alone, then summed.
            var sum = 0
            for (key, value) in members {
                var member = Hasher()
                Self.combineBytes(of: key, into: &member)
                value.hash(into: &member)
                sum &+= member.finalize()
            }
            hasher.combine(sum)
        }
    }

    static func combineBytes(of string: String, into hasher: inout Hasher) {
        var string = string
        string.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(0xFF as UInt8)
    }
}

// MARK: - Member names

/// Two member names that differ only in Unicode normalisation: a `[String: JSONValue]` cannot hold
/// both, so whatever would have put them together refuses instead of dropping one.
public struct JSONNameConflict: Error, Sendable, CustomStringConvertible {
    /// The name already present, and the byte-different one that would have replaced it.
    public var existing: String
    public var incoming: String

    public var description: String {
        "the member names \(Self.escaped(existing)) and \(Self.escaped(incoming)) differ only in Unicode normalisation; send one spelling of each name (NFC, say)"
    }

    /// The name with every non-ASCII scalar as `\u{...}`, so the two spellings read differently.
    static func escaped(_ name: String) -> String {
        var text = "\""
        for scalar in name.unicodeScalars.prefix(64) {
            if scalar.isASCII, scalar.value >= 0x20 {
                text.unicodeScalars.append(scalar)
            } else {
                text += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            }
        }
        return text + "\""
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The name stored here that equals `name` canonically but not byte for byte, if any.
    public func canonicalTwin(of name: String) -> String? {
        guard let index = index(forKey: name) else { return nil }
        let stored = self[index].key
        return stored.utf8.elementsEqual(name.utf8) ? nil : stored
    }

    /// These members with `other`'s added, `other` winning on a name both have. Throws instead of
    /// folding two names that differ only in normalisation into one.
    public func mergingExactly(_ other: [String: JSONValue]) throws(JSONNameConflict) -> [String: JSONValue] {
        var merged = self
        for (name, value) in other {
            if let index = merged.index(forKey: name) {
                let stored = merged[index].key
                guard stored.utf8.elementsEqual(name.utf8) else { throw JSONNameConflict(existing: stored, incoming: name) }
                merged.values[index] = value
            } else {
                merged[name] = value
            }
        }
        return merged
    }
}
