import Foundation
import Ledger

/// The stores the server tests run against: a real SQLite file always, DynamoDB when
/// `DEPLOYOTRON_TEST_MOTO_ENDPOINT` names a moto_server (scripts/test.sh starts one).
enum TestStore: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case dynamodb

    var description: String { rawValue }

    static var available: [TestStore] {
        ProcessInfo.processInfo.environment["DEPLOYOTRON_TEST_MOTO_ENDPOINT"].map { _ in allCases } ?? [.sqlite]
    }

    /// A fresh, empty store: a new file in `directory`, or a new table on moto_server.
    func open(in directory: borrowing TemporaryDirectory) async throws -> any LedgerStore {
        switch self {
        case .sqlite:
            return try SQLiteLedger(path: directory.path("ledger.sqlite"))
        case .dynamodb:
            let environment = ProcessInfo.processInfo.environment
            let endpoint = environment["DEPLOYOTRON_TEST_MOTO_ENDPOINT"] ?? ""
            var scoped = environment
            scoped["AWS_ENDPOINT_URL"] = endpoint
            scoped["AWS_ACCESS_KEY_ID"] = environment["DEPLOYOTRON_TEST_MOTO_ACCESS_KEY_ID"] ?? "testing"
            scoped["AWS_SECRET_ACCESS_KEY"] = environment["DEPLOYOTRON_TEST_MOTO_SECRET_ACCESS_KEY"] ?? "testing"
            scoped["AWS_SESSION_TOKEN"] = nil
            scoped["AWS_PROFILE"] = nil
            let location = LedgerLocation.dynamoDB(table: "notify-tests-\(UUID().uuidString.prefix(8).lowercased())", region: "us-east-1")
            try await location.initialize(environment: scoped)
            return try await location.open(environment: scoped)
        }
    }
}
