import Foundation
import Testing
@testable import Ledger

@Suite struct LedgerLocationTests {
    @Test func parsesSQLitePaths() throws {
        #expect(try LedgerLocation(parsing: "sqlite:/var/lib/d.sqlite") == .sqlite(path: "/var/lib/d.sqlite"))
        #expect(try LedgerLocation(parsing: "sqlite:///var/lib/d.sqlite") == .sqlite(path: "/var/lib/d.sqlite"))
        #expect(try LedgerLocation(parsing: "sqlite:data/d.sqlite", relativeTo: "/work") == .sqlite(path: "/work/data/d.sqlite"))
    }

    @Test func parsesDynamoDBTablesAndRegions() throws {
        #expect(try LedgerLocation(parsing: "dynamodb:tmux-deployments") == .dynamoDB(table: "tmux-deployments", region: nil))
        #expect(try LedgerLocation(parsing: "dynamodb:tmux-deployments?region=eu-west-1") == .dynamoDB(table: "tmux-deployments", region: "eu-west-1"))
        #expect(LedgerLocation.dynamoDB(table: "t.x", region: "us-east-1").description == "dynamodb:t.x?region=us-east-1")
    }

    @Test(arguments: ["", "postgres://x", "sqlite:", "dynamodb:", "dynamodb:ab", "dynamodb:bad name", "dynamodb:table?zone=1", "dynamodb:table?region="])
    func refusesWhatItCannotUse(_ text: String) {
        let error = #expect(throws: LedgerError.self) { try LedgerLocation(parsing: text) }
        #expect(error?.code == .invalidStoreURL)
    }

    @Test func theFlagWinsOverTheEnvironmentWhichWinsOverTheDefault() throws {
        let environment = ["HOME": "/home/u", "XDG_DATA_HOME": "/data", "DEPLOYOTRON_STORE": "sqlite:/env.sqlite"]
        #expect(try LedgerLocation.resolve(flag: "sqlite:/flag.sqlite", environment: environment) == .sqlite(path: "/flag.sqlite"))
        #expect(try LedgerLocation.resolve(flag: nil, environment: environment) == .sqlite(path: "/env.sqlite"))
        #expect(try LedgerLocation.resolve(flag: nil, environment: ["HOME": "/home/u", "XDG_DATA_HOME": "/data"]) == .sqlite(path: "/data/deployotron/deployotron.sqlite"))
        #expect(try LedgerLocation.resolve(flag: nil, environment: ["HOME": "/home/u"]) == .sqlite(path: "/home/u/.local/share/deployotron/deployotron.sqlite"))
    }

    @Test func opensASQLiteStoreThatWorks() async throws {
        let dir = try TemporaryDirectory()
        let store = try await LedgerLocation.sqlite(path: dir.path("x/ledger.sqlite")).open(environment: [:])
        try await store.record(NotifyEvent(guid: "g", kind: .ack, message: "hi"), at: Date())
        #expect(try await store.events(guid: "g", after: nil, limit: nil).count == 1)
        #expect(FileManager.default.fileExists(atPath: dir.path("x/ledger.sqlite")))
    }

    @Test func theSQLiteSyncModeIsChosenByTheEnvironment() async throws {
        let dir = try TemporaryDirectory()
        let location = LedgerLocation.sqlite(path: dir.path("sync.sqlite"))
        let store = try await location.open(environment: ["DEPLOYOTRON_SQLITE_SYNC": "normal"])
        try await store.record(NotifyEvent(guid: "g", kind: .ack, message: "hi"), at: Date())
        #expect(try await location.open(environment: [:]).events(guid: "g", after: nil, limit: nil).count == 1)
        let error = await #expect(throws: LedgerError.self) {
            _ = try await location.open(environment: ["DEPLOYOTRON_SQLITE_SYNC": "sometimes"])
        }
        #expect(error?.description.contains("DEPLOYOTRON_SQLITE_SYNC") == true)
    }
}
