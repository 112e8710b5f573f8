import Foundation

/// Why the ledger could not do what was asked, in words a user can act on.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// `--store` or DEPLOYOTRON_STORE could not be understood.
        case invalidStoreURL
        /// The store could not be opened or created.
        case unavailable
        /// A read or write failed.
        case storage
        /// Every port of the range is taken.
        case noFreePort
        /// The caller asked for something the ledger cannot hold (an empty guid, say).
        case invalidInput
    }

    public var code: Code
    public var message: String
    /// SQLite's result code when SQLite refused, so a report can name it.
    public var sqliteCode: Int32?

    public init(_ code: Code, _ message: String, sqliteCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.sqliteCode = sqliteCode
    }

    public var description: String {
        if let sqliteCode { return "\(message) (SQLite code \(sqliteCode))" }
        return message
    }
}
