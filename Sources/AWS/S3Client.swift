import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// The S3 calls a static-site deploy needs, path-style (`/bucket/key`), which AWS and its stand-ins all accept.
public struct S3Client: Sendable {
    public var transport: AWSServiceClient

    public init(transport: AWSServiceClient) {
        var transport = transport
        transport.signerOptions = .s3
        self.transport = transport
    }

    public static func fromEnvironment(
        region: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment, httpClient: HTTPClient = .shared
    ) throws -> S3Client {
        S3Client(transport: try AWSServiceClient.fromEnvironment(.s3, displayName: "S3", region: region, environment: environment, httpClient: httpClient, signerOptions: .s3))
    }

    /// Whether the bucket exists and these credentials may use it (false for 404; 403 is an error).
    public func bucketExists(_ bucket: String) async throws -> Bool {
        do {
            _ = try await transport.send(operation: "HeadBucket", method: .HEAD, path: "/" + SigV4Signer.uriEncode(bucket))
            return true
        } catch let error as AWSError where error.status == 404 {
            return false
        }
    }

    /// Creates the bucket in the client's region; one that this account already owns is fine.
    public func createBucket(_ bucket: String) async throws {
        var body: [UInt8] = []
        if transport.region != "us-east-1" {
            body = Array("""
                <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>\(transport.region)</LocationConstraint></CreateBucketConfiguration>
                """.utf8)
        }
        do {
            _ = try await transport.send(operation: "CreateBucket", method: .PUT, path: "/" + SigV4Signer.uriEncode(bucket), body: body)
        } catch let error as AWSError where error.type == "BucketAlreadyOwnedByYou" {
            return
        }
    }

    /// Uploads one object; returns its ETag.
    @discardableResult
    public func putObject(bucket: String, key: String, body: [UInt8], contentType: String? = nil, cacheControl: String? = nil) async throws -> String? {
        var headers: [(name: String, value: String)] = []
        if let contentType { headers.append(("content-type", contentType)) }
        if let cacheControl { headers.append(("cache-control", cacheControl)) }
        let path = "/" + SigV4Signer.uriEncode(bucket) + "/" + SigV4Signer.uriEncode(key, keepingSlash: true)
        let response = try await transport.send(operation: "PutObject", method: .PUT, path: path, headers: headers, body: body)
        return response.header("etag")
    }
}
