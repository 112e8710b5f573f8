import Synchronization

/// A compose CLI: the v2 plugin (`docker compose ...`) or the v1 standalone `docker-compose ...`.
public struct ComposeCommand: Sendable, Equatable {
    /// What to run: the docker executable for the plugin, `docker-compose` for v1.
    public var executable: String
    /// Arguments before the project options: `["compose"]` for the plugin, none for v1.
    public var prefix: [String]
    /// As `version --short` prints it; may be empty.
    public var version: String

    public init(executable: String, prefix: [String], version: String) {
        self.executable = executable
        self.prefix = prefix
        self.version = version
    }

    /// The v1 Python `docker-compose` (Debian 12 packages 1.29.2).
    public var isStandalone: Bool { prefix.isEmpty }
}

/// The compose CLI a `DockerCLI` found, kept across its copies so detection runs once.
final class ComposeDetection: Sendable {
    private let found = Mutex<ComposeCommand?>(nil)

    var value: ComposeCommand? { found.withLock { $0 } }

    func remember(_ command: ComposeCommand) {
        found.withLock { $0 = command }
    }
}
