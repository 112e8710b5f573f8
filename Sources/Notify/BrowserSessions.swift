import Foundation
import HTTPTypes
import Synchronization

/// The browsers signed in with the server's token: each holds a random session id in an HttpOnly,
/// SameSite=Strict cookie, so the token itself is sent once, in the sign-in form's body, and never
/// sits in a URL, a page or script's reach. Sessions live in memory: a restart signs everyone out.
final class BrowserSessions: Sendable {
    static let cookieName = "deployotron_session"
    /// How long a session lasts from sign-in.
    let lifetime: Duration
    /// The most sessions kept; signing in past it forgets the oldest.
    let capacity: Int
    private let sessions = Mutex<[String: Date]>([:])

    init(lifetime: Duration = .seconds(12 * 3600), capacity: Int = 1000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// A new session, valid from `now`; its id is 32 random bytes in hex.
    func start(at now: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
        let expiry = now.addingTimeInterval(TimeInterval(lifetime.components.seconds))
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value > now }
            if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value < $1.value }) {
                sessions[oldest.key] = nil
            }
            sessions[id] = expiry
        }
        return id
    }

    func isValid(_ id: String, at now: Date) -> Bool {
        sessions.withLock { sessions in
            guard let expiry = sessions[id] else { return false }
            guard expiry > now else {
                sessions[id] = nil
                return false
            }
            return true
        }
    }

    func end(_ id: String) {
        sessions.withLock { $0[id] = nil }
    }

    /// The `Set-Cookie` value that carries `id` (or clears the cookie, for nil).
    func cookie(_ id: String?) -> String {
        let maxAge = id == nil ? 0 : lifetime.components.seconds
        return "\(Self.cookieName)=\(id ?? ""); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)"
    }

    /// The session id a request's `Cookie` fields carry, if any.
    static func sessionID(in fields: HTTPFields) -> String? {
        for field in fields where field.name == .cookie {
            for pair in field.value.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix(cookieName + "=") {
                    return String(trimmed.dropFirst(cookieName.count + 1))
                }
            }
        }
        return nil
    }
}
