import Foundation

/// A container's state as `docker inspect --format '{{json .State}}'` prints it.
public struct ContainerState: Sendable, Codable, Equatable {
    /// created, running, restarting, exited, paused, dead.
    public var status: String
    public var running: Bool
    public var exitCode: Int
    public var error: String?
    public var oomKilled: Bool?
    public var health: Health?

    public struct Health: Sendable, Codable, Equatable {
        /// starting, healthy, unhealthy.
        public var status: String
        public var failingStreak: Int?
        public var log: [Probe]?

        public struct Probe: Sendable, Codable, Equatable {
            public var exitCode: Int?
            public var output: String?

            enum CodingKeys: String, CodingKey {
                case exitCode = "ExitCode"
                case output = "Output"
            }
        }

        enum CodingKeys: String, CodingKey {
            case status = "Status"
            case failingStreak = "FailingStreak"
            case log = "Log"
        }
    }

    public init(status: String, running: Bool, exitCode: Int, error: String? = nil, oomKilled: Bool? = nil, health: Health? = nil) {
        self.status = status
        self.running = running
        self.exitCode = exitCode
        self.error = error
        self.oomKilled = oomKilled
        self.health = health
    }

    enum CodingKeys: String, CodingKey {
        case status = "Status"
        case running = "Running"
        case exitCode = "ExitCode"
        case error = "Error"
        case oomKilled = "OOMKilled"
        case health = "Health"
    }
}
