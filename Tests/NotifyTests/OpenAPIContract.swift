import Agent
import Foundation
import JSON

/// The committed OpenAPI document (`notify/openapi.json`), as a test checks answers against it:
/// the schema of one operation's response, with `$ref`s inlined, and the problems of a body.
struct OpenAPIContract {
    static let fileURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("notify/openapi.json")

    let document: JSONValue

    init() throws {
        document = try JSONValue(parsing: String(decoding: try Data(contentsOf: Self.fileURL), as: UTF8.self))
    }

    /// The operations the document names, as "GET /path".
    var operations: Set<String> {
        var found = Set<String>()
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for method in (item.objectValue ?? [:]).keys { found.insert("\(method.uppercased()) \(path)") }
        }
        return found
    }

    /// The schema of the answer `status` of `method path` in `contentType`; throws when the
    /// document does not name that answer (an undocumented status is itself a breach).
    func responseSchema(_ method: String, _ path: String, status: Int, contentType: String = "application/json") throws -> JSONValue {
        guard let operation = document["paths"]?[path]?[method.lowercased()] else {
            throw NotifyTestError("the document has no \(method) \(path)")
        }
        guard var response = operation["responses"]?[String(status)] else {
            throw NotifyTestError("\(method) \(path) answered \(status), which the document does not list")
        }
        if let ref = response["$ref"]?.stringValue { response = try resolve(ref) }
        guard let schema = response["content"]?[contentType]?["schema"] else {
            throw NotifyTestError("\(method) \(path) \(status) has no \(contentType) body in the document")
        }
        return try inline(schema)
    }

    /// Every problem of `body` (JSON text) against the schema of that answer.
    func problems(_ method: String, _ path: String, status: Int, body: String) throws -> [String] {
        let schema = try responseSchema(method, path, status: status)
        let value = try JSONValue(parsing: body)
        return JSONSchemaValidator(schema: schema).problems(in: value) + dateTimeProblems(value, schema: schema, at: "body")
    }

    /// `#/components/...` pointers only: the document refers to nothing outside itself.
    func resolve(_ ref: String) throws -> JSONValue {
        guard ref.hasPrefix("#/") else { throw NotifyTestError("an external $ref: \(ref)") }
        var value = document
        for part in ref.dropFirst(2).split(separator: "/") {
            guard let next = value[String(part)] else { throw NotifyTestError("a $ref to nothing: \(ref)") }
            value = next
        }
        return value
    }

    /// The schema with each `$ref` replaced by what it names, and each `anyOf: [S, {type: null}]`
    /// (OpenAPI 3.1's nullable) turned into S that also allows null, which the validator reads.
    func inline(_ schema: JSONValue) throws -> JSONValue {
        guard case .object(var members) = schema else {
            if case .array(let elements) = schema { return .array(try elements.map(inline)) }
            return schema
        }
        if let ref = members.removeValue(forKey: "$ref")?.stringValue {
            var target = try inline(try resolve(ref)).objectValue ?? [:]
            target.merge(members) { _, sibling in sibling }
            return .object(target)
        }
        if let branches = members["anyOf"]?.arrayValue, branches.count == 2,
           let nullIndex = branches.firstIndex(where: { $0["type"]?.stringValue == "null" })
        {
            var other = try inline(branches[1 - nullIndex]).objectValue ?? [:]
            let types = JSONSchemaValidatorTypes.of(other["type"])
            other["type"] = .array((types + ["null"]).map(JSONValue.string))
            return .object(other)
        }
        return .object(try members.mapValues(inline))
    }

    /// `format: date-time` values that are not ISO 8601 (the validator ignores formats).
    func dateTimeProblems(_ value: JSONValue, schema: JSONValue, at path: String) -> [String] {
        switch value {
        case .string(let text) where schema["format"]?.stringValue == "date-time":
            return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) == nil ? ["\(path): not an ISO 8601 date-time: \(text)"] : []
        case .object(let members):
            let properties = schema["properties"]?.objectValue ?? [:]
            return members.keys.sorted().flatMap { key in
                properties[key].map { dateTimeProblems(members[key]!, schema: $0, at: "\(path).\(key)") } ?? []
            }
        case .array(let elements):
            guard let items = schema["items"] else { return [] }
            return elements.enumerated().flatMap { dateTimeProblems($1, schema: items, at: "\(path)[\($0)]") }
        default:
            return []
        }
    }
}

enum JSONSchemaValidatorTypes {
    static func of(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let type)?: [type]
        case .array(let types)?: types.compactMap(\.stringValue)
        default: []
        }
    }
}
