import AsyncHTTPClient
import Foundation
import JSON

/// The DynamoDB calls deployotron makes, over the JSON 1.0 protocol.
public struct DynamoDBClient: Sendable {
    public var client: AWSJSONClient

    public init(transport: AWSServiceClient) {
        self.client = AWSJSONClient(transport: transport, targetPrefix: "DynamoDB_20120810", jsonVersion: "1.0")
    }

    /// A client for `region` (or the environment's) at AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL or AWS.
    public static func fromEnvironment(
        region: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String? = nil, httpClient: HTTPClient = .shared
    ) throws -> DynamoDBClient {
        DynamoDBClient(transport: try AWSServiceClient.fromEnvironment(
            .dynamoDB, displayName: "DynamoDB", region: region, environment: environment, homeDirectory: homeDirectory, httpClient: httpClient))
    }

    // MARK: - Types

    public enum AttributeType: String, Sendable {
        case string = "S", number = "N", binary = "B"
    }

    /// A key attribute of a table: its name and type.
    public struct KeyAttribute: Sendable, Equatable {
        public var name: String
        public var type: AttributeType

        public init(_ name: String, _ type: AttributeType) {
            self.name = name
            self.type = type
        }
    }

    /// A global secondary index: another key to query the same items by (projecting every attribute).
    public struct GlobalIndex: Sendable, Equatable {
        public var name: String
        public var partitionKey: KeyAttribute
        public var sortKey: KeyAttribute?

        public init(name: String, partitionKey: KeyAttribute, sortKey: KeyAttribute? = nil) {
            self.name = name
            self.partitionKey = partitionKey
            self.sortKey = sortKey
        }
    }

    /// `CREATING`, `ACTIVE`, `UPDATING`, `DELETING`...
    public struct TableDescription: Sendable, Equatable {
        public var name: String
        public var status: String
        public var keySchema: [String: String]
    }

    /// One page of a Query or Scan, and where the next one starts.
    public struct Page: Sendable {
        public var items: [DynamoDBItem]
        /// Absent on the last page.
        public var lastEvaluatedKey: DynamoDBItem?
    }

    /// What UpdateItem returns.
    public enum ReturnValues: String, Sendable {
        case none = "NONE", allOld = "ALL_OLD", allNew = "ALL_NEW", updatedOld = "UPDATED_OLD", updatedNew = "UPDATED_NEW"
    }

    // MARK: - Tables

    /// Creates an on-demand (PAY_PER_REQUEST) table. Returns false when it already existed.
    @discardableResult
    public func createTable(_ name: String, partitionKey: KeyAttribute, sortKey: KeyAttribute? = nil, globalIndexes: [GlobalIndex] = []) async throws -> Bool {
        var attributes: [KeyAttribute] = []
        func define(_ attribute: KeyAttribute?) {
            if let attribute, !attributes.contains(where: { $0.name == attribute.name }) { attributes.append(attribute) }
        }
        func schema(_ hash: KeyAttribute, _ range: KeyAttribute?) -> JSONValue {
            var elements: [JSONValue] = [["AttributeName": .string(hash.name), "KeyType": "HASH"]]
            if let range { elements.append(["AttributeName": .string(range.name), "KeyType": "RANGE"]) }
            return .array(elements)
        }
        define(partitionKey)
        define(sortKey)
        for index in globalIndexes {
            define(index.partitionKey)
            define(index.sortKey)
        }
        var input: [String: JSONValue] = [
            "TableName": .string(name),
            "AttributeDefinitions": .array(attributes.map { ["AttributeName": .string($0.name), "AttributeType": .string($0.type.rawValue)] }),
            "KeySchema": schema(partitionKey, sortKey),
            "BillingMode": "PAY_PER_REQUEST",
        ]
        if !globalIndexes.isEmpty {
            input["GlobalSecondaryIndexes"] = .array(globalIndexes.map {
                ["IndexName": .string($0.name), "KeySchema": schema($0.partitionKey, $0.sortKey), "Projection": ["ProjectionType": "ALL"]]
            })
        }
        do {
            try await client.call("CreateTable", .object(input))
            return true
        } catch let error as AWSError where error.type == "ResourceInUseException" {
            return false
        }
    }

