import Foundation

/// One saved session, as `deployotron sessions` lists it.
public struct SessionSummary: Sendable, Equatable {
    public var id: String
    /// The project's real path.
    public var project: String
    public var model: String
    public var created: Date
    /// When the transcript was last written.
    public var updated: Date
    /// Messages in the history a resume would restore.
    public var messageCount: Int
    /// The start of the first thing the user said, for recognising the session.
    public var title: String

    public init(id: String, project: String, model: String, created: Date, updated: Date, messageCount: Int, title: String) {
        self.id = id
        self.project = project
        self.model = model
        self.created = created
        self.updated = updated
        self.messageCount = messageCount
        self.title = title
    }
}
