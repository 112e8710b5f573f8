import Foundation
import HTTPTypes
import JSON
import Ledger

/// `POST /api/projects/{guid}/deploy`: what to deploy, where, and in which environment.
///
/// `{"source": {"path": "/srv/shop"} | {"git": "https://...", "ref": "main"}, "target": "local",
/// "environment": "staging", "variables": {"KEY": "value"}, "name": "shop"}`; only `source` is required.
public struct DeployJobRequest: Sendable, Codable, Equatable {
    public var source: DeploySource
    public var target: DeployTargetKind
    /// The deploy environment (`staging`, `production`); the default one when absent.
    public var environment: String?
    /// The app's environment variables. Never echoed back or logged.
    public var variables: [String: String]?
    /// The app's name for images and containers; the folder's or repository's when absent.
    public var name: String?

    public init(source: DeploySource, target: DeployTargetKind = .local, environment: String? = nil, variables: [String: String]? = nil, name: String? = nil) {
        self.source = source
        self.target = target
        self.environment = environment
        self.variables = variables
        self.name = name
    }

    static let keys: Set<String> = ["source", "target", "environment", "variables", "name"]

    /// The request in a body, or a 400 saying in one sentence what is wrong with it.
    static func parse(_ body: JSONValue) throws -> DeployJobRequest {
        let members = try DeployJobRequest.object(body, named: "the body", keys: keys)
        guard let sourceValue = members["source"] else {
            throw NotifyError(.badRequest, "the body needs a \"source\": {\"path\": \"/absolute/folder\"} on this server's machine, or {\"git\": \"URL\", \"ref\": \"branch\"}")
        }
        var request = DeployJobRequest(source: try DeploySource.parse(sourceValue))
        if let target = members["target"], target != .null {
            guard let name = target.stringValue, let kind = DeployTargetKind(rawValue: name) else {
                throw NotifyError(.badRequest, "\"target\" is one of \(DeployTargetKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            request.target = kind
        }
        request.environment = try optionalString(members["environment"], named: "environment", limit: 64)
        request.name = try optionalString(members["name"], named: "name", limit: 128)
        if let variables = members["variables"], variables != .null {
            guard let object = variables.objectValue, object.count <= 200 else {
                throw NotifyError(.badRequest, "\"variables\" is an object of at most 200 names, each with a string value")
            }
            var values: [String: String] = [:]
            for (key, value) in object {
                guard let text = value.stringValue else {
                    // The value is never repeated: it may be a secret.
                    throw NotifyError(.badRequest, "the variable \(key.prefix(64)) must have a string value")
                }
                guard !key.isEmpty, key.utf8.count <= 256, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw NotifyError(.badRequest, "a variable's name is letters, digits and '_' (at most 256)")
                }
                values[key] = text
            }
            request.variables = values
        }
        return request
    }

    static func object(_ value: JSONValue, named name: String, keys: Set<String>) throws -> [String: JSONValue] {
        guard let members = value.objectValue else {
            throw NotifyError(.badRequest, "\(name) must be a JSON object")
        }
        if let unknown = members.keys.sorted().first(where: { !keys.contains($0) }) {
            throw NotifyError(.badRequest, "\(name) has an unknown key \"\(unknown.prefix(64))\"; it takes \(keys.sorted().joined(separator: ", "))")
        }
        return members
    }

    static func optionalString(_ value: JSONValue?, named name: String, limit: Int) throws -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue, !text.isEmpty, text.count <= limit, !text.contains(where: \.isNewline) else {
            throw NotifyError(.badRequest, "\"\(name)\" must be a non-empty string of at most \(limit) characters on one line")
        }
        return text
    }
}

/// Where a deploy's code comes from: a folder on the server's machine, or a git repository.
public struct DeploySource: Sendable, Codable, Equatable {
    /// An absolute path to an existing folder on the server's machine.
    public var path: String?
    /// A repository's address; may carry credentials, so it is never shown as given.
    public var git: String?
    /// A branch, tag or commit of `git`.
    public var ref: String?