    /// The table's description, or nil when there is no such table.
    public func describeTable(_ name: String) async throws -> TableDescription? {
        let answer: JSONValue
        do {
            answer = try await client.call("DescribeTable", ["TableName": .string(name)])
        } catch let error as AWSError where error.type == "ResourceNotFoundException" {
            return nil
        }
        guard let table = answer["Table"], let status = table["TableStatus"]?.stringValue else {
            throw AWSError(.invalidResponse, "DescribeTable answered without Table.TableStatus", operation: "DynamoDB DescribeTable")
        }
        var schema: [String: String] = [:]
        for element in table["KeySchema"]?.arrayValue ?? [] {
            if let name = element["AttributeName"]?.stringValue, let type = element["KeyType"]?.stringValue { schema[name] = type }
        }
        return TableDescription(name: table["TableName"]?.stringValue ?? name, status: status, keySchema: schema)
    }

    /// Waits until the table is ACTIVE, polling every `interval`, at most `attempts` times.
    public func waitUntilActive(_ name: String, interval: Duration = .milliseconds(500), attempts: Int = 120, clock: any Clock<Duration> = ContinuousClock()) async throws {
        for _ in 0..<attempts {
            if let table = try await describeTable(name), table.status == "ACTIVE" { return }
            try await clock.sleep(for: interval, tolerance: nil)
        }
        throw AWSError(.service, "table \(name) did not become ACTIVE; check it in the DynamoDB console", operation: "DynamoDB DescribeTable")
    }

    // MARK: - Items

    /// Writes the whole item; with `condition`, only if it holds (else `isConditionalCheckFailed`).
    public func putItem(
        table: String, item: DynamoDBItem, condition: String? = nil, names: [String: String] = [:], values: DynamoDBItem = [:]
    ) async throws {
        var input: [String: JSONValue] = ["TableName": .string(table), "Item": DynamoDBValue.wire(item)]
        Self.addExpression(condition, key: "ConditionExpression", names: names, values: values, to: &input)
        try await client.call("PutItem", .object(input))
    }

    /// Writes every item, 25 to a BatchWriteItem call (DynamoDB's limit), and writes again what a call
    /// left unprocessed (as DynamoDB does when throttled), pausing longer each time. Throws when
    /// items are still unprocessed after `attempts` calls; some of the others may be written.
    public func batchPut(
        table: String, items: [DynamoDBItem], attempts: Int = 8, firstPause: Duration = .milliseconds(50),
        clock: any Clock<Duration> = ContinuousClock()
    ) async throws {
        var start = items.startIndex
        while start < items.endIndex {
            let end = min(start + Self.batchWriteLimit, items.endIndex)
            var requests: [JSONValue] = items[start..<end].map { ["PutRequest": ["Item": DynamoDBValue.wire($0)]] }
            var pause = firstPause
            for attempt in 1...max(1, attempts) {
                let answer = try await client.call("BatchWriteItem", ["RequestItems": .object([table: .array(requests)])])
                requests = answer["UnprocessedItems"]?[table]?.arrayValue ?? []
                if requests.isEmpty { break }
                guard attempt < attempts else {
                    throw AWSError(.service, "\(requests.count) item(s) were still unprocessed after \(attempts) attempts; DynamoDB is throttling, try again later", operation: "DynamoDB BatchWriteItem")
                }
                try await clock.sleep(for: pause)
                pause *= 2
            }
            start = end
        }
    }

    /// Items per BatchWriteItem call.
    public static let batchWriteLimit = 25

    /// The item with this key, or nil. Strongly consistent unless asked otherwise.
    public func getItem(table: String, key: DynamoDBItem, consistentRead: Bool = true) async throws -> DynamoDBItem? {
        let answer = try await client.call("GetItem", [
            "TableName": .string(table), "Key": DynamoDBValue.wire(key), "ConsistentRead": .bool(consistentRead),
        ])
        guard let item = answer["Item"] else { return nil }
        return try DynamoDBValue.item(wire: item)
    }

    /// Applies `update` (`SET a = :v, b = if_not_exists(b, :w) ADD n :one`) when `condition` holds.
    @discardableResult
    public func updateItem(
        table: String, key: DynamoDBItem, update: String, condition: String? = nil,
        names: [String: String] = [:], values: DynamoDBItem = [:], returnValues: ReturnValues = .allNew
    ) async throws -> DynamoDBItem? {
        var input: [String: JSONValue] = [
            "TableName": .string(table), "Key": DynamoDBValue.wire(key),
            "UpdateExpression": .string(update), "ReturnValues": .string(returnValues.rawValue),
        ]
        if let condition { input["ConditionExpression"] = .string(condition) }
        Self.addExpression(nil, key: "", names: names, values: values, to: &input)
        let answer = try await client.call("UpdateItem", .object(input))
        return try answer["Attributes"].map(DynamoDBValue.item(wire:))
    }

