import Crypto
import Foundation

/// AWS Signature Version 4 for request headers: pure, with the time passed in, so it can be
/// checked against the published test vectors.
public struct SigV4Signer: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    /// The signing name: `dynamodb`, `s3`, `ecr`, `logs`...
    public var service: String
    public var options: Options

    /// The rules that differ between S3 and every other service.
    public struct Options: Sendable, Equatable {
        /// Remove `.`, `..` and empty path segments before signing (not for S3, whose keys may contain them).
        public var normalizesPath: Bool
        /// URI-encode the path once more, as every service but S3 expects.
        public var encodesPathAgain: Bool
        /// Send the payload hash as `x-amz-content-sha256`, which S3 requires.
        public var addsContentHashHeader: Bool
        /// Sign `x-amz-security-token`; when false it is added after signing, as a few services want.
        public var signsSessionToken: Bool

        public init(normalizesPath: Bool = true, encodesPathAgain: Bool = true, addsContentHashHeader: Bool = false, signsSessionToken: Bool = true) {
            self.normalizesPath = normalizesPath
            self.encodesPathAgain = encodesPathAgain
            self.addsContentHashHeader = addsContentHashHeader
            self.signsSessionToken = signsSessionToken
        }

        public static let standard = Options()
        public static let s3 = Options(normalizesPath: false, encodesPathAgain: false, addsContentHashHeader: true)
    }

    /// What the signature says about the body.
    public enum Payload: Sendable {
        /// The body itself: its SHA-256 is signed.
        case bytes([UInt8])
        /// A hex SHA-256 computed elsewhere (a streamed file).
        case sha256(String)
        /// `UNSIGNED-PAYLOAD`: S3 over HTTPS accepts a body it does not check.
        case unsigned

        var hash: String {
            switch self {
            case .bytes(let bytes): SigV4Signer.hexSHA256(bytes)
            case .sha256(let hex): hex.lowercased()
            case .unsigned: "UNSIGNED-PAYLOAD"
            }
        }
    }

    /// Headers that proxies and clients rewrite, so signing them only makes valid requests fail.
    public static let unsignedHeaders: Set<String> = ["user-agent", "connection", "expect", "authorization", "x-amzn-trace-id"]

    public static let algorithm = "AWS4-HMAC-SHA256"

    public init(credentials: AWSCredentials, region: String, service: String, options: Options = .standard) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
    }

    /// Signs `request` as of `date`.
    public func sign(_ request: SigV4Request, payload: Payload, date: Date) -> SigV4Signature {
        let amzDate = Self.amzDate(date)
        let scopeDate = String(amzDate.prefix(8))
        let payloadHash = payload.hash

        var added: [(name: String, value: String)] = [("x-amz-date", amzDate)]
        var signing = request.headers.filter { $0.name.lowercased() != "x-amz-date" }
        let hasToken = signing.contains { $0.name.lowercased() == "x-amz-security-token" }
        var unsignedToken: String?
        if let token = credentials.sessionToken, !hasToken {
            if options.signsSessionToken { added.append(("x-amz-security-token", token)) } else { unsignedToken = token }
        }
        if options.addsContentHashHeader, !signing.contains(where: { $0.name.lowercased() == "x-amz-content-sha256" }) {
            added.append(("x-amz-content-sha256", payloadHash))
        }
        signing += added

        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(signing)
        let canonicalRequest = [
            request.method.uppercased(),
            canonicalPath(request.path),
            Self.canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")

        let scope = "\(scopeDate)/\(region)/\(service)/aws4_request"
        let stringToSign = [Self.algorithm, amzDate, scope, Self.hexSHA256(Array(canonicalRequest.utf8))].joined(separator: "\n")
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(scopeDate: scopeDate)))
        let authorization = "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"

        if let unsignedToken { added.append(("x-amz-security-token", unsignedToken)) }
        added.append(("authorization", authorization))
        return SigV4Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature, authorization: authorization, headers: added)
    }

    /// `AWS4`+secret, then the date, region, service and `aws4_request`, each an HMAC key for the next.
    func signingKey(scopeDate: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [scopeDate, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    // MARK: - Canonical forms

    func canonicalPath(_ path: String) -> String {
        guard options.normalizesPath || options.encodesPathAgain else { return path.isEmpty ? "/" : path }
        var segments: [Substring] = path.split(separator: "/", omittingEmptySubsequences: false)
        if options.normalizesPath {
            var kept: [Substring] = []
            for segment in segments {
                switch segment {
                case "", ".": continue
                case "..": _ = kept.popLast()
                default: kept.append(segment)
                }
            }
            segments = kept
            let trailingSlash = path.hasSuffix("/") && !kept.isEmpty
            let encoded = kept.map { options.encodesPathAgain ? Self.uriEncode(Array($0.utf8)) : String($0) }
            return "/" + encoded.joined(separator: "/") + (trailingSlash ? "/" : "")
        }
        let encoded = segments.map { Self.uriEncode(Array($0.utf8)) }.joined(separator: "/")
        return encoded.hasPrefix("/") ? encoded : "/" + encoded
    }

    /// Each name and value decoded, encoded again strictly, sorted by name then value.
    static func canonicalQuery(_ query: String) -> String {
        let pairs = query.split(separator: "&").map { piece -> (name: String, value: String) in
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = uriEncode(percentDecode(parts[0]))
            let value = parts.count > 1 ? uriEncode(percentDecode(parts[1])) : ""
            return (name, value)
        }
        return pairs
            .sorted { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
    }

    /// Lower-case names, sorted; values trimmed with inner whitespace runs collapsed; repeats joined by commas.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (canonical: String, signed: String) {
        var values: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased().trimmingCharacters(in: .whitespaces)
            guard !unsignedHeaders.contains(name) else { continue }
            let value = header.value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).joined(separator: " ")
            values[name, default: []].append(value)
        }
        let names = values.keys.sorted()
        let canonical = names.map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
        return (canonical, names.joined(separator: ";"))
    }

    // MARK: - Encoding

    /// RFC 3986 percent-encoding of everything but `A-Z a-z 0-9 - . _ ~`, in upper-case hex.
    public static func uriEncode(_ bytes: [UInt8], keepingSlash: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepingSlash:
                out.append("/")
            default:
                out += "%" + String(hexDigits[Int(byte >> 4)]) + String(hexDigits[Int(byte & 0x0F)])
            }
        }
        return out
    }

    public static func uriEncode(_ string: String, keepingSlash: Bool = false) -> String {
        uriEncode(Array(string.utf8), keepingSlash: keepingSlash)
    }

    static func percentDecode(_ text: Substring) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF")

    // MARK: - Hashes and dates

    public static func hexSHA256(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(lowerHex[Int(byte >> 4)])
            bytes.append(lowerHex[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let lowerHex = Array("0123456789abcdef".utf8)

    /// `yyyyMMddTHHmmssZ` in UTC.
    public static func amzDate(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm): no calendar or time zone lookups.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + pad(secondOfDay % 3600 / 60, 2) + pad(secondOfDay % 60, 2) + "Z"
    }
}
