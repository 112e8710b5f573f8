import Foundation
import HTTPTypes
import Hummingbird

/// Lets through only requests carrying `Authorization: Bearer <token>`, or, for reading
/// (GET and HEAD) and for the deploy API's writes sent from this server's own pages, a browser
/// session started by signing in with that token (`BrowserSessions`).
///
/// The sign-in form, the pages' two assets and the OpenAPI document are open to all: they hold
/// nothing of the ledger. A browser asking for a page without a session is sent to the sign-in
/// form; an API client gets the 401 it always got.
///
/// The comparison takes the same time wherever the first difference is, so response times
/// do not reveal the token a byte at a time. The token is never logged.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]
    let sessions: BrowserSessions
    let now: @Sendable () -> Date

    init(token: String, sessions: BrowserSessions = BrowserSessions(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.token = Array(token.utf8)
        self.sessions = sessions
        self.now = now
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if Self.isOpen(path) {
            return try await next(request, context)
        }
        if let header = request.headers[.authorization], header.count > 7,
           header.prefix(7).lowercased() == "bearer ",
           Self.constantTimeEqual(Array(header.utf8.dropFirst(7)), token)
        {
            return try await next(request, context)
        }
        let reads = request.method == .get || request.method == .head
        // A session also deploys, from this server's own pages only (`Origin` is the server's):
        // another site's page cannot borrow a signed-in browser.
        let ownPageWrite = !reads && Self.isDeployAPIWrite(path) && SameOrigin.isFromOwnPage(request)
        if reads || ownPageWrite, let id = BrowserSessions.sessionID(in: request.headers), sessions.isValid(id, at: now()) {
            return try await next(request, context)
        }
        if reads, Self.isPage(path) {
            let target = path + (request.uri.query.map { "?" + $0 } ?? "")
            let next = PageController.safeNext(target)
            let query = next == "/" ? "" : "?next=" + Pages.queryValue(next)
            return PageController.redirect(to: "/signin" + query)
        }
        throw NotifyError(.unauthorized, "missing or wrong bearer token; send Authorization: Bearer <token> (notify.sh reads DEPLOYOTRON_NOTIFY_TOKEN), or sign in at /signin in a browser",
                          headers: [.wwwAuthenticate: "Bearer"])
    }

    /// Paths anyone may read: they carry nothing of the ledger.
    static func isOpen(_ path: String) -> Bool {
        path == "/signin" || path == "/signout" || path == "/openapi.json" || path.hasPrefix("/assets/")
    }

    /// The deploy API's writes, which a browser session may make from the project page.
    static func isDeployAPIWrite(_ path: String) -> Bool {
        (path.hasPrefix("/api/projects/") && (path.hasSuffix("/deploy") || path.hasSuffix("/rollback")))
            || path.hasPrefix("/api/deployments/") || path.hasPrefix("/api/jobs/")
    }

    /// The HTML pages, where a browser without a session is sent to sign in.
    static func isPage(_ path: String) -> Bool {
        path == "/" || path.hasPrefix("/projects/")
    }

    /// True when both byte strings are equal; the time depends on their lengths only.
    static func constantTimeEqual(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt64(given.count ^ expected.count)
        for index in 0..<expected.count {
            let byte = index < given.count ? given[index] : 0
            difference |= UInt64(byte ^ expected[index])
        }
        return difference == 0
    }
}
