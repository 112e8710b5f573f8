import Crypto
import Foundation
import NIOHTTP1
import SWXMLHash

/// The S3 calls a static site needs beyond plain uploads: a private bucket, its policy and tags,
/// listing and copying releases, deleting them, and multipart uploads for large files.
extension S3Client {
    /// One object as a listing shows it.
    public struct Object: Sendable, Equatable {
        public var key: String
        /// The ETag without quotes: the MD5 of the content for single-part uploads.
        public var etag: String
        public var size: Int

        public init(key: String, etag: String, size: Int) {
            self.key = key
            self.etag = etag
            self.size = size
        }
    }

    static let namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

    func bucketPath(_ bucket: String) -> String {
        "/" + SigV4Signer.uriEncode(bucket)
    }

    func objectPath(_ bucket: String, _ key: String) -> String {
        bucketPath(bucket) + "/" + SigV4Signer.uriEncode(key, keepingSlash: true)
    }

    /// Sends an XML configuration with the Content-MD5 S3 asks of configuration calls.
    @discardableResult
    func sendXML(_ operation: String, method: HTTPMethod, path: String, query: String, xml: String) async throws -> AWSServiceClient.Response {
        let body = Array(xml.utf8)
        let md5 = Data(Insecure.MD5.hash(data: body)).base64EncodedString()
        return try await transport.send(
            operation: operation, method: method, path: path, query: query,
            headers: [("content-md5", md5), ("content-type", "application/xml")], body: body)
    }

    /// Blocks every kind of public access to the bucket.
    public func blockPublicAccess(_ bucket: String) async throws {
        try await sendXML("PutPublicAccessBlock", method: .PUT, path: bucketPath(bucket), query: "publicAccessBlock=", xml: """
            <PublicAccessBlockConfiguration xmlns="\(Self.namespace)"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>
            """)
    }

    /// Makes the bucket owner own every object, with ACLs switched off.
    public func enforceBucketOwner(_ bucket: String) async throws {
        try await sendXML("PutBucketOwnershipControls", method: .PUT, path: bucketPath(bucket), query: "ownershipControls=", xml: """
            <OwnershipControls xmlns="\(Self.namespace)"><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>
            """)
    }

    public func tagBucket(_ bucket: String, tags: [String: String]) async throws {
        let items = tags.sorted { $0.key < $1.key }.map { "<Tag><Key>\(XMLText.escape($0.key))</Key><Value>\(XMLText.escape($0.value))</Value></Tag>" }.joined()
        try await sendXML("PutBucketTagging", method: .PUT, path: bucketPath(bucket), query: "tagging=", xml: "<Tagging xmlns=\"\(Self.namespace)\"><TagSet>\(items)</TagSet></Tagging>")
    }

    /// The bucket's tags; empty when it has none.
    public func bucketTags(_ bucket: String) async throws -> [String: String] {
        do {
            let response = try await transport.send(operation: "GetBucketTagging", method: .GET, path: bucketPath(bucket), query: "tagging=")
            let xml = XMLHash.parse(String(decoding: response.body, as: UTF8.self))
            var tags: [String: String] = [:]
            for tag in xml["Tagging"]["TagSet"]["Tag"].all {
                if let key = tag["Key"].element?.text { tags[key] = tag["Value"].element?.text ?? "" }
            }
            return tags
        } catch let error as AWSError where error.type == "NoSuchTagSet" {
            return [:]
        }
    }

    public func putBucketPolicy(_ bucket: String, policy: String) async throws {
        _ = try await transport.send(
            operation: "PutBucketPolicy", method: .PUT, path: bucketPath(bucket), query: "policy=",
            headers: [("content-type", "application/json")], body: Array(policy.utf8))
    }

