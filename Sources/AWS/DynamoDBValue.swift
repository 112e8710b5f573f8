import Foundation
import JSON

/// A DynamoDB AttributeValue: what one attribute holds, in DynamoDB's own types.
///
/// Numbers stay text (`N` is a decimal string of up to 38 digits), so what is read is what was written.
public indirect enum DynamoDBValue: Sendable, Hashable {
    case string(String)
    case number(String)
    case binary([UInt8])
    case bool(Bool)
    case null
    case list([DynamoDBValue])
    case map([String: DynamoDBValue])
    case stringSet([String])
    case numberSet([String])
    case binarySet([[UInt8]])
}

/// An item, or a key: attribute name to value.
public typealias DynamoDBItem = [String: DynamoDBValue]

// MARK: - Plain JSON

extension DynamoDBValue {
    /// The attribute for a JSON value: objects become maps, arrays lists, numbers `N`.
    public init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .number(let value): self = value.isFinite ? .number(Self.numberText(value)) : .null
        case .string(let value): self = .string(value)
        case .array(let values): self = .list(values.map { DynamoDBValue($0) })
        case .object(let members): self = .map(members.mapValues { DynamoDBValue($0) })
        }
    }

    /// The value as plain JSON: sets become arrays, binaries base64 strings, numbers doubles.
    public var json: JSONValue {
        switch self {
        case .string(let value): .string(value)
        case .number(let text): Self.exactJSON(text)
        case .binary(let bytes): .string(Data(bytes).base64EncodedString())
        case .bool(let value): .bool(value)
        case .null: .null
        case .list(let values): .array(values.map(\.json))
        case .map(let members): .object(members.mapValues(\.json))
        case .stringSet(let values): .array(values.map(JSONValue.string))
        case .numberSet(let values): .array(values.map(Self.exactJSON))
        case .binarySet(let values): .array(values.map { .string(Data($0).base64EncodedString()) })
        }
    }

    /// Whole numbers without a fraction (`42`, not `42.0`, and every digit of `9007199254740994`);
    /// others in Swift's shortest form, which reads back as the same double.
    static func numberText(_ value: Double) -> String {
        JSONValue.numberText(value) ?? String(value)
    }

    /// An `N` as a JSON number when a double holds it exactly; else its text as a string, so that
    /// a number another writer stored with more digits than a double keeps (`N` holds 38) arrives
    /// whole rather than rounded.
    static func exactJSON(_ text: String) -> JSONValue {
        if let value = try? JSONValue(parsing: text), case .number = value { return value }
        return .string(text)
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var numberText: String? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var int64Value: Int64? { numberText.flatMap { Int64($0) } }

    public var mapValue: [String: DynamoDBValue]? {
        if case .map(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }
}

// MARK: - Wire form

extension DynamoDBValue {
    /// The value as the JSON protocol sends it: `{"S": "text"}`, `{"N": "42"}`, `{"M": {...}}`.
    public var wire: JSONValue {
        switch self {
        case .string(let value): ["S": .string(value)]
        case .number(let text): ["N": .string(text)]
        case .binary(let bytes): ["B": .string(Data(bytes).base64EncodedString())]
        case .bool(let value): ["BOOL": .bool(value)]
        case .null: ["NULL": true]
        case .list(let values): ["L": .array(values.map(\.wire))]
        case .map(let members): ["M": .object(members.mapValues(\.wire))]
        case .stringSet(let values): ["SS": .array(values.map(JSONValue.string))]
        case .numberSet(let values): ["NS": .array(values.map(JSONValue.string))]
        case .binarySet(let values): ["BS": .array(values.map { .string(Data($0).base64EncodedString()) })]
        }
    }

    /// Reads the wire form; anything else is an `.invalidResponse` error naming what was wrong.
    public init(wire: JSONValue) throws {
        guard case .object(let object) = wire, object.count == 1, let (type, value) = object.first else {
            throw AWSError(.invalidResponse, "a DynamoDB attribute value must be an object with one type key, got \(wire.encodedString().prefix(80))")
        }
        func bytes(_ text: JSONValue) throws -> [UInt8] {
            guard let string = text.stringValue, let data = Data(base64Encoded: string) else {
                throw AWSError(.invalidResponse, "a DynamoDB binary attribute is not base64")
            }
            return Array(data)
        }
        func strings(_ list: JSONValue) throws -> [String] {
            guard let array = list.arrayValue else { throw AWSError(.invalidResponse, "a DynamoDB set is not an array") }
            return try array.map {
                guard let string = $0.stringValue else { throw AWSError(.invalidResponse, "a DynamoDB set member is not a string") }
                return string
            }
        }
        switch (type, value) {
        case ("S", .string(let text)): self = .string(text)
        case ("N", .string(let text)): self = .number(text)
        case ("B", _): self = .binary(try bytes(value))
        case ("BOOL", .bool(let flag)): self = .bool(flag)
        case ("NULL", _): self = .null
        case ("L", .array(let values)): self = .list(try values.map(DynamoDBValue.init(wire:)))
        case ("M", .object(let members)): self = .map(try members.mapValues(DynamoDBValue.init(wire:)))
        case ("SS", _): self = .stringSet(try strings(value))
        case ("NS", _): self = .numberSet(try strings(value))
        case ("BS", .array(let values)): self = .binarySet(try values.map(bytes))
        default:
            throw AWSError(.invalidResponse, "unknown DynamoDB attribute type '\(type)'")
        }
    }

    /// An item's wire form: `{"name": {"S": ...}, ...}`.
    public static func wire(_ item: DynamoDBItem) -> JSONValue {
        .object(item.mapValues(\.wire))
    }

    public static func item(wire: JSONValue) throws -> DynamoDBItem {
        guard case .object(let members) = wire else {
            throw AWSError(.invalidResponse, "a DynamoDB item is not an object")
        }
        return try members.mapValues(DynamoDBValue.init(wire:))
    }
}
