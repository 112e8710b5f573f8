import Foundation

/// Finds credentials and a region the way the AWS CLI does, so a user's existing setup just works:
/// the environment first, then the shared credentials and config files under the selected profile.
public struct AWSCredentialChain: Sendable {
    /// The process environment, or a test's.
    public var environment: [String: String]
    /// Where `~/.aws` lives; from HOME when nil.
    public var homeDirectory: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, homeDirectory: String? = nil) {
        self.environment = environment
        self.homeDirectory = homeDirectory
    }

    /// AWS_PROFILE, then AWS_DEFAULT_PROFILE, then `default`.
    public var profileName: String {
        nonEmpty("AWS_PROFILE") ?? nonEmpty("AWS_DEFAULT_PROFILE") ?? "default"
    }

    /// Whether a profile was asked for by name, so its absence is a mistake rather than a default.
    private var profileWasNamed: Bool {
        nonEmpty("AWS_PROFILE") != nil || nonEmpty("AWS_DEFAULT_PROFILE") != nil
    }

    public var credentialsFilePath: String {
        expand(nonEmpty("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials")
    }

    public var configFilePath: String {
        expand(nonEmpty("AWS_CONFIG_FILE") ?? "~/.aws/config")
    }

    /// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN), then the profile's
    /// `aws_access_key_id` and `aws_secret_access_key` in the credentials file, then in the config file.
    public func credentials() throws -> AWSCredentials {
        if let keyId = nonEmpty("AWS_ACCESS_KEY_ID") {
            guard let secret = nonEmpty("AWS_SECRET_ACCESS_KEY") else {
                throw AWSError(.missingCredentials, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both, or unset AWS_ACCESS_KEY_ID to use a profile")
            }
            return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: nonEmpty("AWS_SESSION_TOKEN") ?? nonEmpty("AWS_SECURITY_TOKEN"))
        }
        let profile = profileName
        let credentialsFile = try AWSProfileFile.load(path: credentialsFilePath)
        let configFile = try AWSProfileFile.load(path: configFilePath)
        let candidates: [(settings: [String: String]?, path: String)] = [
            (credentialsFile.credentialsProfile(profile), credentialsFilePath),
            (configFile.configProfile(profile), configFilePath),
        ]
        for candidate in candidates {
            guard let settings = candidate.settings, let keyId = settings["aws_access_key_id"], !keyId.isEmpty else { continue }
            guard let secret = settings["aws_secret_access_key"], !secret.isEmpty else {
                throw AWSError(.missingCredentials, "profile '\(profile)' in \(candidate.path) has aws_access_key_id but no aws_secret_access_key; add it")
            }
            let token = settings["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 }
            return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token)
        }
        if profileWasNamed, credentialsFile.credentialsProfile(profile) == nil, configFile.configProfile(profile) == nil {
            throw AWSError(.invalidConfiguration, "AWS profile '\(profile)' is in neither \(credentialsFilePath) nor \(configFilePath); check AWS_PROFILE")
        }
        throw AWSError(.missingCredentials, "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add profile '\(profile)' to \(credentialsFilePath)")
    }

    /// AWS_REGION, then AWS_DEFAULT_REGION, then the profile's `region` in the config file
    /// (or the credentials file); nil when none says.
    public func region() throws -> String? {
        if let region = nonEmpty("AWS_REGION") ?? nonEmpty("AWS_DEFAULT_REGION") { return region }
        let profile = profileName
        if let region = try AWSProfileFile.load(path: configFilePath).configProfile(profile)?["region"], !region.isEmpty {
            return region
        }
        if let region = try AWSProfileFile.load(path: credentialsFilePath).credentialsProfile(profile)?["region"], !region.isEmpty {
            return region
        }
        return nil
    }

    private func nonEmpty(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    private func expand(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = homeDirectory ?? nonEmpty("HOME") ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}
