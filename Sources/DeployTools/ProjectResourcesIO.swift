import Agent
import Foundation
import JSON

/// `project_resources`.
struct ProjectResourcesInput: ToolInput, Codable {
    var guid: String?

    static var schema: JSONValue {
        ToolSchema.object(["guid": ToolSchema.string("A project guid. Default: this project's.")])
    }
}

struct ProjectResourcesOutput: Encodable, Sendable {
    var guid: String
    var found: Bool
    var resources: [String: JSONValue]?
    var updatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case guid, found, resources
        case updatedAt = "updated_at"
    }
}
