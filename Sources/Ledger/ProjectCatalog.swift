import Foundation

/// A project as the pages and `GET /api/projects` list it: whose it is, how much it reported, and
/// what it said last.
public struct ProjectListing: Sendable, Equatable {
    public var project: ProjectRecord
    /// How many keys its reported resources hold (0 when it reported none).
    public var resourceCount: Int
    /// Its newest event; nil for a project known only from its resources.
    public var lastEvent: StoredEvent?

    public init(project: ProjectRecord, resourceCount: Int, lastEvent: StoredEvent?) {
        self.project = project
        self.resourceCount = resourceCount
        self.lastEvent = lastEvent
    }
}

/// Every project a ledger knows, for the pages of `deployotron serve`.
///
/// A project is known when it was registered, when an agent reported under its guid, or when
/// another client (seed 003's Python one) wrote its resources straight into the store.
public protocol ProjectCatalog: Sendable {
    /// The projects of `userId`, or of everyone when it is nil; the most recently updated first.
    func projectListings(userId: String?) async throws -> [ProjectListing]

    /// The project's newest event, nil when it has none.
    func lastEvent(guid: String) async throws -> StoredEvent?
}
