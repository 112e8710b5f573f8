import Foundation
import JSON

// MARK: - Log groups

extension CloudWatchLogsClient {
    /// Creates the log group tagged `tags` with `retentionDays`; one that exists already is fine.
    public func createLogGroup(_ name: String, tags: [String: String] = [:], retentionDays: Int? = nil) async throws {
        var input: [String: JSONValue] = ["logGroupName": .string(name)]
        if !tags.isEmpty { input["tags"] = .object(tags.mapValues(JSONValue.string)) }
        do {
            try await client.call("CreateLogGroup", .object(input))
        } catch let error as AWSError where error.type == "ResourceAlreadyExistsException" {
            // Kept as it is: its tags say whose it is.
        }
        if let retentionDays {
            try await client.call("PutRetentionPolicy", ["logGroupName": .string(name), "retentionInDays": .number(Double(retentionDays))])
        }
    }

    /// The group's tags, nil when the group does not exist.
    public func logGroupTags(_ name: String) async throws -> [String: String]? {
        let answer = try await client.call("DescribeLogGroups", ["logGroupNamePrefix": .string(name)])
        guard let group = answer["logGroups"]?.arrayValue?.first(where: { $0["logGroupName"]?.stringValue == name }) else { return nil }
        guard let arn = group["arn"]?.stringValue else { return [:] }
        // ListTagsForResource takes the ARN without its trailing `:*`.
        let resource = arn.hasSuffix(":*") ? String(arn.dropLast(2)) : arn
        let tags = try? await client.call("ListTagsForResource", ["resourceArn": .string(resource)])
        return (tags?["tags"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    public func deleteLogGroup(_ name: String) async throws {
        do {
            try await client.call("DeleteLogGroup", ["logGroupName": .string(name)])
        } catch let error as AWSError where error.type == "ResourceNotFoundException" {
            return
        }
    }

    /// Stream names of `group`, the most recently written first.
    public func logStreams(group: String, prefix: String? = nil, limit: Int = 50) async throws -> [String] {
        var input: [String: JSONValue] = ["logGroupName": .string(group), "limit": .number(Double(min(max(limit, 1), 50)))]
        if let prefix {
            input["logStreamNamePrefix"] = .string(prefix)
        } else {
            input["orderBy"] = "LastEventTime"
            input["descending"] = true
        }
        let answer = try await client.call("DescribeLogStreams", .object(input))
        return (answer["logStreams"]?.arrayValue ?? []).compactMap { $0["logStreamName"]?.stringValue }
    }

    /// The newest `limit` events of the group's most recently written streams, oldest first.
    public func latestEvents(group: String, limit: Int, streams streamCount: Int = 5) async throws -> [Event] {
        var events: [Event] = []
        for stream in try await logStreams(group: group, limit: streamCount) {
            let answer = try await client.call("GetLogEvents", [
                "logGroupName": .string(group), "logStreamName": .string(stream), "startFromHead": false,
                "limit": .number(Double(min(max(limit, 1), 10_000))),
            ])
            events += Self.events(answer).map { event in
                var event = event
                event.stream = event.stream ?? stream
                return event
            }
        }
        return Array(events.sorted { $0.timestamp < $1.timestamp }.suffix(limit))
    }

    /// Writes events to a stream (created if missing); tests and seeds use it.
    public func putLogEvents(group: String, stream: String, messages: [(Date, String)]) async throws {
        do {
            try await client.call("CreateLogStream", ["logGroupName": .string(group), "logStreamName": .string(stream)])
        } catch let error as AWSError where error.type == "ResourceAlreadyExistsException" {}
        let events: [JSONValue] = messages.map { ["timestamp": .number((($0.0.timeIntervalSince1970) * 1000).rounded()), "message": .string($0.1)] }
        try await client.call("PutLogEvents", ["logGroupName": .string(group), "logStreamName": .string(stream), "logEvents": .array(events)])
    }
}
