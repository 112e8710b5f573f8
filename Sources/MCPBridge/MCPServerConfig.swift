import Crypto
import Foundation
import JSON

/// One MCP server a session connects to, as Claude Code's `mcpServers` describes it:
/// `{"command": ..., "args": [...], "env": {...}}` for a child process on stdio, or
/// `{"url": ..., "headers": {...}}` (type `http`) for streamable HTTP.
public struct MCPServerConfig: Sendable, Equatable {
    public enum Transport: Sendable, Equatable {
        case stdio(command: String, arguments: [String], environment: [String: String])
        case http(url: URL, headers: [String: String])
    }

    public var name: String
    public var transport: Transport
    /// The file it came from, for messages ("in .mcp.json").
    public var source: String

    public init(name: String, transport: Transport, source: String) {
        self.name = name
        self.transport = transport
        self.source = source
    }

    /// The project's own `.mcp.json`: a file that comes with a repository, so its servers start
    /// only once the user approved them (the user's file needs no approval).
    public var isFromProject: Bool { source == MCPConfiguration.projectSource }

    /// What starting it means, for the question: the program and its arguments, or the URL.
    public var commandLine: String {
        switch transport {
        case .stdio(let command, let arguments, _): ([command] + arguments).joined(separator: " ")
        case .http(let url, _): url.absoluteString
        }
    }

    /// SHA-256 of everything that decides what runs (program, arguments, environment, URL, headers):
    /// an approval is for this, so a changed entry is asked about again. A digest, so the values
    /// (often tokens) are never written where approvals are kept.
    public var fingerprint: String {
        var parts = [name]
        switch transport {
        case .stdio(let command, let arguments, let environment):
            parts += ["stdio", command] + arguments + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        case .http(let url, let headers):
            parts += ["http", url.absoluteString] + headers.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        }
        let digest = SHA256.hash(data: Data(parts.joined(separator: "\u{0}").utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}

/// The servers of a session: the project's `.mcp.json`, then the user's `mcp.json` in
/// deployotron's config folder. A name in both is the project's (project file > user file).
public struct MCPConfiguration: Sendable, Equatable {
    public var servers: [MCPServerConfig]
    /// One line per entry that could not be used (the session goes on without it).
    public var problems: [String]

    public init(servers: [MCPServerConfig] = [], problems: [String] = []) {
        self.servers = servers
        self.problems = problems
    }

    /// How a server of the project's `.mcp.json` names its source.
    public static let projectSource = ".mcp.json"

    /// The project's `.mcp.json`.
    public static func projectFile(_ projectRoot: URL) -> URL {
        projectRoot.appendingPathComponent(".mcp.json")
    }

    /// Reads both files; a missing file is no servers, an unreadable one is a problem line.
    /// `${VAR}` and `${VAR:-default}` in commands, arguments, env values, URLs and headers are
    /// filled from `environment`, as Claude Code does.
    public static func load(projectRoot: URL, userFile: URL?, environment: [String: String]) -> MCPConfiguration {
        var byName: [String: MCPServerConfig] = [:]
        var problems: [String] = []
        for (url, label) in [(userFile, "the user's mcp.json"), (projectFile(projectRoot), ".mcp.json")] {
            guard let url, let data = FileManager.default.contents(atPath: url.path) else { continue }
            let parsed = parse(data, source: label == ".mcp.json" ? ".mcp.json" : url.path, environment: environment)
            for server in parsed.servers { byName[server.name] = server }
            problems += parsed.problems
        }
        return MCPConfiguration(servers: byName.values.sorted { $0.name < $1.name }, problems: problems)
    }

    /// One file's servers, sorted by name.
    public static func parse(_ data: Data, source: String, environment: [String: String]) -> MCPConfiguration {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: data)
        } catch {
            return MCPConfiguration(problems: ["\(source): not valid JSON (\(error)); it needs {\"mcpServers\": {NAME: {\"command\": ...}}}"])
        }
        guard let members = root.objectValue else {
            return MCPConfiguration(problems: ["\(source): expected a JSON object with \"mcpServers\""])
        }
        guard let serversValue = members["mcpServers"] else { return MCPConfiguration() }
        guard let servers = serversValue.objectValue else {
            return MCPConfiguration(problems: ["\(source): \"mcpServers\" must be an object of NAME: {\"command\": ...} or {\"url\": ...}"])
        }
        var result = MCPConfiguration()
        for name in servers.keys.sorted() {
            do {
                result.servers.append(try server(name: name, servers[name]!, source: source, environment: environment))
            } catch let error as MCPBridgeError {
                result.problems.append(error.message)
            } catch {
                result.problems.append("\(source): server \"\(name)\": \(error)")
            }
        }
        return result
    }

    static func server(name: String, _ value: JSONValue, source: String, environment: [String: String]) throws -> MCPServerConfig {
        func fail(_ what: String) -> MCPBridgeError {
            MCPBridgeError(.invalidConfiguration, "\(source): server \"\(name)\": \(what)")
        }
        guard let entry = value.objectValue else { throw fail("expected an object with \"command\" or \"url\"") }
        let expand = { (text: String) in expandVariables(text, environment: environment) }
        func strings(_ key: String) throws -> [String: String] {
            guard let value = entry[key], !value.isNull else { return [:] }
            guard let object = value.objectValue else { throw fail("\"\(key)\" must be an object of strings") }
            var result: [String: String] = [:]
            for (field, item) in object {
                guard let text = item.stringValue else { throw fail("\"\(key)\".\(field) must be a string") }
                result[field] = expand(text)
            }
            return result
        }
        let type = entry["type"]?.stringValue
        if let url = entry["url"] {
            guard type == nil || type == "http" || type == "streamable-http" else {
                throw fail("type \"\(type!)\" is not supported; use \"http\" (streamable HTTP) or a stdio \"command\"")
            }
            guard let text = url.stringValue, let parsed = URL(string: expand(text)), let scheme = parsed.scheme?.lowercased(),
                  scheme == "http" || scheme == "https" else {
                throw fail("\"url\" must be an http or https URL")
            }
            return MCPServerConfig(name: name, transport: .http(url: parsed, headers: try strings("headers")), source: source)
        }
        guard type == nil || type == "stdio" else {
            throw fail("type \"\(type!)\" needs a \"url\"")
        }
        guard let command = entry["command"]?.stringValue, !command.isEmpty else {
            throw fail("needs \"command\" (a program to start) or \"url\"")
        }
        var arguments: [String] = []
        if let args = entry["args"], !args.isNull {
            guard let items = args.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                throw fail("\"args\" must be an array of strings")
            }
            arguments = items.compactMap(\.stringValue).map(expand)
        }
        return MCPServerConfig(
            name: name, transport: .stdio(command: expand(command), arguments: arguments, environment: try strings("env")), source: source)
    }

    /// `${VAR}` and `${VAR:-default}` filled from `environment`; an unknown variable without a
    /// default becomes empty.
    static func expandVariables(_ text: String, environment: [String: String]) -> String {
        guard text.contains("${") else { return text }
        var output = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            output += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                output += rest[start.lowerBound...]
                return output
            }
            let body = rest[start.upperBound..<end]
            if let separator = body.range(of: ":-") {
                let value = environment[String(body[..<separator.lowerBound])] ?? ""
                output += value.isEmpty ? String(body[separator.upperBound...]) : value
            } else {
                output += environment[String(body)] ?? ""
            }
            rest = rest[rest.index(after: end)...]
        }
        return output + rest
    }
}
