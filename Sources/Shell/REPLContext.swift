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
    /// Model names offered by `/model` and Tab before the API's list is known.
    public var models: [String]
    /// What `/model` and Tab offer: `models`, then the API's list once `/model` asked for it.
    public var modelNames: ModelNames
    /// `GET /v1/models`; nil when there is no client (no API key).
    public var listModels: (@Sendable () async throws -> [ModelInfo])?
    /// `/mcp`: the lines describing the session's MCP servers; nil when it has none configured.
    public var mcpReport: (@Sendable () -> [String])? = nil
    public var skills: SkillsCatalog
    /// The project: the directory the REPL was opened in.
    public var projectRoot: URL
    /// The project's guid (`ProjectIdentity`), under which build agents report its resources.
    public var projectGuid: String?
    /// Opens the ledger on first use, so a slow store never delays the first prompt.
    public var openLedger: (@Sendable () async throws -> any LedgerStore)?
    /// Estimated dollars for `usage` on `model`; nil when the model's prices are unknown. Used when
    /// there is no conversation; with one, its own estimate (each response at its model's prices) wins.
    public var estimateCost: @Sendable (_ model: String, _ usage: Usage) -> Double?
    /// Said instead of talking to Claude when there is no API key.
    public var missingKeyMessage: String?
    /// The transcript's session id, shown by `/help` and at exit.
    public var sessionID: String?
    /// `/doctor`: the report `deployotron doctor` prints, made by the command that opens the REPL.
    public var doctor: (@Sendable () async -> String)?

    public init(
        conversation: Conversation?, model: String, models: [String],
        skills: SkillsCatalog, projectRoot: URL, projectGuid: String? = nil, openLedger: (@Sendable () async throws -> any LedgerStore)?,
        estimateCost: @escaping @Sendable (_ model: String, _ usage: Usage) -> Double? = { _, _ in nil },
        missingKeyMessage: String? = nil, sessionID: String? = nil,
        modelNames: ModelNames? = nil, listModels: (@Sendable () async throws -> [ModelInfo])? = nil,
        doctor: (@Sendable () async -> String)? = nil
    ) {
        self.doctor = doctor
        self.modelNames = modelNames ?? ModelNames(models)
        self.listModels = listModels
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
