import Foundation
import NIOHTTP1
import SWXMLHash

/// The CloudFront calls a static site needs: an origin access control, a distribution in front of a
/// private bucket, switching its origin path between releases, invalidations, and teardown.
extension CloudFrontClient {
    static let apiPath = "/2020-05-31"
    static let namespace = "http://cloudfront.amazonaws.com/doc/2020-05-31/"

    /// A distribution as deployotron reads it back.
    public struct Distribution: Sendable, Equatable {
        public var id: String
        public var arn: String
        public var domainName: String
        /// `InProgress` while a change propagates, then `Deployed`.
        public var status: String
        public var comment: String
        public var enabled: Bool

        static func read(_ node: XMLIndexer) -> Distribution {
            Distribution(
                id: node["Id"].element?.text ?? "", arn: node["ARN"].element?.text ?? "",
                domainName: node["DomainName"].element?.text ?? "", status: node["Status"].element?.text ?? "",
                comment: node["DistributionConfig"]["Comment"].element?.text ?? node["Comment"].element?.text ?? "",
                enabled: (node["DistributionConfig"]["Enabled"].element?.text ?? node["Enabled"].element?.text) == "true")
        }
    }

    /// What deployotron puts in a distribution's configuration.
    public struct SiteConfig: Sendable, Equatable {
        public var callerReference: String
        /// Says which project the distribution serves (`deployotron <guid>`), so it can be found again.
        public var comment: String
        /// The bucket's regional REST endpoint: `BUCKET.s3.REGION.amazonaws.com`.
        public var originDomain: String
        /// The live release: `/release-<id8>`.
        public var originPath: String
        public var originAccessControlId: String
        /// A single-page app: 403 and 404 answer `/index.html` with status 200.
        public var singlePageApp: Bool
        public var enabled: Bool = true

        public init(callerReference: String, comment: String, originDomain: String, originPath: String, originAccessControlId: String, singlePageApp: Bool, enabled: Bool = true) {
            self.callerReference = callerReference
            self.comment = comment
            self.originDomain = originDomain
            self.originPath = originPath
            self.originAccessControlId = originAccessControlId
            self.singlePageApp = singlePageApp
            self.enabled = enabled
        }

        /// The `DistributionConfig` element: HTTPS redirect, compression, `index.html` at the root,
        /// the managed CachingOptimized policy.
        var xml: String {
            let errors = singlePageApp
                ? [403, 404].map { "<CustomErrorResponse><ErrorCode>\($0)</ErrorCode><ResponsePagePath>/index.html</ResponsePagePath><ResponseCode>200</ResponseCode><ErrorCachingMinTTL>0</ErrorCachingMinTTL></CustomErrorResponse>" }
                : []
            let errorBlock = errors.isEmpty ? "<CustomErrorResponses><Quantity>0</Quantity></CustomErrorResponses>" : "<CustomErrorResponses><Quantity>\(errors.count)</Quantity><Items>\(errors.joined())</Items></CustomErrorResponses>"
            return """
                <DistributionConfig xmlns="\(CloudFrontClient.namespace)"><CallerReference>\(XMLText.escape(callerReference))</CallerReference><Aliases><Quantity>0</Quantity></Aliases><DefaultRootObject>index.html</DefaultRootObject>\
                <Origins><Quantity>1</Quantity><Items><Origin><Id>s3-site</Id><DomainName>\(XMLText.escape(originDomain))</DomainName><OriginPath>\(XMLText.escape(originPath))</OriginPath>\
                <CustomHeaders><Quantity>0</Quantity></CustomHeaders><S3OriginConfig><OriginAccessIdentity></OriginAccessIdentity></S3OriginConfig><OriginAccessControlId>\(XMLText.escape(originAccessControlId))</OriginAccessControlId></Origin></Items></Origins>\
                <DefaultCacheBehavior><TargetOriginId>s3-site</TargetOriginId><ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy><AllowedMethods><Quantity>2</Quantity><Items><Method>GET</Method><Method>HEAD</Method></Items><CachedMethods><Quantity>2</Quantity><Items><Method>GET</Method><Method>HEAD</Method></Items></CachedMethods></AllowedMethods>\
                <Compress>true</Compress><CachePolicyId>658327ea-f89d-4fab-a63d-7e88639e58f6</CachePolicyId></DefaultCacheBehavior>\
                \(errorBlock)<Comment>\(XMLText.escape(comment))</Comment><PriceClass>PriceClass_100</PriceClass><Enabled>\(enabled)</Enabled><HttpVersion>http2</HttpVersion></DistributionConfig>
                """
        }
    }

    func sendXML(_ operation: String, method: HTTPMethod, path: String, query: String = "", ifMatch: String? = nil, xml: String? = nil) async throws -> AWSServiceClient.Response {
        var headers: [(name: String, value: String)] = []
        if xml != nil { headers.append(("content-type", "application/xml")) }
        if let ifMatch { headers.append(("if-match", ifMatch)) }
        return try await transport.send(operation: operation, method: method, path: path, query: query, headers: headers, body: xml.map { Array($0.utf8) } ?? [])
    }

    static func document(_ response: AWSServiceClient.Response) -> XMLIndexer {
        XMLHash.parse(String(decoding: response.body, as: UTF8.self))
    }

    // MARK: - Origin access control