    /// Every object whose key starts with `prefix`, all pages.
    public func listObjects(_ bucket: String, prefix: String = "") async throws -> [Object] {
        var objects: [Object] = []
        var token: String?
        repeat {
            var parameters = [("list-type", "2")]
            if !prefix.isEmpty { parameters.append(("prefix", prefix)) }
            if let token { parameters.append(("continuation-token", token)) }
            let response = try await transport.send(operation: "ListObjectsV2", method: .GET, path: bucketPath(bucket), query: Self.query(parameters))
            let xml = XMLHash.parse(String(decoding: response.body, as: UTF8.self))["ListBucketResult"]
            for entry in xml["Contents"].all {
                guard let key = entry["Key"].element?.text else { continue }
                let etag = (entry["ETag"].element?.text ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                objects.append(Object(key: key, etag: etag, size: Int(entry["Size"].element?.text ?? "") ?? 0))
            }
            token = xml["IsTruncated"].element?.text == "true" ? xml["NextContinuationToken"].element?.text : nil
        } while token != nil
        return objects
    }

    /// Copies an object inside the bucket, replacing its headers with the ones given.
    public func copyObject(bucket: String, from source: String, to key: String, contentType: String?, cacheControl: String?) async throws {
        var headers: [(name: String, value: String)] = [
            ("x-amz-copy-source", "/" + SigV4Signer.uriEncode(bucket) + "/" + SigV4Signer.uriEncode(source, keepingSlash: true)),
            ("x-amz-metadata-directive", "REPLACE"),
        ]
        if let contentType { headers.append(("content-type", contentType)) }
        if let cacheControl { headers.append(("cache-control", cacheControl)) }
        _ = try await transport.send(operation: "CopyObject", method: .PUT, path: objectPath(bucket, key), headers: headers)
    }

    /// Deletes up to 1,000 keys a call.
    public func deleteObjects(_ bucket: String, keys: [String]) async throws {
        var start = 0
        while start < keys.count {
            let chunk = keys[start..<min(start + 1000, keys.count)]
            let items = chunk.map { "<Object><Key>\(XMLText.escape($0))</Key></Object>" }.joined()
            try await sendXML("DeleteObjects", method: .POST, path: bucketPath(bucket), query: "delete=", xml: "<Delete xmlns=\"\(Self.namespace)\"><Quiet>true</Quiet>\(items)</Delete>")
            start += chunk.count
        }
    }

    public func deleteBucket(_ bucket: String) async throws {
        _ = try await transport.send(operation: "DeleteBucket", method: .DELETE, path: bucketPath(bucket))
    }

    // MARK: - Multipart

    /// Uploads `body` in parts of `partSize` bytes (at least 5 MiB, S3's floor for all but the last).
    public func putObjectInParts(bucket: String, key: String, body: [UInt8], partSize: Int = 8 << 20, contentType: String?, cacheControl: String?) async throws {
        var headers: [(name: String, value: String)] = []
        if let contentType { headers.append(("content-type", contentType)) }
        if let cacheControl { headers.append(("cache-control", cacheControl)) }
        let created = try await transport.send(operation: "CreateMultipartUpload", method: .POST, path: objectPath(bucket, key), query: "uploads=", headers: headers)
        guard let uploadId = XMLHash.parse(String(decoding: created.body, as: UTF8.self))["InitiateMultipartUploadResult"]["UploadId"].element?.text else {
            throw AWSError(.invalidResponse, "CreateMultipartUpload answered without an UploadId", operation: "S3 CreateMultipartUpload")
        }
        do {
            var parts: [(Int, String)] = []
            var offset = 0
            var number = 1
            while offset < body.count || number == 1 {
                let end = min(offset + max(partSize, 5 << 20), body.count)
                let response = try await transport.send(
                    operation: "UploadPart", method: .PUT, path: objectPath(bucket, key),
                    query: Self.query([("partNumber", String(number)), ("uploadId", uploadId)]), body: Array(body[offset..<end]))
                parts.append((number, response.header("etag") ?? ""))
                offset = end
                number += 1
            }
            let items = parts.map { "<Part><PartNumber>\($0.0)</PartNumber><ETag>\(XMLText.escape($0.1))</ETag></Part>" }.joined()
            _ = try await transport.send(
                operation: "CompleteMultipartUpload", method: .POST, path: objectPath(bucket, key),
                query: Self.query([("uploadId", uploadId)]), headers: [("content-type", "application/xml")],
                body: Array("<CompleteMultipartUpload xmlns=\"\(Self.namespace)\">\(items)</CompleteMultipartUpload>".utf8))
        } catch {
            _ = try? await transport.send(operation: "AbortMultipartUpload", method: .DELETE, path: objectPath(bucket, key), query: Self.query([("uploadId", uploadId)]))
            throw error
        }
    }

    /// A query string with its parameters sorted and encoded as SigV4 signs them.
    static func query(_ parameters: [(String, String)]) -> String {
        parameters.sorted { $0.0 < $1.0 }.map { "\(SigV4Signer.uriEncode($0.0))=\(SigV4Signer.uriEncode($0.1))" }.joined(separator: "&")
    }
}

/// Escaping for text placed inside XML elements.
enum XMLText {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
