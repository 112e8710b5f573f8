import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// CloudFront's invalidation call: what makes a new upload visible before the cache expires.
public struct CloudFrontClient: Sendable {
    public var transport: AWSServiceClient

    public init(transport: AWSServiceClient) {
        var transport = transport
        // A signed payload hash header: AWS accepts it on every call, and stand-ins that check
        // signatures (moto) refuse a GET without it.
        transport.signerOptions.addsContentHashHeader = true
        self.transport = transport
    }

    public static func fromEnvironment(environment: [String: String] = ProcessInfo.processInfo.environment, httpClient: HTTPClient = .shared) throws -> CloudFrontClient {
        CloudFrontClient(transport: try AWSServiceClient.fromEnvironment(.cloudFront, displayName: "CloudFront", environment: environment, httpClient: httpClient))
    }

    /// Invalidates `paths` (`/*`, `/index.html`) of the distribution; returns the invalidation's id.
    /// `callerReference` makes a retried request the same invalidation rather than a second one.
    @discardableResult
    public func createInvalidation(distributionId: String, paths: [String], callerReference: String = UUID().uuidString) async throws -> String {
        let items = paths.map { "<Path>\(Self.escape($0))</Path>" }.joined()
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <InvalidationBatch xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Paths><Quantity>\(paths.count)</Quantity><Items>\(items)</Items></Paths><CallerReference>\(Self.escape(callerReference))</CallerReference></InvalidationBatch>
            """
        let response = try await transport.send(
            operation: "CreateInvalidation", method: .POST,
            path: "/2020-05-31/distribution/\(SigV4Signer.uriEncode(distributionId))/invalidation",
            headers: [("content-type", "application/xml")], body: Array(body.utf8))
        let text = String(decoding: response.body, as: UTF8.self)
        guard let open = text.range(of: "<Id>"), let close = text.range(of: "</Id>", range: open.upperBound..<text.endIndex) else {
            throw AWSError(.invalidResponse, "CreateInvalidation answered without an Id", operation: "CloudFront CreateInvalidation")
        }
        return String(text[open.upperBound..<close.lowerBound])
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
