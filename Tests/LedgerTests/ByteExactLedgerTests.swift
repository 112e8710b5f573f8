import AWS
import Foundation
import JSON
import Testing
@testable import Ledger

/// Issue 15, items 1 to 3 in the ledger: guids and resource names compared as bytes, as SQLite and
/// DynamoDB compare them, and numbers stored as they came.
@Suite struct ByteExactLedgerTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let precomposed = "caf\u{E9}-proj"
    static let decomposed = "cafe\u{301}-proj"

    @Test func guidsThatDifferOnlyInNormalisationAreTwoProjects() async throws {
        let dir = try TemporaryDirectory()
        let ledger = try SQLiteLedger(path: dir.path("ledger.sqlite"))
        let first = try await ledger.record(NotifyEvent(guid: Self.precomposed, kind: .resources, data: ["secretBucket": "mine"]), at: Self.t0)
        let other = try await ledger.record(NotifyEvent(guid: Self.decomposed, kind: .resources, data: ["another": "x", "mine": "attacker"]), at: Self.t0)
        let second = try await ledger.record(NotifyEvent(guid: Self.precomposed, kind: .status, message: "still mine"), at: Self.t0)
        #expect([first.sequence, other.sequence, second.sequence] == [1, 1, 2])
        #expect(try await ledger.resources(guid: Self.precomposed)?.awsResources == ["secretBucket": "mine"])
        #expect(try await ledger.resources(guid: Self.decomposed)?.awsResources == ["another": "x", "mine": "attacker"])
        #expect(try await ledger.events(guid: Self.precomposed, after: nil, limit: nil).map(\.sequence) == [1, 2])
    }

    @Test func aReportNamingAStoredResourceInAnotherNormalisationIsRefused() async throws {
        let dir = try TemporaryDirectory()
        let ledger = try SQLiteLedger(path: dir.path("ledger.sqlite"))
        try await ledger.record(NotifyEvent(guid: "g", kind: .resources, data: ["caf\u{E9}": "first"]), at: Self.t0)
        let error = try await #require(throws: LedgerError.self) {
            try await ledger.record(NotifyEvent(guid: "g", kind: .resources, data: ["cafe\u{301}": "second"]), at: Self.t0)
        }
        #expect(error.code == .invalidInput)
        #expect(error.message.contains("normalisation"))
        let stored = try #require(try await ledger.resources(guid: "g")).awsResources
        #expect(JSONValue.object(stored) == ["caf\u{E9}": "first"])
        // The refused report took no sequence number.
        #expect(try await ledger.record(NotifyEvent(guid: "g", kind: .done), at: Self.t0).sequence == 2)
    }

    @Test func numbersComeBackFromSQLiteAsTheyWent() async throws {
        let dir = try TemporaryDirectory()
        let ledger = try SQLiteLedger(path: dir.path("ledger.sqlite"))
        let data = try #require(try JSONValue(parsing: #"{"big":9007199254740994,"id":9000000000000001,"negativeZero":-0.0,"tiny":5e-324,"dec":0.1}"#).objectValue)
        try await ledger.record(NotifyEvent(guid: "g", kind: .resources, data: data), at: Self.t0)
        let stored = try #require(try await ledger.resources(guid: "g")).awsResources
        #expect(JSONValue.object(stored).encodedString() == #"{"big":9007199254740994,"dec":0.1,"id":9000000000000001,"negativeZero":-0.0,"tiny":5e-324}"#)
        let event = try #require(try await ledger.events(guid: "g", after: nil, limit: nil).first)
        #expect(event.data.map { JSONValue.object($0).encodedString() } == JSONValue.object(stored).encodedString())
    }

    @Test func dynamoDBNumbersCarryEveryDigit() throws {
        #expect(DynamoDBValue(.number(9_007_199_254_740_994)) == .number("9007199254740994"))
        #expect(DynamoDBValue(.number(9_000_000_000_000_001)) == .number("9000000000000001"))
        #expect(DynamoDBValue(.number(0.1)) == .number("0.1"))
        #expect(DynamoDBValue.number("9000000000000001").json.encodedString() == "9000000000000001")
        // More digits than a double keeps (another writer's, say): the digits, not a rounded double.
        #expect(DynamoDBValue.number("12345678901234567890").json == .string("12345678901234567890"))
        #expect(DynamoDBValue.numberSet(["1", "9007199254740993"]).json == [1, "9007199254740993"])
    }

    @Test func anEventWithANumberDynamoDBCannotKeepIsRefusedBeforeAnyCall() throws {
        for number in [-0.0, 1e-200, 1e200] {
            let event = NotifyEvent(guid: "g", kind: .resources, data: ["v": ["nested": [.number(number)]]])
            let error = try #require(throws: LedgerError.self) { try DynamoDBLedger.validate(event) }
            #expect(error.code == .invalidInput && error.message.contains("DynamoDB cannot keep"))
        }
        try DynamoDBLedger.validate(NotifyEvent(guid: "g", kind: .resources, data: ["v": 0, "w": 1e125, "x": 1e-130]))
    }

    @Test(.enabled(if: DynamoDBMoto.isAvailable, "needs moto_server: source scripts/moto.sh; moto_start"))
    func dynamoDBKeepsByteDifferentGuidsApartAndNumbersWhole() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        let data = try #require(try JSONValue(parsing: #"{"big":9007199254740994,"id":9000000000000001,"dec":0.1}"#).objectValue)
        try await ledger.record(NotifyEvent(guid: Self.precomposed, kind: .resources, data: data), at: Self.t0)
        try await ledger.record(NotifyEvent(guid: Self.decomposed, kind: .resources, data: ["mine": "attacker"]), at: Self.t0)
        let stored = try #require(try await ledger.resources(guid: Self.precomposed)).awsResources
        #expect(JSONValue.object(stored).encodedString() == #"{"big":9007199254740994,"dec":0.1,"id":9000000000000001}"#)
        #expect(try await ledger.resources(guid: Self.decomposed)?.awsResources == ["mine": "attacker"])
        #expect(try await ledger.record(NotifyEvent(guid: Self.precomposed, kind: .done), at: Self.t0).sequence == 2)
    }
}