    /// Deletes the item (when `condition` holds); deleting what is not there succeeds.
    public func deleteItem(
        table: String, key: DynamoDBItem, condition: String? = nil, names: [String: String] = [:], values: DynamoDBItem = [:]
    ) async throws {
        var input: [String: JSONValue] = ["TableName": .string(table), "Key": DynamoDBValue.wire(key)]
        Self.addExpression(condition, key: "ConditionExpression", names: names, values: values, to: &input)
        try await client.call("DeleteItem", .object(input))
    }

    // MARK: - Reads of many

    /// One page of items whose key matches `keyCondition`; in `index` when given (never strongly consistent).
    public func query(
        table: String, index: String? = nil, keyCondition: String, filter: String? = nil, names: [String: String] = [:], values: DynamoDBItem = [:],
        scanIndexForward: Bool = true, limit: Int? = nil, exclusiveStartKey: DynamoDBItem? = nil, consistentRead: Bool = true
    ) async throws -> Page {
        var input: [String: JSONValue] = [
            "TableName": .string(table), "KeyConditionExpression": .string(keyCondition),
            "ScanIndexForward": .bool(scanIndexForward), "ConsistentRead": .bool(consistentRead && index == nil),
        ]
        if let index { input["IndexName"] = .string(index) }
        if let filter { input["FilterExpression"] = .string(filter) }
        if let limit { input["Limit"] = .number(Double(limit)) }
        if let exclusiveStartKey { input["ExclusiveStartKey"] = DynamoDBValue.wire(exclusiveStartKey) }
        Self.addExpression(nil, key: "", names: names, values: values, to: &input)
        return try Self.page(try await client.call("Query", .object(input)), operation: "Query")
    }

    /// Every item the query matches, following LastEvaluatedKey, up to `limit` items when given.
    public func queryAll(
        table: String, index: String? = nil, keyCondition: String, filter: String? = nil, names: [String: String] = [:], values: DynamoDBItem = [:],
        scanIndexForward: Bool = true, limit: Int? = nil, pageSize: Int? = nil
    ) async throws -> [DynamoDBItem] {
        var items: [DynamoDBItem] = []
        var start: DynamoDBItem?
        repeat {
            let remaining = limit.map { $0 - items.count }
            let size = [pageSize, filter == nil ? remaining : nil].compactMap { $0 }.min()
            let page = try await query(
                table: table, index: index, keyCondition: keyCondition, filter: filter, names: names, values: values,
                scanIndexForward: scanIndexForward, limit: size, exclusiveStartKey: start)
            items += page.items
            start = page.lastEvaluatedKey
        } while start != nil && (limit.map { items.count < $0 } ?? true)
        if let limit, items.count > limit { items.removeLast(items.count - limit) }
        return items
    }

    /// One page of the whole table.
    public func scan(table: String, limit: Int? = nil, exclusiveStartKey: DynamoDBItem? = nil, consistentRead: Bool = true) async throws -> Page {
        var input: [String: JSONValue] = ["TableName": .string(table), "ConsistentRead": .bool(consistentRead)]
        if let limit { input["Limit"] = .number(Double(limit)) }
        if let exclusiveStartKey { input["ExclusiveStartKey"] = DynamoDBValue.wire(exclusiveStartKey) }
        return try Self.page(try await client.call("Scan", .object(input)), operation: "Scan")
    }

    /// Every item of the table, all pages.
    public func scanAll(table: String, pageSize: Int? = nil) async throws -> [DynamoDBItem] {
        var items: [DynamoDBItem] = []
        var start: DynamoDBItem?
        repeat {
            let page = try await scan(table: table, limit: pageSize, exclusiveStartKey: start)
            items += page.items
            start = page.lastEvaluatedKey
        } while start != nil
        return items
    }

    // MARK: - Helpers

    private static func addExpression(
        _ expression: String?, key: String, names: [String: String], values: DynamoDBItem, to input: inout [String: JSONValue]
    ) {
        if let expression { input[key] = .string(expression) }
        // DynamoDB refuses empty maps here.
        if !names.isEmpty { input["ExpressionAttributeNames"] = .object(names.mapValues(JSONValue.string)) }
        if !values.isEmpty { input["ExpressionAttributeValues"] = DynamoDBValue.wire(values) }
    }

    private static func page(_ answer: JSONValue, operation: String) throws -> Page {
        guard let list = answer["Items"]?.arrayValue else {
            throw AWSError(.invalidResponse, "\(operation) answered without Items", operation: "DynamoDB \(operation)")
        }
        let items = try list.map(DynamoDBValue.item(wire:))
        let last = try answer["LastEvaluatedKey"].map(DynamoDBValue.item(wire:))
        return Page(items: items, lastEvaluatedKey: last?.isEmpty == true ? nil : last)
    }
}
