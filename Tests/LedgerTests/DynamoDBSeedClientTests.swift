import AWS
import Foundation
import JSON
import Testing
@testable import Ledger

/// Seed 003's Python client (boto3's resource API, used the way the seed uses it) and the DynamoDB
/// ledger read each other's resources items.
@Suite(.enabled(if: DynamoDBMoto.hasBoto3, "needs moto_server and python3 with boto3: run scripts/test.sh"))
struct DynamoDBSeedClientTests {
    /// The seed's get_project_resources and get_user_projects, printing what they return as JSON.
    static let seedReader = """
        import boto3, decimal, json, os, sys
        from datetime import datetime
        table = boto3.resource('dynamodb', region_name='us-east-1', endpoint_url=os.environ['MOTO_ENDPOINT']).Table(sys.argv[1])
        item = table.get_item(Key={'userId': sys.argv[2], 'projectId': sys.argv[3]}).get('Item')
        projects = table.query(KeyConditionExpression='userId = :uid', ExpressionAttributeValues={':uid': sys.argv[2]}).get('Items', [])
        for field in ('createdAt', 'updatedAt'):
            datetime.fromisoformat(item[field].replace('Z', '+00:00'))
        def plain(value):
            if isinstance(value, decimal.Decimal):
                return int(value) if value == value.to_integral_value() else float(value)
            raise TypeError(type(value))
        print(json.dumps({'item': item, 'projects': projects}, default=plain))
        """

    /// The seed's save_project_resources: put_item of the whole item, times from utcnow().isoformat().
    static let seedWriter = """
        import boto3, os, sys
        from datetime import datetime
        table = boto3.resource('dynamodb', region_name='us-east-1', endpoint_url=os.environ['MOTO_ENDPOINT']).Table(sys.argv[1])
        table.put_item(Item={
            'userId': sys.argv[2], 'projectId': sys.argv[3], 'projectName': 'Seeded',
            'awsResources': {'s3Bucket': 'tmux-builder-seeded', 'ports': [80, 443], 'cdn': {'id': 'E9', 'enabled': True}},
            'createdAt': '2026-01-02T03:04:05.678901', 'updatedAt': datetime.utcnow().isoformat(),
        })
        """

    @Test func theSeedClientReadsWhatTheLedgerWrites() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        let date = Date(timeIntervalSince1970: 1_763_800_000.25)
        try await ledger.registerProject(guid: "g-py", userId: "heidi", name: "Py Shop", at: date)
        try await ledger.record(NotifyEvent(guid: "g-py", kind: .resources, data: ["s3Bucket": "tmux-builder-g-py", "ports": [80, 443], "cdn": ["id": "E1", "enabled": true]]), at: date)

        let output = try await DynamoDBMoto.python(Self.seedReader, arguments: [ledger.tables.resources, "heidi", "g-py"])
        let answer = try JSONValue(parsing: output)
        let item = try #require(answer["item"])
        #expect(item["userId"] == "heidi")
        #expect(item["projectId"] == "g-py")
        #expect(item["projectName"] == "Py Shop")
        #expect(item["awsResources"] == ["s3Bucket": "tmux-builder-g-py", "ports": [80, 443], "cdn": ["id": "E1", "enabled": true]])
        #expect(item["createdAt"]?.stringValue.flatMap(LedgerTime.date) == date)
        #expect(item["updatedAt"]?.stringValue.flatMap(LedgerTime.date) == date)
        #expect(answer["projects"]?.arrayValue?.count == 1)
    }

    @Test func theLedgerReadsWhatTheSeedClientWritesAndMergesIntoIt() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        try await DynamoDBMoto.python(Self.seedWriter, arguments: [ledger.tables.resources, "ivan", "seeded"])

        let listed = try await ledger.resources(userId: "ivan")
        let record = try #require(listed.first)
        #expect(listed.count == 1)
        #expect(record.projectId == "seeded")
        #expect(record.projectName == "Seeded")
        #expect(record.awsResources == ["s3Bucket": "tmux-builder-seeded", "ports": [80, 443], "cdn": ["id": "E9", "enabled": true]])
        // Naive ISO-8601 from Python is UTC, microseconds kept to the millisecond.
        #expect(abs(record.createdAt.timeIntervalSince1970 - 1_767_323_045.678901) < 0.001)
        #expect(abs(record.updatedAt.timeIntervalSinceNow) < 600)

        try await ledger.registerProject(guid: "seeded", userId: "ivan", name: "Seeded", at: Date())
        try await ledger.record(NotifyEvent(guid: "seeded", kind: .resources, data: ["cloudFrontUrl": "https://d1.cloudfront.net"]), at: Date())
        let merged = try #require(try await ledger.resources(guid: "seeded"))
        #expect(merged.awsResources["s3Bucket"] == "tmux-builder-seeded")
        #expect(merged.awsResources["cloudFrontUrl"] == "https://d1.cloudfront.net")
        #expect(abs(merged.createdAt.timeIntervalSince1970 - 1_767_323_045.678901) < 0.001)

        let output = try await DynamoDBMoto.python(Self.seedReader, arguments: [ledger.tables.resources, "ivan", "seeded"])
        #expect(try JSONValue(parsing: output)["item"]?["awsResources"]?["cloudFrontUrl"] == "https://d1.cloudfront.net")
    }
}
