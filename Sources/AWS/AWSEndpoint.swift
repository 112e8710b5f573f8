import Foundation

/// Where requests for one service go: AWS itself, or a stand-in such as moto or LocalStack.
public struct AWSEndpoint: Sendable, Equatable {
    /// `https://dynamodb.eu-west-1.amazonaws.com`, `http://127.0.0.1:5000`; any path is a prefix for every request.
    public var url: URL
    /// The `host` header: the host, with the port when it is not the scheme's default.
    public var host: String
    /// The path every request starts with, without a trailing slash (empty for AWS).
    public var basePath: String

    public init(url text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            let url = components.url
        else {
            throw AWSError(.invalidConfiguration, "endpoint URL '\(text)' is not an http(s) URL with a host; write it like https://dynamodb.us-east-1.amazonaws.com or http://127.0.0.1:5000")
        }
        let defaultPort = scheme == "https" ? 443 : 80
        let hostText = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        self.url = url
        self.host = components.port.map { $0 == defaultPort ? hostText : "\(hostText):\($0)" } ?? hostText
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        self.basePath = path
    }

    /// AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the service's public endpoint in `region`.
    public static func resolve(_ service: AWSService, region: String, environment: [String: String]) throws -> AWSEndpoint {
        for name in ["AWS_ENDPOINT_URL_\(service.environmentName)", "AWS_ENDPOINT_URL"] {
            if let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
                do {
                    return try AWSEndpoint(url: value)
                } catch let error as AWSError {
                    throw AWSError(.invalidConfiguration, "\(name): \(error.message)")
                }
            }
        }
        if service.globalRegion != nil {
            return try AWSEndpoint(url: "https://\(service.endpointPrefix).amazonaws.com")
        }
        guard isValidRegion(region) else {
            throw AWSError(.invalidConfiguration, "'\(region)' is not an AWS region name; use one like us-east-1")
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return try AWSEndpoint(url: "https://\(service.endpointPrefix).\(region).\(suffix)")
    }

    /// Lower-case letters, digits and dashes: what keeps a region from reshaping the host name.
    public static func isValidRegion(_ region: String) -> Bool {
        !region.isEmpty && region.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }

    /// The full URL of a request for `path` (starting with `/`) and an encoded `query`.
    public func requestURL(path: String, query: String = "") -> String {
        var text = "\(url.scheme ?? "https")://\(host)\(basePath)\(path)"
        if !query.isEmpty { text += "?" + query }
        return text
    }
}
