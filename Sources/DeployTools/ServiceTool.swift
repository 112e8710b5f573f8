import Agent
import Foundation
import JSON
import LogTriage

/// Builds a Claude `Tool` from one call-shaped service function.
///
/// The service takes a Codable input and returns a Codable output (snake_case keys); this adapter
/// decodes Claude's input into it, keeps every path inside the project, encodes the answer as compact
/// JSON and redacts secrets from it, so nothing a container printed (keys, tokens, passwords in URLs)
/// reaches Claude.
struct ServiceTool {
    /// Input keys that name a file or folder; each is resolved inside the project before the call.
    static let pathKeys = ["path"]

    static func make<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        name: String,
        description: String,
        schema: JSONValue,
        risk: ToolRisk,
        redactor: SecretRedactor,
        summarize: @escaping @Sendable (JSONValue) -> String,
        call: @escaping @Sendable (Input, ToolContext) async throws -> Output
    ) -> Tool {
        Tool(name: name, description: description, inputSchema: schema, risk: risk, summarize: summarize) { input, context in
            let decoded: Input
            do {
                decoded = try decode(Input.self, from: confine(input, to: context.projectRoot))
            } catch let error as AgentError {
                return .error(error.message)
            } catch {
                return .error("the input does not fit \(name)'s schema: \(describe(error))")
            }
            do {
                let output = try await call(decoded, context)
                return ToolOutput(text: redacted(encode(output), with: redactor).encodedString())
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                return .error(redactor.redact(String(describing: error)))
            }
        }
    }

    /// Replaces every path key with its absolute path inside the project ("." when absent), or throws.
    static func confine(_ input: JSONValue, to root: URL) throws -> JSONValue {
        guard var object = input.objectValue else { return input }
        for key in pathKeys {
            let given = object[key]?.stringValue ?? "."
            object[key] = .string(try ProjectPath(given, in: root).url.path)
        }
        return .object(object)
    }

    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try JSONDecoder().decode(T.self, from: value.encoded())
    }

    static func encode<T: Encodable>(_ value: T) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value), let json = try? JSONValue(parsing: data) else { return [:] }
        return json
    }

    /// Redacts every string value. Keys are deployotron's own names, never secrets, and the JSON's
    /// punctuation must survive (a text-level pass would read `"key_lines": [` as a key's value).
    static func redacted(_ value: JSONValue, with redactor: SecretRedactor) -> JSONValue {
        switch value {
        case .string(let text): .string(redactor.redact(text))
        case .array(let items): .array(items.map { redacted($0, with: redactor) })
        case .object(let members): .object(members.mapValues { redacted($0, with: redactor) })
        default: value
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "'\(key.stringValue)' is required"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case DecodingError.dataCorrupted(let context):
            "'\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
        default: String(describing: error)
        }
    }
}
