import HTTPTypes
import Hummingbird

/// Lets through only requests carrying `Authorization: Bearer <token>`.
///
/// The comparison takes the same time wherever the first difference is, so response times
/// do not reveal the token a byte at a time. The token is never logged.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]

    init(token: String) {
        self.token = Array(token.utf8)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.count > 7,
              header.prefix(7).lowercased() == "bearer ",
              Self.constantTimeEqual(Array(header.utf8.dropFirst(7)), token)
        else {
            throw NotifyError(.unauthorized, "missing or wrong bearer token; send Authorization: Bearer <token> (notify.sh reads DEPLOYOTRON_NOTIFY_TOKEN)",
                              headers: [.wwwAuthenticate: "Bearer"])
        }
        return try await next(request, context)
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
