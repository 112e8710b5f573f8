import Agent
import Foundation
import JSON

/// Builds a Claude `Tool` from one call-shaped service function.
///
/// `Tool.make` validates and decodes the input; this adapter encodes the service's answer as JSON
/// (snake_case keys, ISO 8601 dates) and turns a service error into an error result in its own words.
/// Redaction is not done here: the conversation redacts every tool result once, JSON string by string.
enum ServiceTool {
    static func make<Input: ToolInput, Output: Encodable & Sendable>(
        name: String,
        description: String,
        risk: ToolRisk,
        input: Input.Type = Input.self,
        summarize: @escaping @Sendable (Input) -> String,
        call: @escaping @Sendable (Input, ToolContext) async throws -> Output
    ) -> Tool {
        Tool.make(name: name, description: description, risk: risk, input: input, summarize: summarize) { input, context in
            do {
                return ToolOutput(json: encode(try await call(input, context)))
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                return .error(String(describing: error))
            }
        }
    }

    /// `path` resolved inside the project ("." when absent), as an absolute path; throws outside it.
    static func resolve(_ path: String?, in context: ToolContext) throws -> String {
        try ProjectPath(path ?? ".", in: context.projectRoot).url.path
    }

    static func encode<T: Encodable>(_ value: T) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value), let json = try? JSONValue(parsing: data) else { return [:] }
        return json
    }
}
