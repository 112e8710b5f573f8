import Foundation
import JSON

/// The API's time format: ISO 8601 in UTC with fractional seconds, as seed 003's clients read.
public enum LedgerTime {
    public static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    public static func date(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}

extension ResourceRecord {
    /// Seed 003's item, as `GET /api/projects/{guid}/resources` and `resources --json` show it.
    public var jsonValue: JSONValue {
        [
            "userId": .string(userId),
            "projectId": .string(projectId),
            "projectName": .string(projectName),
            "awsResources": .object(awsResources),
            "createdAt": .string(LedgerTime.string(createdAt)),
            "updatedAt": .string(LedgerTime.string(updatedAt)),
        ]
    }
}

extension StoredEvent {
    /// One entry of `GET /api/projects/{guid}/events`, keyed as `notify.sh` sent it.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "sequence": .number(Double(sequence)),
            "guid": .string(guid),
            "type": .string(kind.rawValue),
            "receivedAt": .string(LedgerTime.string(receivedAt)),
        ]
        if let message { object["message"] = .string(message) }
        if let data { object["data"] = .object(data) }
        return .object(object)
    }
}
