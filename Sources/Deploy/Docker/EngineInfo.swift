/// The container engine behind the docker CLI, as `docker version` reports it.
public struct EngineInfo: Sendable, Equatable {
    /// The server's version: Docker's (`28.1.1`) or podman's API service (`4.3.1`).
    public var serverVersion: String
    /// podman's Docker-compatible service: the classic builder, no HEALTHCHECK timers.
    public var isPodman: Bool
    /// Where the CLI connects, from `DOCKER_HOST`; nil means its default socket.
    public var host: String?

    public init(serverVersion: String, isPodman: Bool, host: String? = nil) {
        self.serverVersion = serverVersion
        self.isPodman = isPodman
        self.host = host
    }
}
