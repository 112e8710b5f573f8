import AsyncHTTPClient
import Foundation
import JSON

/// Reads CloudWatch Logs: what a failed ECS task printed.
public struct CloudWatchLogsClient: Sendable {
    public var client: AWSJSONClient

    public init(transport: AWSServiceClient) {
        self.client = AWSJSONClient(transport: transport, targetPrefix: "Logs_20140328", jsonVersion: "1.1")
    }

    public static func fromEnvironment(
        region: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment, httpClient: HTTPClient = .shared
    ) throws -> CloudWatchLogsClient {
        CloudWatchLogsClient(transport: try AWSServiceClient.fromEnvironment(
            .cloudWatchLogs, displayName: "CloudWatch Logs", region: region, environment: environment, httpClient: httpClient))
    }

    public struct Event: Sendable, Equatable {
        public var timestamp: Date
        public var message: String
        public var stream: String?
        /// FilterLogEvents' `eventId`: tells apart events of the same millisecond when polling.
        public var id: String? = nil

        /// The event's id, or what stands for one when CloudWatch gave none.
        public var key: String { id ?? "\(timestamp.timeIntervalSince1970)|\(stream ?? "")|\(message)" }
    }

    /// One stream's events, oldest first, up to `limit` (following pages until the stream is read).
    public func logEvents(group: String, stream: String, limit: Int = 1000) async throws -> [Event] {
        var events: [Event] = []
        var token: String?
        while events.count < limit {
            var input: [String: JSONValue] = [
                "logGroupName": .string(group), "logStreamName": .string(stream), "startFromHead": true,
                "limit": .number(Double(min(limit - events.count, 10_000))),
            ]
            if let token { input["nextToken"] = .string(token) }
            let answer = try await client.call("GetLogEvents", .object(input))
            let page = Self.events(answer)
            events += page
            let next = answer["nextForwardToken"]?.stringValue
            // The forward token repeats once the end of the stream is reached.
            if page.isEmpty || next == nil || next == token { break }
            token = next
        }
        return Array(events.prefix(limit))
    }

    /// Events of every stream of `group` matching `pattern` (CloudWatch filter syntax), between the dates.
    public func filterLogEvents(group: String, pattern: String? = nil, from start: Date? = nil, to end: Date? = nil, limit: Int = 1000) async throws -> [Event] {
        var events: [Event] = []
        var token: String?
        repeat {
            var input: [String: JSONValue] = ["logGroupName": .string(group), "limit": .number(Double(min(limit - events.count, 10_000)))]
            if let pattern { input["filterPattern"] = .string(pattern) }
            if let start { input["startTime"] = .number((start.timeIntervalSince1970 * 1000).rounded()) }
            if let end { input["endTime"] = .number((end.timeIntervalSince1970 * 1000).rounded()) }
            if let token { input["nextToken"] = .string(token) }
            let answer = try await client.call("FilterLogEvents", .object(input))
            events += Self.events(answer)
            token = answer["nextToken"]?.stringValue
        } while token != nil && events.count < limit
        return Array(events.prefix(limit))
    }

    /// The newest `limit` events of every stream of `group` matching `pattern` since `start`, oldest
    /// first: reads every page FilterLogEvents has (nextToken) and keeps the last ones, up to
    /// `scanLimit` events read.
    public func lastFilteredEvents(group: String, pattern: String?, from start: Date?, limit: Int, scanLimit: Int = 100_000) async throws -> [Event] {
        var kept: [Event] = []
        var scanned = 0
        var token: String?
        repeat {
            var input: [String: JSONValue] = ["logGroupName": .string(group), "limit": 10_000]
            if let pattern { input["filterPattern"] = .string(pattern) }
            if let start { input["startTime"] = .number((start.timeIntervalSince1970 * 1000).rounded()) }
            if let token { input["nextToken"] = .string(token) }
            let answer = try await client.call("FilterLogEvents", .object(input))
            let page = Self.events(answer)
            scanned += page.count
            kept = Array((kept + page).sorted { $0.timestamp < $1.timestamp }.suffix(limit))
            token = answer["nextToken"]?.stringValue
        } while token != nil && scanned < scanLimit
        return kept
    }

    static func events(_ answer: JSONValue) -> [Event] {
        (answer["events"]?.arrayValue ?? []).compactMap { event in
            guard let millis = event["timestamp"]?.doubleValue, let message = event["message"]?.stringValue else { return nil }
            return Event(
                timestamp: Date(timeIntervalSince1970: millis / 1000), message: message, stream: event["logStreamName"]?.stringValue,
                id: event["eventId"]?.stringValue)
        }
    }
}
