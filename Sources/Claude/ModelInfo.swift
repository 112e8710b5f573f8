import JSON

/// One model as `GET /v1/models` lists it.
public struct ModelInfo: Sendable, Equatable {
    public var id: String
    public var displayName: String?

    public init(id: String, displayName: String? = nil) {
        self.id = id
        self.displayName = displayName
    }

    /// `{"type": "model", "id": …, "display_name": …}`; nil without an id.
    public init?(wireValue: JSONValue) {
        guard let id = wireValue["id"]?.stringValue, !id.isEmpty else { return nil }
        self.init(id: id, displayName: wireValue["display_name"]?.stringValue)
    }
}

/// Lists the models the API offers: `ClaudeClient` asks `GET /v1/models` (through `ANTHROPIC_BASE_URL`).
public protocol ModelListing: Sendable {
    func models() async throws -> [ModelInfo]
}
