import Foundation
import Testing
@testable import AWS

/// The cases of the AWS SigV4 test suite, written out again as data: the published example key,
/// 2015-08-30 12:36:00 UTC, region us-east-1, service "service".
@Suite struct SigV4SignerTests {
    static let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let date = Date(timeIntervalSince1970: 1_440_938_160)
    static let stsToken = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var method = "GET"
        var path = "/"
        var query = ""
        var headers: [(name: String, value: String)] = []
        var body = ""
        var signedHeaders = "host;x-amz-date"
        var signature: String

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "get-vanilla", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Case(name: "get-header-key-duplicate", headers: [("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")],
             signedHeaders: "host;my-header1;x-amz-date", signature: "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"),
        Case(name: "get-header-value-multiline", headers: [("My-Header1", "value1\n  value2\n     value3")],
             signedHeaders: "host;my-header1;x-amz-date", signature: "cfd34249e4b1c8d6b91ef74165d41a32e5fab3306300901bb65a51a73575eefd"),
        Case(name: "get-header-value-order", headers: [("My-Header1", "value4"), ("My-Header1", "value1"), ("My-Header1", "value3"), ("My-Header1", "value2")],
             signedHeaders: "host;my-header1;x-amz-date", signature: "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"),
        Case(name: "get-header-value-trim", headers: [("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")],
             signedHeaders: "host;my-header1;my-header2;x-amz-date", signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        Case(name: "get-unreserved", path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
             signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
        Case(name: "get-utf8", path: "/ሴ", signature: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        Case(name: "get-vanilla-empty-query-key", query: "Param1=value1", signature: "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"),
        Case(name: "get-vanilla-query-order-encoded", query: "Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
             signature: "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac"),
        Case(name: "get-vanilla-query-order-key-case", query: "Param2=value2&Param1=value1", signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        Case(name: "get-vanilla-query-order-key", query: "Param1=value2&Param1=Value1", signature: "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1"),
        Case(name: "get-vanilla-query-order-value", query: "Param1=value2&Param1=value1", signature: "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"),
        Case(name: "get-vanilla-query-unreserved",
             query: "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
             signature: "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
        Case(name: "get-vanilla-utf8-query", query: "ሴ=bar", signature: "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
        Case(name: "get-relative-relative", path: "/example1/example2/../..", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Case(name: "get-relative", path: "/example/..", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Case(name: "get-slash-dot-slash", path: "/./", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Case(name: "get-slash-pointless-dot", path: "/./example", signature: "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"),
        Case(name: "get-slash", path: "//", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Case(name: "get-slashes", path: "//example//", signature: "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"),
        Case(name: "get-space", path: "/example space/", signature: "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
        Case(name: "get-special-character", path: "/example/$delete", signature: "a853c9b21b528b19643d00910d35b83a10c366a10833ceefb45edd6c80e40f27"),
        Case(name: "post-vanilla", method: "POST", signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        Case(name: "post-header-key-sort", method: "POST", headers: [("My-Header1", "value1")],
             signedHeaders: "host;my-header1;x-amz-date", signature: "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
        Case(name: "post-header-value-case", method: "POST", headers: [("My-Header1", "VALUE1")],
             signedHeaders: "host;my-header1;x-amz-date", signature: "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"),
        Case(name: "post-vanilla-query", method: "POST", query: "Param1=value1", signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
        Case(name: "post-x-www-form-urlencoded", method: "POST", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "Param1=value1",
             signedHeaders: "content-type;host;x-amz-date", signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
        Case(name: "post-x-www-form-urlencoded-parameters", method: "POST", headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf8")],
             body: "Param1=value1", signedHeaders: "content-type;host;x-amz-date", signature: "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"),
        Case(name: "post-sts-header-before", method: "POST", headers: [("X-Amz-Security-Token", stsToken)],
             signedHeaders: "host;x-amz-date;x-amz-security-token", signature: "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"),
    ]

    static func sign(_ test: Case, credentials: AWSCredentials = credentials, options: SigV4Signer.Options = .standard) -> SigV4Signature {
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service", options: options)
        let request = SigV4Request(method: test.method, path: test.path, query: test.query, headers: [("Host", "example.amazonaws.com")] + test.headers)
        return signer.sign(request, payload: .bytes(Array(test.body.utf8)), date: date)
    }

    @Test(arguments: cases)
    func signsTheSuiteCase(_ test: Case) {
        let signature = Self.sign(test)
        #expect(signature.signature == test.signature)
        #expect(signature.authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=\(test.signedHeaders), Signature=\(test.signature)")
    }

    @Test func canonicalRequestCollapsesHeaderValuesAndSortsTheQuery() {
        let trimmed = Self.sign(Self.cases.first { $0.name == "get-header-value-trim" }!)
        #expect(trimmed.canonicalRequest == """
            GET
            /

            host:example.amazonaws.com
            my-header1:value1
            my-header2:"a b c"
            x-amz-date:20150830T123600Z

            host;my-header1;my-header2;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        let encoded = Self.sign(Self.cases.first { $0.name == "get-vanilla-query-order-encoded" }!)
        #expect(encoded.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[2] == "%E1%88%B4=Value1&Param=Value2&Param-3=Value3")
    }

    @Test func stringToSignNamesTheScopeAndHashesTheCanonicalRequest() {
        let signature = Self.sign(Self.cases.first { $0.name == "post-vanilla-query" }!)
        #expect(signature.stringToSign == """
            AWS4-HMAC-SHA256
            20150830T123600Z
            20150830/us-east-1/service/aws4_request
            9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd
            """)
    }

    @Test func sessionTokenIsAddedAndSigned() {
        let withToken = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: Self.credentials.secretAccessKey,
                                       sessionToken: "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267")
        let signature = Self.sign(Case(name: "get-vanilla-with-session-token", signature: ""), credentials: withToken)
        #expect(signature.signature == "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8")
        #expect(signature.headers.contains { $0.name == "x-amz-security-token" && $0.value == withToken.sessionToken })
    }

    @Test func sessionTokenCanBeAddedAfterSigning() {
        let withToken = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: Self.credentials.secretAccessKey, sessionToken: Self.stsToken)
        var options = SigV4Signer.Options.standard
        options.signsSessionToken = false
        let signature = Self.sign(Case(name: "post-sts-header-after", method: "POST", signature: ""), credentials: withToken, options: options)
        #expect(signature.signature == "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
        #expect(signature.headers.contains { $0.name == "x-amz-security-token" && $0.value == Self.stsToken })
    }

    @Test func headersThatProxiesRewriteAreNotSigned() {
        let plain = Self.sign(Case(name: "get-vanilla", signature: ""))
        let noisy = Self.sign(Case(name: "get-vanilla", headers: [("User-Agent", "deployotron/1"), ("Connection", "keep-alive"), ("Expect", "100-continue")], signature: ""))
        #expect(noisy.signature == plain.signature)
        #expect(!noisy.authorization.contains("user-agent"))
    }

    @Test func signatureChangesWithTheBodyTheDateAndTheKey() {
        let base = Case(name: "post", method: "POST", body: "{}", signature: "")
        let signature = Self.sign(base).signature
        var other = base
        other.body = "{ }"
        #expect(Self.sign(other).signature != signature)
        let otherKey = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "another")
        #expect(Self.sign(base, credentials: otherKey).signature != signature)
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "service")
        let later = signer.sign(SigV4Request(method: "POST", path: "/", headers: [("host", "example.amazonaws.com")]), payload: .bytes(Array("{}".utf8)), date: Self.date.addingTimeInterval(1))
        #expect(later.signature != signature)
    }

    @Test func s3SignsThePathAsGivenAndSendsThePayloadHash() {
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "s3", options: .s3)
        let request = SigV4Request(method: "PUT", path: "/bucket/a//b/../c%20d", headers: [("host", "s3.amazonaws.com")])
        let signature = signer.sign(request, payload: .unsigned, date: Self.date)
        let lines = signature.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[1] == "/bucket/a//b/../c%20d")
        #expect(lines.last == "UNSIGNED-PAYLOAD")
        #expect(signature.headers.contains { $0.name == "x-amz-content-sha256" && $0.value == "UNSIGNED-PAYLOAD" })
        #expect(signature.authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"))
    }

    @Test func dateIsFormattedInUTC() {
        #expect(SigV4Signer.amzDate(Self.date) == "20150830T123600Z")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 0)) == "19700101T000000Z")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 951_825_599.9)) == "20000229T115959Z")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 4_107_542_400)) == "21000301T000000Z")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: -1)) == "19691231T235959Z")
    }

    @Test func uriEncodingKeepsOnlyUnreservedCharacters() {
        #expect(SigV4Signer.uriEncode("a b/c~d*é") == "a%20b%2Fc~d%2A%C3%A9")
        #expect(SigV4Signer.uriEncode("a b/c", keepingSlash: true) == "a%20b/c")
    }

    @Test func credentialsNeverShowTheirSecrets() {
        let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "very-secret-value", sessionToken: "token-value")
        let shown = "\(credentials) \(String(reflecting: credentials))"
        #expect(shown.contains("AKIDEXAMPLE"))
        #expect(!shown.contains("very-secret-value"))
        #expect(!shown.contains("token-value"))
    }
}
