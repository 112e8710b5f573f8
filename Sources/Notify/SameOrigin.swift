import HTTPTypes
import Hummingbird

/// Where a request that changes something came from. A browser names the page's site in `Origin`
/// on every such request; a page of another site must not deploy through a visitor's browser
/// (its session cookie, or a server on loopback that needs no token). Clients that are not
/// browsers send no `Origin`.
enum SameOrigin {
    /// Whether `Origin`, when there is one, is this server's own address as the request reached it.
    static func allows(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let authority = request.head.authority, !authority.isEmpty else { return false }
        return origin == "http://" + authority || origin == "https://" + authority
    }

    /// Whether the request carries `Origin` and it is this server's own.
    static func isFromOwnPage(_ request: Request) -> Bool {
        request.headers[.origin] != nil && allows(request)
    }

    /// Whether the request names this machine by a loopback name (`127.0.0.1:8082`, `localhost`,
    /// `[::1]`): a server on loopback without a token takes writes only so addressed, which a
    /// page of another site cannot arrange by pointing its own name at 127.0.0.1.
    static func addressesLoopback(_ request: Request) -> Bool {
        guard let authority = request.head.authority?.lowercased() else { return false }
        let host: Substring
        if authority.hasPrefix("[") {
            host = authority.dropFirst().prefix { $0 != "]" }
        } else {
            host = authority.prefix { $0 != ":" }
        }
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Throws 403 for a write another site's page sent, or (without a token) one not addressed to loopback.
    static func check(_ request: Request, tokenRequired: Bool) throws {
        guard allows(request) else {
            throw NotifyError(.forbidden, "this request came from a page of another site (Origin \(request.headers[.origin]?.prefix(100) ?? "")); deploy from this server's own pages or from a client that is not a browser")
        }
        guard tokenRequired || addressesLoopback(request) else {
            throw NotifyError(.forbidden, "this server needs no token, so it takes changes only addressed to 127.0.0.1 or localhost; use that address, or start serve with --token")
        }
    }
}
