import Deploy
import JSON

/// Small builders for the JSON Schemas of deployotron's tools.
enum ToolSchema {
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        [
            "type": "object",
            "properties": .object(properties),
            "required": .array(required.sorted().map { .string($0) }),
            "additionalProperties": false,
        ]
    }

    static func string(_ description: String) -> JSONValue {
        ["type": "string", "description": .string(description)]
    }

    static func integer(_ description: String, minimum: Int? = nil, maximum: Int? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "integer", "description": .string(description)]
        if let minimum { schema["minimum"] = .number(Double(minimum)) }
        if let maximum { schema["maximum"] = .number(Double(maximum)) }
        return .object(schema)
    }

    static func boolean(_ description: String) -> JSONValue {
        ["type": "boolean", "description": .string(description)]
    }

    static func stringArray(_ description: String, allowed: [String]) -> JSONValue {
        [
            "type": "array",
            "description": .string(description),
            "items": ["type": "string", "enum": .array(allowed.map { .string($0) })],
        ]
    }

    static func stringMap(_ description: String) -> JSONValue {
        ["type": "object", "description": .string(description), "additionalProperties": ["type": "string"]]
    }

    static let projectPath = string("A folder inside the project, relative to its root. Default: the project root.")
    static let deploymentId = string("A deployment id, or a unique prefix of one (8 characters are usually enough).")
    static let gitURL = string("Deploy this git repository instead of the project folder (https://, ssh, git@host:repo or a local path): fetched shallowly into a temporary folder that is removed afterwards; the commit is recorded, never any credentials.")
    static let environmentName = string("The deploy environment (staging, production or another name): each has its own history, live version, lock and resources. Default: the project's default environment (production unless its configuration says otherwise).")
    static let gitRef = string("With git: the branch, tag or commit sha to deploy. Default: the repository's default branch.")
    static let databases = stringArray("Databases to run beside the app.", allowed: DatabaseKind.allCases.map(\.rawValue))
}
