import Claude
import Foundation
import JSON

/// One line of a session transcript.
///
/// A transcript is JSON lines: a `session` header, then one line per message as it joins the
/// history (with the response's usage on assistant lines), and a line when the history is cleared
/// or replaced (`/compact`, resume). Replaying the lines gives back the history.
public enum TranscriptEntry: Sendable, Equatable {
    case session(id: String, project: String, model: String, date: Date)
    case message(Message, usage: Usage?, date: Date)
    case cleared(date: Date)
    case replaced([Message], date: Date)

    public var jsonValue: JSONValue {
        switch self {
        case .session(let id, let project, let model, let date):
            return ["type": "session", "version": 1, "id": .string(id), "project": .string(project), "model": .string(model), "date": Self.render(date)]
        case .message(let message, let usage, let date):
            var object: [String: JSONValue] = ["type": "message", "message": message.jsonValue, "date": Self.render(date)]
            if let usage {
                object["usage"] = [
                    "input_tokens": .number(Double(usage.inputTokens)),
                    "output_tokens": .number(Double(usage.outputTokens)),
                    "cache_creation_input_tokens": .number(Double(usage.cacheCreationInputTokens)),
                    "cache_read_input_tokens": .number(Double(usage.cacheReadInputTokens)),
                ]
            }
            return .object(object)
        case .cleared(let date):
            return ["type": "cleared", "date": Self.render(date)]
        case .replaced(let messages, let date):
            return ["type": "replaced", "messages": .array(messages.map(\.jsonValue)), "date": Self.render(date)]
        }
    }

    /// Reads a line; nil for a line that is not a transcript entry (a torn last line, or a future kind).
    public init?(jsonValue: JSONValue) {
        let date = jsonValue["date"]?.stringValue.flatMap { try? Date($0, strategy: .iso8601) } ?? Date(timeIntervalSince1970: 0)
        switch jsonValue["type"]?.stringValue {
        case "session":
            guard let id = jsonValue["id"]?.stringValue, let project = jsonValue["project"]?.stringValue else { return nil }
            self = .session(id: id, project: project, model: jsonValue["model"]?.stringValue ?? "", date: date)
        case "message":
            guard let message = jsonValue["message"].flatMap(Message.init(jsonValue:)) else { return nil }
            let usage = jsonValue["usage"].map { usage in
                Usage(
                    inputTokens: usage["input_tokens"]?.intValue ?? 0,
                    outputTokens: usage["output_tokens"]?.intValue ?? 0,
                    cacheCreationInputTokens: usage["cache_creation_input_tokens"]?.intValue ?? 0,
                    cacheReadInputTokens: usage["cache_read_input_tokens"]?.intValue ?? 0
                )
            }
            self = .message(message, usage: usage, date: date)
        case "cleared":
            self = .cleared(date: date)
        case "replaced":
            guard let messages = jsonValue["messages"]?.arrayValue else { return nil }
            self = .replaced(messages.compactMap(Message.init(jsonValue:)), date: date)
        default:
            return nil
        }
    }

    static func render(_ date: Date) -> JSONValue {
        .string(date.formatted(.iso8601))
    }
}
