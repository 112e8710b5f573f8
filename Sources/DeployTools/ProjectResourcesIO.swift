import Foundation
import JSON

/// `project_resources`.
struct ProjectResourcesInput: Decodable, Sendable {
    var guid: String?
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
