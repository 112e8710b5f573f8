import Foundation

/// The per-user folders deployotron writes to, following the XDG base directory rules.
public struct UserDirectories: Sendable, Equatable {
    /// `$HOME`.
    public let home: URL
    /// `$XDG_STATE_HOME/deployotron`: history, session transcripts.
    public let state: URL
    /// `$XDG_DATA_HOME/deployotron`: the SQLite ledger.
    public let data: URL
    /// `$XDG_CONFIG_HOME/deployotron`: the user's config file.
    public let config: URL

    public init(home: URL, state: URL, data: URL, config: URL) {
        self.home = home
        self.state = state
        self.data = data
        self.config = config
    }

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = URL(fileURLWithPath: environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory(), isDirectory: true)
        func base(_ variable: String, _ fallback: String) -> URL {
            // The XDG spec says relative paths are invalid and must be ignored.
            if let value = environment[variable], value.hasPrefix("/") {
                return URL(fileURLWithPath: value, isDirectory: true)
            }
            return home.appendingPathComponent(fallback, isDirectory: true)
        }
        self.init(
            home: home,
            state: base("XDG_STATE_HOME", ".local/state").appendingPathComponent("deployotron", isDirectory: true),
            data: base("XDG_DATA_HOME", ".local/share").appendingPathComponent("deployotron", isDirectory: true),
            config: base("XDG_CONFIG_HOME", ".config").appendingPathComponent("deployotron", isDirectory: true)
        )
    }

    /// Creates `url` (and its parents) readable by the user alone.
    public static func makePrivateDirectory(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}
