import Foundation
import Locations

/// Which store holds the ledger: `sqlite:PATH` or `dynamodb:TABLE[?region=R]`.
///
/// Chosen by `--store`, else `DEPLOYOTRON_STORE`, else the SQLite file in the user's data folder.
public enum LedgerLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case dynamoDB(table: String, region: String?)

    /// The environment variable that names the store when no `--store` is given.
    public static let environmentVariable = "DEPLOYOTRON_STORE"

    /// Parses a store URL. A relative SQLite path is taken from `directory`.
    public init(parsing text: String, relativeTo directory: String = FileManager.default.currentDirectoryPath) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("sqlite:") {
            var path = String(trimmed.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else {
                throw LedgerError(.invalidStoreURL, "the store URL \(text) names no file; write sqlite:PATH, e.g. sqlite:/var/lib/deployotron/ledger.sqlite")
            }
            if path.hasPrefix("~/") {
                path = UserDirectories().home.appendingPathComponent(String(path.dropFirst(2))).path
            } else if !path.hasPrefix("/") {
                path = URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(path).standardizedFileURL.path
            }
            self = .sqlite(path: path)
        } else if trimmed.hasPrefix("dynamodb:") {
            let rest = String(trimmed.dropFirst("dynamodb:".count))
            let parts = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let table = String(parts[0])
            guard Self.isValidTableName(table) else {
                throw LedgerError(.invalidStoreURL, "the store URL \(text) needs a DynamoDB table name of 3 to 255 letters, digits, '_', '-' or '.', e.g. dynamodb:tmux-deployments?region=us-east-1")
            }
            var region: String?
            if parts.count == 2 {
                for pair in parts[1].split(separator: "&") {
                    let keyValue = pair.split(separator: "=", maxSplits: 1)
                    guard keyValue.count == 2, keyValue[0] == "region", !keyValue[1].isEmpty else {
                        throw LedgerError(.invalidStoreURL, "the store URL \(text) has an option \(pair) this version does not know; the only option is region=R")
                    }
                    region = String(keyValue[1])
                }
            }
            self = .dynamoDB(table: table, region: region)
        } else {
            throw LedgerError(.invalidStoreURL, "the store URL \(text) is neither sqlite:PATH nor dynamodb:TABLE[?region=R]")
        }
    }

    /// `flag` when given, else `DEPLOYOTRON_STORE`, else the default SQLite file.
    public static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LedgerLocation {
        if let flag, !flag.isEmpty { return try LedgerLocation(parsing: flag) }
        if let value = environment[environmentVariable], !value.isEmpty { return try LedgerLocation(parsing: value) }
        return defaultLocation(environment: environment)
    }

    /// `$XDG_DATA_HOME/deployotron/deployotron.sqlite`.
    public static func defaultLocation(environment: [String: String] = ProcessInfo.processInfo.environment) -> LedgerLocation {
        .sqlite(path: UserDirectories(environment: environment).data.appendingPathComponent("deployotron.sqlite").path)
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .dynamoDB(let table, let region): "dynamodb:\(table)" + (region.map { "?region=\($0)" } ?? "")
        }
    }

    /// Chooses SQLite's sync mode: `full` (the default) or `normal` (see `SQLiteLedger.Synchronous`).
    public static let sqliteSyncVariable = "DEPLOYOTRON_SQLITE_SYNC"

    /// Opens the store, creating the SQLite file when it is missing (DynamoDB tables come from `initialize`).
    public func open(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> any LedgerStore {
        switch self {
        case .sqlite(let path):
            let sync = environment[Self.sqliteSyncVariable].map { $0.lowercased() } ?? "full"
            guard let synchronous = SQLiteLedger.Synchronous(rawValue: sync) else {
                throw LedgerError(.invalidStoreURL, "\(Self.sqliteSyncVariable) must be full or normal, not \(sync)")
            }
            return try SQLiteLedger(path: path, synchronous: synchronous)
        case .dynamoDB(let table, let region):
            return try DynamoDBLedger(table: table, region: region, environment: environment)
        }
    }

    /// Creates the store's tables when they are missing; running it again changes nothing.
    public func initialize(environment: [String: String] = ProcessInfo.processInfo.environment) async throws {
        switch self {
        case .sqlite(let path):
            // Opening migrates the file to the current schema.
            _ = try SQLiteLedger(path: path)
        case .dynamoDB(let table, let region):
            try await DynamoDBLedger.createTables(table: table, region: region, environment: environment)
        }
    }

    static func isValidTableName(_ name: String) -> Bool {
        (3...255).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }
    }
}
