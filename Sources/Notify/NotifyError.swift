import Foundation
import HTTPTypes
import Hummingbird
import JSON

/// What was wrong with a request or the server's setup, answered as `{"error": "..."}`.
public struct NotifyError: Error, Sendable, CustomStringConvertible, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var message: String
    /// Extra response headers, e.g. `WWW-Authenticate` on a 401.
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    public var description: String { message }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response.json(["error": .string(message)], status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension Response {
    /// A JSON response with the value's compact, key-sorted rendering.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let data = value.encoded()
        var buffer = ByteBuffer()
        buffer.reserveCapacity(data.count + 1)
        buffer.writeBytes(data)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: buffer))
    }
}
