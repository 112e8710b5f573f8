import AWS
import Foundation
import JSON

// MARK: - Recording events in batches

extension DynamoDBLedger {
    /// DynamoDB's limit on one item, and on how deeply maps and lists nest in it.
    static let maxItemSize = 400 * 1024
    static let maxNesting = 32

    /// Refuses, before any call, what DynamoDB could not hold, so one bad event cannot fail the
    /// batch it would have joined.
    static func validate(_ event: NotifyEvent) throws {
        guard !event.guid.isEmpty else { throw LedgerError(.invalidInput, "an event needs a non-empty guid") }
        if event.kind == .resources, event.data?.keys.contains("") == true {
            throw LedgerError(.invalidInput, "a resources event of \(event.guid) has an empty key; name every resource, e.g. {\"s3Bucket\": \"...\"}")
        }
        let data = event.data.map { JSONValue.object($0) }
        if let data, nesting(data) > maxNesting {
            throw LedgerError(.invalidInput, "the data of this event nests deeper than DynamoDB's \(maxNesting) levels; flatten it")
        }
        if let data, let number = numberNotKept(in: data) {
            throw LedgerError(.invalidInput, "the data of this event holds the number \(JSONValue.numberText(number) ?? "\(number)"), which DynamoDB cannot keep as sent (it has no negative zero, and holds magnitudes from 1e-130 to below 1e126 only); send it as a string, or use the SQLite store")
        }
        // Attribute names and values, as DynamoDB counts an item's size (numbers at their largest).
        let size = "guid".utf8.count + event.guid.utf8.count + "sequence".utf8.count + 21
            + "type".utf8.count + event.kind.rawValue.utf8.count + "receivedAt".utf8.count + 24
            + (event.message.map { "message".utf8.count + $0.utf8.count } ?? 0)
            + (data.map { "data".utf8.count + itemSize($0) } ?? 0)
        guard size <= maxItemSize else {
            throw LedgerError(.invalidInput, "the event is \(size / 1024) KB; a DynamoDB item holds at most \(maxItemSize / 1024) KB: send less in one event, or use the SQLite store")
        }
    }

    /// The size DynamoDB counts for a value: strings by their UTF-8 bytes, numbers at most 21 bytes,
    /// maps and lists 3 bytes plus 1 per element.
    static func itemSize(_ value: JSONValue) -> Int {
        switch value {
        case .null, .bool: 1
        case .number: 21
        case .string(let text): text.utf8.count
        case .array(let values): 3 + values.reduce(0) { $0 + 1 + itemSize($1) }
        case .object(let members): 3 + members.reduce(0) { $0 + 1 + $1.key.utf8.count + itemSize($1.value) }
        }
    }

    /// The first number DynamoDB would change or refuse: negative zero (it keeps `0`), or one
    /// outside the magnitudes an `N` holds.
    static func numberNotKept(in value: JSONValue) -> Double? {
        switch value {
        case .number(let number):
            if number == 0 { return number.sign == .minus ? number : nil }
            return number.magnitude < 1e-130 || number.magnitude >= 1e126 ? number : nil
        case .array(let values): return values.lazy.compactMap(numberNotKept).first
        case .object(let members): return members.values.lazy.compactMap(numberNotKept).first
        default: return nil
        }
    }

    static func nesting(_ value: JSONValue) -> Int {
        switch value {
        case .array(let values): 1 + (values.map(nesting).max() ?? 0)
        case .object(let members): 1 + (members.values.map(nesting).max() ?? 0)
        default: 0
        }
    }

    /// Records a batch: for each project, one counter update numbers all its events, BatchWriteItem
    /// writes them 25 to a call, and one merge applies all its resource reports (a later report's
    /// keys win). Projects go in parallel; a failure fails the events of that project only.
    static func recordBatch(_ batch: [PendingEvent], tables: Tables, client: DynamoDBClient) async -> [Result<StoredEvent, any Error>] {
        var positions: [ByteKey: [Int]] = [:]
        var order: [ByteKey] = []
        for (index, pending) in batch.enumerated() {
            let key = ByteKey(pending.event.guid)
            if positions[key] == nil { order.append(key) }
            positions[key, default: []].append(index)
        }
        var results = [Result<StoredEvent, any Error>](repeating: .failure(LedgerError(.storage, "the batch lost a write result")), count: batch.count)
        await withTaskGroup(of: [(Int, Result<StoredEvent, any Error>)].self) { group in
            for key in order {
                let guid = key.text
                let indices = positions[key] ?? []
                let events = indices.map { batch[$0] }
                group.addTask {
                    do {
                        let stored = try await recordProject(guid: guid, events, tables: tables, client: client)
                        return zip(indices, stored.map { .success($0) }).map { ($0, $1) }
                    } catch let error as AWSError {
                        let failure = ledgerError(error, doing: "record \(events.count) event(s) of \(guid)", tables: tables)
                        return indices.map { ($0, .failure(failure)) }
                    } catch {
                        return indices.map { ($0, .failure(error)) }
                    }
                }
            }
            for await part in group {
                for (index, result) in part { results[index] = result }
            }
        }
        return results
    }

    /// The events of one project, in the order they arrived.
    private static func recordProject(guid: String, _ pending: [PendingEvent], tables: Tables, client: DynamoDBClient) async throws -> [StoredEvent] {
        let first = DynamoDBValue.string(timeString(pending[0].date))
        // One atomic ADD numbers the whole run, whatever the number of writers.
        let project = try await client.updateItem(
            table: tables.projects, key: ["guid": .string(guid)],
            update: "SET userId = if_not_exists(userId, :unknown), #name = if_not_exists(#name, :unnamed), createdAt = if_not_exists(createdAt, :now), updatedAt = if_not_exists(updatedAt, :now) ADD lastSequence :count",
            names: ["#name": "name"],
            values: [
                ":unknown": .string(ProjectRecord.unknownUser), ":unnamed": .string(ProjectRecord.unnamedProject),
                ":now": first, ":count": .number(String(pending.count)),
            ])
        guard let last = project?["lastSequence"]?.int64Value else {
            throw LedgerError(.storage, "DynamoDB table \(tables.projects) gave no event number for \(guid); is lastSequence a number there?")
        }
        let stored = pending.enumerated().map { offset, item in
            StoredEvent(
                sequence: last - Int64(pending.count - 1 - offset), guid: guid, kind: item.event.kind,
                message: item.event.message, data: item.event.data, receivedAt: item.date)
        }
        try await client.batchPut(table: tables.events, items: stored.map { event in
            var item: DynamoDBItem = [
                "guid": .string(guid), "sequence": .number(String(event.sequence)),
                "type": .string(event.kind.rawValue), "receivedAt": .string(timeString(event.receivedAt)),
            ]
            if let message = event.message { item["message"] = .string(message) }
            if let data = event.data { item["data"] = DynamoDBValue(.object(data)) }
            return item
        })
        let reports = pending.filter { $0.event.kind == .resources && $0.event.data != nil }
        if let latest = reports.last {
            var merged: [String: JSONValue] = [:]
            do {
                for report in reports { merged = try merged.mergingExactly(report.event.data ?? [:]) }
            } catch {
                throw LedgerError(.invalidInput, "cannot merge the reports of \(guid): \(error)")
            }
            try await mergeResources(
                guid: guid, userId: project?["userId"]?.stringValue ?? ProjectRecord.unknownUser,
                name: project?["name"]?.stringValue ?? ProjectRecord.unnamedProject, data: merged,
                now: .string(timeString(latest.date)), tables: tables, client: client)
        }
        return stored
    }
}
