import Foundation
import JSON

/// Where and as whom deployotron talks to Claude, and with which model.
///
/// Built from the environment with `ClaudeConfiguration(environment:modelFlag:projectDirectory:)`:
/// `ANTHROPIC_BASE_URL` (default `https://api.anthropic.com`), `ANTHROPIC_API_KEY` (sent as
/// `x-api-key`) or else `ANTHROPIC_AUTH_TOKEN` (sent as `Authorization: Bearer`), and the model
/// from `resolveModel`.
public struct ClaudeConfiguration: Sendable {
    /// The secret a request is signed with. Its description never shows the secret.
    public enum Credential: Sendable, Equatable, CustomStringConvertible {
        case apiKey(String)
        case authToken(String)

        public var description: String {
            switch self {
            case .apiKey: "ANTHROPIC_API_KEY (redacted)"
            case .authToken: "ANTHROPIC_AUTH_TOKEN (redacted)"
            }
        }
    }

    public static let defaultBaseURL = "https://api.anthropic.com"
    /// The current Sonnet.
    public static let defaultModel = "claude-sonnet-5"
    /// How long a response stream may go without an event before it counts as broken.
    public static let defaultStreamIdleTimeout: Duration = .seconds(30)

    /// Without a trailing slash.
    public var baseURL: String
    public var credential: Credential
    public var model: String
    /// How long a response stream may go without an event (pings count) before the client gives up
    /// on it as broken; `DEPLOYOTRON_STREAM_IDLE_TIMEOUT` (seconds) sets it.
    public var streamIdleTimeout: Duration

    public init(
        baseURL: String = ClaudeConfiguration.defaultBaseURL, credential: Credential, model: String = ClaudeConfiguration.defaultModel,
        streamIdleTimeout: Duration = ClaudeConfiguration.defaultStreamIdleTimeout
    ) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.credential = credential
        self.model = model
        self.streamIdleTimeout = streamIdleTimeout
    }

    /// Reads the base URL and credentials from `environment` and resolves the model.
    /// Throws `.missingCredentials` when neither `ANTHROPIC_API_KEY` nor `ANTHROPIC_AUTH_TOKEN` is set.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        modelFlag: String? = nil, projectDirectory: URL? = nil
    ) throws {
        let credential: Credential
        if let key = Self.nonEmpty(environment["ANTHROPIC_API_KEY"]) {
            credential = .apiKey(key)
        } else if let token = Self.nonEmpty(environment["ANTHROPIC_AUTH_TOKEN"]) {
            credential = .authToken(token)
        } else {
            throw ClaudeError(
                code: .missingCredentials,
                message: "no Anthropic credentials: set ANTHROPIC_API_KEY to your API key (or ANTHROPIC_AUTH_TOKEN to a bearer token)")
        }
        self.init(
            baseURL: Self.nonEmpty(environment["ANTHROPIC_BASE_URL"]) ?? Self.defaultBaseURL,
            credential: credential,
            model: Self.resolveModel(flag: modelFlag, environment: environment, projectDirectory: projectDirectory),
            streamIdleTimeout: Self.idleTimeout(environment["DEPLOYOTRON_STREAM_IDLE_TIMEOUT"]) ?? Self.defaultStreamIdleTimeout)
    }

    /// Seconds, such as `30` or `0.5`; nil when unset or not a positive number.
    static func idleTimeout(_ text: String?) -> Duration? {
        guard let seconds = nonEmpty(text).flatMap(Double.init), seconds > 0, seconds.isFinite else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// The model to use: `--model` > `DEPLOYOTRON_MODEL` > the project's `.deployotron/config.json`
    /// > the user's `$XDG_CONFIG_HOME/deployotron/config.json` (`~/.config` when unset) > `claude-sonnet-5`.
    /// A config file names it as `{"model": "…"}`; unreadable files are skipped.
    public static func resolveModel(flag: String?, environment: [String: String], projectDirectory: URL?) -> String {
        if let flag = nonEmpty(flag) { return flag }
        if let model = nonEmpty(environment["DEPLOYOTRON_MODEL"]) { return model }
        if let projectDirectory,
           let model = model(inConfigAt: projectDirectory.appendingPathComponent(".deployotron/config.json")) {
            return model
        }
        if let userConfig = userConfigFile(environment: environment), let model = model(inConfigAt: userConfig) {
            return model
        }
        return defaultModel
    }

    /// `$XDG_CONFIG_HOME/deployotron/config.json`, or `$HOME/.config/deployotron/config.json`.
    public static func userConfigFile(environment: [String: String]) -> URL? {
        let base: URL
        if let xdg = nonEmpty(environment["XDG_CONFIG_HOME"]), xdg.hasPrefix("/") {
            base = URL(fileURLWithPath: xdg, isDirectory: true)
        } else if let home = nonEmpty(environment["HOME"]) {
            base = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".config", isDirectory: true)
        } else {
            return nil
        }
        return base.appendingPathComponent("deployotron/config.json")
    }

    private static func model(inConfigAt url: URL) -> String? {
        guard let data = try? Data(contentsOf: url), let value = try? JSONValue(parsing: data) else { return nil }
        return nonEmpty(value["model"]?.stringValue)
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}
