import Foundation
import HTTPTypes

/// How `deployotron serve` listens and whom it answers.
public struct NotifyServerConfiguration: Sendable {
    public var host: String
    /// 0 asks the system for a free port (tests read it from `onServerRunning`).
    public var port: Int
    /// When set, every request must carry `Authorization: Bearer <token>`.
    public var token: String?
    /// Larger bodies get 413 without being read.
    public var maxBodySize: Int
    /// How often a live event stream looks for new events.
    public var eventPollInterval: Duration
    /// How long a live event stream may stay silent before it sends a comment to keep proxies open.
    public var keepAliveInterval: Duration
    /// How long a client may stop sending: a request whose body stalls this long gets a 408 and the
    /// connection closes; a connection with no request at all (or half its headers) is closed a
    /// second later.
    public var idleTimeout: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 8082, token: String? = nil, maxBodySize: Int = 1 << 20,
        eventPollInterval: Duration = .milliseconds(250), keepAliveInterval: Duration = .seconds(15),
        idleTimeout: Duration = .seconds(30)
    ) {
        self.idleTimeout = idleTimeout
        self.host = host
        self.port = port
        self.token = token
        self.maxBodySize = maxBodySize
        self.eventPollInterval = eventPollInterval
        self.keepAliveInterval = keepAliveInterval
    }

    /// Loopback addresses: only this machine can reach them.
    public var bindsToLoopback: Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Refuses to serve beyond this machine without a token, or with a useless one.
    public func validate() throws {
        if let token {
            guard !token.isEmpty, token.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline }) else {
                throw NotifyError(.internalServerError, "the token must be non-empty printable ASCII without spaces")
            }
        } else if !bindsToLoopback {
            throw NotifyError(.internalServerError, "binding to \(host) lets other machines post events; pass --token T (and give build agents DEPLOYOTRON_NOTIFY_TOKEN=T) or bind to 127.0.0.1")
        }
        guard (0...65535).contains(port) else {
            throw NotifyError(.internalServerError, "the port must be between 0 and 65535, not \(port)")
        }
        guard maxBodySize > 0 else {
            throw NotifyError(.internalServerError, "the body size limit must be positive")
        }
    }
}
