/// What signing produced: the headers to add, and the intermediate strings tests and debugging compare.
public struct SigV4Signature: Sendable {
    public var canonicalRequest: String
    public var stringToSign: String
    /// The hex HMAC of `stringToSign`.
    public var signature: String
    /// The `Authorization` header's value.
    public var authorization: String
    /// Headers the request must carry for the signature to hold (`x-amz-date`, `x-amz-security-token`,
    /// `x-amz-content-sha256`, `authorization`), in addition to those that were signed.
    public var headers: [(name: String, value: String)]

    public init(canonicalRequest: String, stringToSign: String, signature: String, authorization: String, headers: [(name: String, value: String)]) {
        self.canonicalRequest = canonicalRequest
        self.stringToSign = stringToSign
        self.signature = signature
        self.authorization = authorization
        self.headers = headers
    }
}
