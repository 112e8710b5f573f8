import Foundation
import Ledger
import TestSupport

/// The stores the server tests run against: a real SQLite file always, DynamoDB when
/// `DEPLOYOTRON_TEST_MOTO_ENDPOINT` names a moto_server (scripts/test.sh starts one).
enum TestStore: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case dynamodb

    var description: String { rawValue }

    static var available: [TestStore] {
        MotoServer.isAvailable ? allCases : [.sqlite]
    }

    /// A fresh, empty store: a new file in `directory`, or a new table on moto_server.
    func open(in directory: borrowing TemporaryDirectory) async throws -> any LedgerStore {
        switch self {
        case .sqlite:
            return try SQLiteLedger(path: directory.path("ledger.sqlite"))
        case .dynamodb:
            let scoped = ProcessInfo.processInfo.environment.merging(MotoServer.awsEnvironment()) { _, moto in moto }
                .filter { $0.key != "AWS_SESSION_TOKEN" && $0.key != "AWS_PROFILE" }
            let location = LedgerLocation.dynamoDB(table: MotoServer.uniqueTable("notify-tests"), region: "us-east-1")
            try await location.initialize(environment: scoped)
            return try await location.open(environment: scoped)
        }
    }
}