    /// The id of the origin access control called `name`, created (sigv4, always, for S3) when missing.
    public func ensureOriginAccessControl(name: String, description: String) async throws -> String {
        if let existing = try await originAccessControls().first(where: { $0.name == name }) { return existing.id }
        let response = try await sendXML("CreateOriginAccessControl", method: .POST, path: Self.apiPath + "/origin-access-control", xml: """
            <OriginAccessControlConfig xmlns="\(Self.namespace)"><Name>\(XMLText.escape(name))</Name><Description>\(XMLText.escape(description))</Description><SigningProtocol>sigv4</SigningProtocol><SigningBehavior>always</SigningBehavior><OriginAccessControlOriginType>s3</OriginAccessControlOriginType></OriginAccessControlConfig>
            """)
        guard let id = Self.document(response)["OriginAccessControl"]["Id"].element?.text else {
            throw AWSError(.invalidResponse, "CreateOriginAccessControl answered without an Id", operation: "CloudFront CreateOriginAccessControl")
        }
        return id
    }

    public func originAccessControls() async throws -> [(id: String, name: String)] {
        let response = try await sendXML("ListOriginAccessControls", method: .GET, path: Self.apiPath + "/origin-access-control")
        return Self.document(response)["OriginAccessControlList"]["Items"]["OriginAccessControlSummary"].all.compactMap { item in
            guard let id = item["Id"].element?.text else { return nil }
            return (id, item["Name"].element?.text ?? "")
        }
    }

    public func deleteOriginAccessControl(id: String) async throws {
        let current = try await sendXML("GetOriginAccessControl", method: .GET, path: Self.apiPath + "/origin-access-control/\(SigV4Signer.uriEncode(id))")
        _ = try await sendXML("DeleteOriginAccessControl", method: .DELETE, path: Self.apiPath + "/origin-access-control/\(SigV4Signer.uriEncode(id))", ifMatch: current.header("etag"))
    }

    // MARK: - Distributions

    /// Creates the distribution with `tags`; returns it as CloudFront describes it.
    public func createDistribution(_ config: SiteConfig, tags: [String: String]) async throws -> Distribution {
        let tagItems = tags.sorted { $0.key < $1.key }.map { "<Tag><Key>\(XMLText.escape($0.key))</Key><Value>\(XMLText.escape($0.value))</Value></Tag>" }.joined()
        let body = "<DistributionConfigWithTags xmlns=\"\(Self.namespace)\">" + config.xml.replacingOccurrences(of: " xmlns=\"\(Self.namespace)\"", with: "")
            + "<Tags><Items>\(tagItems)</Items></Tags></DistributionConfigWithTags>"
        let response = try await sendXML("CreateDistributionWithTags", method: .POST, path: Self.apiPath + "/distribution", query: "WithTags=", xml: body)
        return Distribution.read(Self.document(response)["Distribution"])
    }

    public func distributions() async throws -> [Distribution] {
        var all: [Distribution] = []
        var marker: String?
        repeat {
            let query = marker.map { "Marker=\(SigV4Signer.uriEncode($0))" } ?? ""
            let response = try await sendXML("ListDistributions", method: .GET, path: Self.apiPath + "/distribution", query: query)
            let list = Self.document(response)["DistributionList"]
            all += list["Items"]["DistributionSummary"].all.map(Distribution.read)
            marker = list["IsTruncated"].element?.text == "true" ? list["NextMarker"].element?.text : nil
        } while marker != nil
        return all
    }

    public func distribution(id: String) async throws -> Distribution {
        let response = try await sendXML("GetDistribution", method: .GET, path: Self.apiPath + "/distribution/\(SigV4Signer.uriEncode(id))")
        return Distribution.read(Self.document(response)["Distribution"])
    }

    /// The distribution's caller reference and the ETag an update must name.
    public func configVersion(id: String) async throws -> (callerReference: String, etag: String) {
        let response = try await sendXML("GetDistributionConfig", method: .GET, path: Self.apiPath + "/distribution/\(SigV4Signer.uriEncode(id))/config")
        let reference = Self.document(response)["DistributionConfig"]["CallerReference"].element?.text ?? ""
        return (reference, response.header("etag") ?? "")
    }

    /// The comment in the distribution's configuration.
    public func configComment(id: String) async throws -> String {
        let response = try await sendXML("GetDistributionConfig", method: .GET, path: Self.apiPath + "/distribution/\(SigV4Signer.uriEncode(id))/config")
        return Self.document(response)["DistributionConfig"]["Comment"].element?.text ?? ""
    }

    /// Replaces the distribution's configuration with `config`.
    @discardableResult
    public func updateDistribution(id: String, config: SiteConfig) async throws -> Distribution {
        let version = try await configVersion(id: id)
        var config = config
        if !version.callerReference.isEmpty { config.callerReference = version.callerReference }
        let response = try await sendXML("UpdateDistribution", method: .PUT, path: Self.apiPath + "/distribution/\(SigV4Signer.uriEncode(id))/config", ifMatch: version.etag, xml: config.xml)
        return Distribution.read(Self.document(response)["Distribution"])
    }

    public func deleteDistribution(id: String) async throws {
        let version = try await configVersion(id: id)
        _ = try await sendXML("DeleteDistribution", method: .DELETE, path: Self.apiPath + "/distribution/\(SigV4Signer.uriEncode(id))", ifMatch: version.etag)
    }

    /// An invalidation's status: `InProgress` or `Completed`.
    public func invalidationStatus(distributionId: String, id: String) async throws -> String {
        let response = try await sendXML("GetInvalidation", method: .GET, path: Self.apiPath + "/distribution/\(SigV4Signer.uriEncode(distributionId))/invalidation/\(SigV4Signer.uriEncode(id))")
        return Self.document(response)["Invalidation"]["Status"].element?.text ?? ""
    }
}
