import AsyncHTTPClient
import Foundation
import JSON
import NIOCore
import NIOHTTP1

/// Sends signed requests to one AWS service and retries the answers that ask for it: what every
/// client of this module shares, whatever the protocol on top.
public struct AWSServiceClient: Sendable {
    /// An answer with a 2xx status (others are thrown as `AWSError`).
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    public var service: AWSService
    /// How errors name the service: "DynamoDB", "S3".
    public var displayName: String
    public var endpoint: AWSEndpoint
    /// The region requests are signed for.
    public var region: String
    public var credentials: AWSCredentials
    public var httpClient: HTTPClient
    public var retryPolicy: AWSRetryPolicy
    public var signerOptions: SigV4Signer.Options
    /// Sleeps between retries; a test passes one that does not wait.
    public var clock: any Clock<Duration>
    /// The signing time.
    public var now: @Sendable () -> Date
    /// For one attempt, connection included.
    public var timeout: Duration
    /// The largest answer read; more is an error rather than memory exhaustion.
    public var maxResponseBytes: Int = 32 << 20

    public init(
        service: AWSService, displayName: String, endpoint: AWSEndpoint, region: String, credentials: AWSCredentials,
        httpClient: HTTPClient = .shared, retryPolicy: AWSRetryPolicy = AWSRetryPolicy(), signerOptions: SigV4Signer.Options = .standard,
        clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = { Date() }, timeout: Duration = .seconds(30)
    ) {
        self.service = service
        self.displayName = displayName
        self.endpoint = endpoint
        self.region = service.globalRegion ?? region
        self.credentials = credentials
        self.httpClient = httpClient
        self.retryPolicy = retryPolicy
        self.signerOptions = signerOptions
        self.clock = clock
        self.now = now
        self.timeout = timeout
    }