    public init(path: String? = nil, git: String? = nil, ref: String? = nil) {
        self.path = path
        self.git = git
        self.ref = ref
    }

    static func parse(_ value: JSONValue) throws -> DeploySource {
        let members = try DeployJobRequest.object(value, named: "\"source\"", keys: ["path", "git", "ref"])
        let path = try DeployJobRequest.optionalString(members["path"], named: "source.path", limit: 4096)
        let git = try DeployJobRequest.optionalString(members["git"], named: "source.git", limit: 2048)
        let ref = try DeployJobRequest.optionalString(members["ref"], named: "source.ref", limit: 256)
        switch (path, git) {
        case (let path?, nil):
            guard path.hasPrefix("/") else {
                throw NotifyError(.badRequest, "source.path must be an absolute path to a folder on the server's machine")
            }
            guard ref == nil else {
                throw NotifyError(.badRequest, "source.ref goes with source.git; a folder is deployed as it is")
            }
            return DeploySource(path: path)
        case (nil, let git?):
            guard !git.contains(where: { $0.isWhitespace }) else {
                throw NotifyError(.badRequest, "source.git must be a repository address without spaces")
            }
            return DeploySource(git: git, ref: ref)
        case (nil, nil):
            throw NotifyError(.badRequest, "\"source\" needs \"path\" (a folder on the server's machine) or \"git\" (a repository address)")
        case (_?, _?):
            throw NotifyError(.badRequest, "\"source\" takes \"path\" or \"git\", not both")
        }
    }

    /// What may be shown of the source: the folder, or the repository's address without user
    /// name or password (an address that cannot be read as a URL is not shown at all).
    var shownJSON: JSONValue {
        if let path { return ["path": .string(path)] }
        var object: [String: JSONValue] = [:]
        if let git { object["git"] = Self.withoutUserInfo(git).map(JSONValue.string) ?? .string("a git repository") }
        if let ref { object["ref"] = .string(ref) }
        return .object(object)
    }

    /// `https://user:token@host/x.git` as `https://host/x.git`; scp-style `git@host:x.git` as it is
    /// (it carries no password); nil for anything else.
    static func withoutUserInfo(_ address: String) -> String? {
        if let components = URLComponents(string: address), components.scheme != nil, components.host?.isEmpty == false {
            var stripped = components
            stripped.user = nil
            stripped.password = nil
            return stripped.string
        }
        let scp = address.split(separator: ":", maxSplits: 1)
        if scp.count == 2, !scp[0].contains("/"), scp[0].split(separator: "@").count <= 2, !address.contains("://") {
            return address
        }
        return nil
    }
}

/// `POST /api/projects/{guid}/rollback`: `{"deploymentId": "..."}` goes back to that deployment;
/// without it, the environment's (`{"environment": "staging"}`, else the default's) previous one.
public struct RollbackJobRequest: Sendable, Codable, Equatable {
    public var deploymentId: String?
    public var environment: String?

    public init(deploymentId: String? = nil, environment: String? = nil) {
        self.deploymentId = deploymentId
        self.environment = environment
    }

    static func parse(_ body: JSONValue) throws -> RollbackJobRequest {
        let members = try DeployJobRequest.object(body, named: "the body", keys: ["deploymentId", "environment"])
        let id = try DeployJobRequest.optionalString(members["deploymentId"], named: "deploymentId", limit: 100)
        if let id, !DeploymentPath.isValidID(id) {
            throw NotifyError(.badRequest, "\"deploymentId\" is a deployment's id or a prefix of it: letters, digits, '-' and '_'")
        }
        return RollbackJobRequest(deploymentId: id, environment: try DeployJobRequest.optionalString(members["environment"], named: "environment", limit: 64))
    }
}

/// Deployment ids in paths and bodies.
enum DeploymentPath {
    static func isValidID(_ id: String) -> Bool {
        (1...100).contains(id.utf8.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}
