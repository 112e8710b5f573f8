import Foundation

/// Pushing to a registry: what a cloud deploy adds to local builds.
extension DockerCLI {
    /// `docker login` with the password on standard input, never in the arguments or a log.
    public func login(registry: String, username: String, password: String) async throws {
        try await run(
            ["login", "--username", username, "--password-stdin", registry], what: "logging in to \(registry)",
            input: .data(Data(password.utf8)))
    }

    /// Pushes `reference`; returns the digest the registry reported (`sha256:...`), when it did.
    @discardableResult
    public func push(_ reference: String, onLine: (@Sendable (String) -> Void)? = nil) async throws -> String? {
        let output = try await run(["push", reference], timeout: buildTimeout, what: "pushing \(reference)", onLine: onLine)
        return Self.pushedDigest(output.stdout + "\n" + output.stderr)
    }

    /// The digest in `docker push` output: `deploy_1a2b: digest: sha256:... size: 1234`.
    static func pushedDigest(_ text: String) -> String? {
        guard let range = text.range(of: "digest: sha256:") else { return nil }
        let rest = text[range.upperBound...].prefix { $0.isHexDigit }
        return rest.isEmpty ? nil : "sha256:" + rest
    }
}
