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
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