    /// A client set up from the environment: credentials from the chain, the region from `region`
    /// or the chain, the endpoint from AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL or AWS itself.
    public static func fromEnvironment(
        _ service: AWSService, displayName: String, region: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String? = nil, httpClient: HTTPClient = .shared, signerOptions: SigV4Signer.Options = .standard
    ) throws -> AWSServiceClient {
        let chain = AWSCredentialChain(environment: environment, homeDirectory: homeDirectory)
        let hasCustomEndpoint = ["AWS_ENDPOINT_URL_\(service.environmentName)", "AWS_ENDPOINT_URL"].contains {
            !(environment[$0] ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        }
        let resolvedRegion: String
        let chainRegion = try chain.region()
        if let region = region.flatMap({ $0.isEmpty ? nil : $0 }) ?? chainRegion {
            resolvedRegion = region
        } else if let global = service.globalRegion {
            resolvedRegion = global
        } else if hasCustomEndpoint {
            // A stand-in (moto, LocalStack) serves every region; signing still needs one.
            resolvedRegion = "us-east-1"
        } else {
            throw AWSError(.invalidConfiguration, "no AWS region: set AWS_REGION, add region to profile '\(chain.profileName)' in \(chain.configFilePath), or pass ?region=")
        }
        guard AWSEndpoint.isValidRegion(resolvedRegion) else {
            throw AWSError(.invalidConfiguration, "'\(resolvedRegion)' is not an AWS region name; use one like us-east-1")
        }
        let endpoint = try AWSEndpoint.resolve(service, region: resolvedRegion, environment: environment)
        return AWSServiceClient(
            service: service, displayName: displayName, endpoint: endpoint, region: resolvedRegion,
            credentials: try chain.credentials(), httpClient: httpClient, signerOptions: signerOptions)
    }

    /// Signs and sends one request, retrying throttling, 5xx answers and broken connections with backoff.
    /// - Parameters:
    ///   - operation: names the call in errors ("PutItem").
    ///   - path: the path after the endpoint's own, encoded as it should go on the wire.
    ///   - payload: how the body is signed; `nil` signs its SHA-256.
    public func send(
        operation: String, method: HTTPMethod = .POST, path: String = "/", query: String = "",
        headers: [(name: String, value: String)] = [], body: [UInt8] = [], payload: SigV4Signer.Payload? = nil
    ) async throws -> Response {
        var retry = 0
        while true {
            do {
                return try await sendOnce(operation: operation, method: method, path: path, query: query, headers: headers, body: body, payload: payload)
            } catch let error as AWSError where error.isRetryable && retry + 1 < retryPolicy.maxAttempts {
                try await clock.sleep(for: retryPolicy.delay(beforeRetry: retry, random: Double.random(in: 0...1)), tolerance: nil)
                retry += 1
            }
        }
    }

    private func sendOnce(
        operation: String, method: HTTPMethod, path: String, query: String,
        headers: [(name: String, value: String)], body: [UInt8], payload: SigV4Signer.Payload?
    ) async throws -> Response {
        let fullPath = endpoint.basePath + path
        var signedHeaders = headers
        signedHeaders.insert(("host", endpoint.host), at: 0)
        let signer = SigV4Signer(credentials: credentials, region: region, service: service.signingName, options: signerOptions)
        let signature = signer.sign(
            SigV4Request(method: method.rawValue, path: fullPath, query: query, headers: signedHeaders),
            payload: payload ?? .bytes(body), date: now())

        var request = HTTPClientRequest(url: endpoint.requestURL(path: path, query: query))
        request.method = method
        for header in signedHeaders + signature.headers {
            request.headers.add(name: header.name, value: header.value)
        }
        if !body.isEmpty || method == .POST || method == .PUT {
            request.body = .bytes(ByteBuffer(bytes: body))
        }

        let label = "\(displayName) \(operation)"
        let started = ContinuousClock.now
        let status: Int
        let responseHeaders: [(name: String, value: String)]
        let bytes: [UInt8]
        do {
            let response = try await httpClient.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
            status = Int(response.status.code)
            responseHeaders = response.headers.map { ($0.name, $0.value) }
            var buffer = try await response.body.collect(upTo: maxResponseBytes)
            bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as NIOTooManyBytesError {
            throw AWSError(.invalidResponse, "the answer was larger than \(maxResponseBytes) bytes (\(error))", operation: label)
        } catch {
            // The HTTP client keeps retrying a failed connection until the deadline; once that is spent,
            // another attempt would only make the user wait as long again.
            let spent = ContinuousClock.now - started >= timeout * 0.9
            throw AWSError(
                spent ? .timedOut : .transport,
                "could not reach \(endpoint.host)\(spent ? " within \(timeout)" : ""): \(error); check the network and the endpoint (AWS_ENDPOINT_URL)",
                operation: label)
        }
        guard (200..<300).contains(status) else {
            throw Self.error(status: status, headers: responseHeaders, body: bytes, operation: label)
        }
        return Response(status: status, headers: responseHeaders, body: bytes)
    }

    /// Reads the error an AWS answer describes: JSON protocols put the type in `__type` (or
    /// `x-amzn-ErrorType`), XML protocols in `<Code>`.
    static func error(status: Int, headers: [(name: String, value: String)], body: [UInt8], operation: String) -> AWSError {
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
        var type = header("x-amzn-errortype")
        var message: String?
        var requestId = header("x-amzn-requestid") ?? header("x-amz-request-id")
        if let json = try? JSONValue(parsing: Data(body)), case .object(let object) = json {
            type = object["__type"]?.stringValue ?? object["code"]?.stringValue ?? object["Code"]?.stringValue ?? type
            message = object["message"]?.stringValue ?? object["Message"]?.stringValue
        } else {
            let text = String(decoding: body, as: UTF8.self)
            type = xmlElement("Code", in: text) ?? type
            message = xmlElement("Message", in: text)
            requestId = requestId ?? xmlElement("RequestId", in: text)
        }
        // `com.amazonaws.dynamodb.v20120810#ResourceNotFoundException`, `Type:http://...` → the bare name.
        if let raw = type {
            var name = Substring(raw)
            if let hash = name.lastIndex(of: "#") { name = name[name.index(after: hash)...] }
            if let colon = name.firstIndex(of: ":") { name = name[..<colon] }
            type = name.isEmpty ? nil : String(name)
        }
        let fallback = status == 403 ? "access denied; check the credentials, their permissions and the system clock" : "the service answered HTTP \(status)"
        return AWSError(.service, message.map { $0.isEmpty ? fallback : $0 } ?? fallback, operation: operation, status: status, type: type, requestId: requestId)
    }

    private static func xmlElement(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex) else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }
}
