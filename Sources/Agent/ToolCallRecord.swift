import JSON

/// One tool call Claude asked for, and whether its result was an error (refused, invalid, failed, cancelled).
public struct ToolCallRecord: Sendable, Codable, Equatable {
    public var name: String
    public var input: JSONValue
    public var isError: Bool

    public init(name: String, input: JSONValue, isError: Bool) {
        self.name = name
        self.input = input
        self.isError = isError
    }

    enum CodingKeys: String, CodingKey {
        case name
        case input
        case isError = "is_error"
    }
}
