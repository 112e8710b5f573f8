import Foundation

/// A JSON value of any shape.
///
/// Tool inputs, reported AWS resources and DynamoDB maps are all schemaless JSON;
/// this one type carries them between modules without `Any`.
///
/// Strings and member names compare as bytes (see `JSONValue+Equality.swift`): Swift's own `String`
/// equality is canonical equivalence, under which `"\u{E9}"` and `"e\u{301}"` are one string, while
/// SQLite, DynamoDB and every other JSON reader tell them apart. An object still cannot hold two
/// names that differ only in normalisation (a `[String: JSONValue]` folds them), so the parser and
/// `merging(_:)` refuse such a pair rather than drop one.
///
/// Numbers are binary64 doubles. The parser refuses what a double cannot hold as written (an integer
/// beyond what it keeps exactly, a value that would round to zero or infinity), so a number is
/// never changed silently on its way through.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

// MARK: - Accessors

extension JSONValue {
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var doubleValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The number as an integer, when it is one exactly.
    public var intValue: Int? {
        guard case .number(let value) = self, value.rounded() == value else { return nil }
        return Int(exactly: value)
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// The member named `key`, byte for byte, of an object; nil for anything else.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self, let index = members.index(forKey: key),
            members[index].key.utf8.elementsEqual(key.utf8)
        else { return nil }
        return members[index].value
    }

    /// The JSON type's name, as JSON Schema spells it ("integer" for whole numbers).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: intValue != nil ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

// MARK: - Codable

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if let int = intValue, value != 0 || value.sign == .plus { try container.encode(int) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

// MARK: - Text

extension JSONValue {
    /// Parses JSON text (RFC 8259, one value, nesting at most 512 deep as `JSONDecoder` allows).
    public init(parsing data: Data) throws {
        self = try data.withUnsafeBytes { bytes in try JSONParser.parse(bytes) }
    }

    public init(parsing text: String) throws {
        var text = text
        self = try text.withUTF8 { bytes in try JSONParser.parse(UnsafeRawBufferPointer(bytes)) }
    }

    /// Compact JSON with keys sorted, so equal values always render to equal bytes.
    public func encoded() -> Data {
        Data(encodedBytes())
    }

    public func encodedString() -> String {
        String(decoding: encodedBytes(), as: UTF8.self)
    }
}
