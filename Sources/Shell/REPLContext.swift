import Agent
import Claude
import Foundation
import Ledger

/// What the REPL works with, gathered by the command that opens it.
public struct REPLContext: Sendable {
    /// The conversation; nil when there is no API key (slash commands that need no model still work).
    public var conversation: Conversation?
    /// The model shown before a conversation exists.
    public var model: String
    /// Model names offered by `/model` and Tab.
    public var models: [String]
    public var skills: SkillsCatalog
    /// The project: the directory the REPL was opened in.
    public var projectRoot: URL
    /// The project's guid (`ProjectIdentity`), under which build agents report its resources.
    public var projectGuid: String?
    /// Opens the ledger on first use, so a slow store never delays the first prompt.
    public var openLedger: (@Sendable () async throws -> any LedgerStore)?
    /// Estimated dollars for `usage` on `model`; nil when the model's prices are unknown.
    public var estimateCost: @Sendable (_ model: String, _ usage: Usage) -> Double?
    /// Said instead of talking to Claude when there is no API key.
    public var missingKeyMessage: String?
    /// The transcript's session id, shown by `/help` and at exit.
    public var sessionID: String?

    public init(
        conversation: Conversation?, model: String, models: [String],
        skills: SkillsCatalog, projectRoot: URL, projectGuid: String? = nil, openLedger: (@Sendable () async throws -> any LedgerStore)?,
        estimateCost: @escaping @Sendable (_ model: String, _ usage: Usage) -> Double? = { _, _ in nil },
        missingKeyMessage: String? = nil, sessionID: String? = nil
    ) {
        self.conversation = conversation
        self.model = model
        self.models = models
        self.skills = skills
        self.projectRoot = projectRoot
        self.projectGuid = projectGuid
        self.openLedger = openLedger
        self.estimateCost = estimateCost
        self.missingKeyMessage = missingKeyMessage
        self.sessionID = sessionID
    }
}
