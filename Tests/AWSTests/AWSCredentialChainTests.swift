import Foundation
import Testing
@testable import AWS

@Suite struct AWSCredentialChainTests {
    /// A fresh home directory with `~/.aws/credentials` and `~/.aws/config` as given.
    static func home(credentials: String? = nil, config: String? = nil) throws -> String {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("aws-home-\(UUID().uuidString)")
        let aws = home.appendingPathComponent(".aws")
        try FileManager.default.createDirectory(at: aws, withIntermediateDirectories: true)
        if let credentials { try credentials.write(to: aws.appendingPathComponent("credentials"), atomically: true, encoding: .utf8) }
        if let config { try config.write(to: aws.appendingPathComponent("config"), atomically: true, encoding: .utf8) }
        return home.path
    }

    static let files = (
        credentials: """
            [default]
            aws_access_key_id = AKIDDEFAULT
            aws_secret_access_key = default-secret

            # a comment
            [dev]
            aws_access_key_id=AKIDDEV
            aws_secret_access_key=dev/secret#with-hash
            aws_session_token = dev-token ; not a comment marker here
            """,
        config: """
            [default]
            region = eu-west-1

            [profile dev]
            region = ap-southeast-2
            s3 =
              max_concurrent_requests = 20

            [profile from-config]
            aws_access_key_id = AKIDCONFIG
            aws_secret_access_key = config-secret
            region = us-west-2
            """
    )

    @Test func environmentVariablesComeFirst() throws {
        let home = try Self.home(credentials: Self.files.credentials, config: Self.files.config)
        let chain = AWSCredentialChain(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "env-token", "AWS_PROFILE": "dev",
        ], homeDirectory: home)
        #expect(try chain.credentials() == AWSCredentials(accessKeyId: "AKIDENV", secretAccessKey: "env-secret", sessionToken: "env-token"))
    }

    @Test func defaultProfileFromTheCredentialsFile() throws {
        let home = try Self.home(credentials: Self.files.credentials, config: Self.files.config)
        let chain = AWSCredentialChain(environment: [:], homeDirectory: home)
        #expect(try chain.credentials() == AWSCredentials(accessKeyId: "AKIDDEFAULT", secretAccessKey: "default-secret"))
        #expect(try chain.region() == "eu-west-1")
    }

    @Test func namedProfileWithSessionTokenAndItsRegion() throws {
        let home = try Self.home(credentials: Self.files.credentials, config: Self.files.config)
        let chain = AWSCredentialChain(environment: ["AWS_PROFILE": "dev"], homeDirectory: home)
        let credentials = try chain.credentials()
        #expect(credentials.accessKeyId == "AKIDDEV")
        #expect(credentials.secretAccessKey == "dev/secret#with-hash")
        #expect(credentials.sessionToken == "dev-token ; not a comment marker here")
        #expect(try chain.region() == "ap-southeast-2")
    }

    @Test func profileOnlyInTheConfigFile() throws {
        let home = try Self.home(credentials: Self.files.credentials, config: Self.files.config)
        let chain = AWSCredentialChain(environment: ["AWS_PROFILE": "from-config"], homeDirectory: home)
        #expect(try chain.credentials() == AWSCredentials(accessKeyId: "AKIDCONFIG", secretAccessKey: "config-secret"))
        #expect(try chain.region() == "us-west-2")
    }

    @Test func regionVariablesOverrideTheProfile() throws {
        let home = try Self.home(config: Self.files.config)
        #expect(try AWSCredentialChain(environment: ["AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "sa-east-1"], homeDirectory: home).region() == "us-east-2")
        #expect(try AWSCredentialChain(environment: ["AWS_DEFAULT_REGION": "sa-east-1"], homeDirectory: home).region() == "sa-east-1")
        #expect(try AWSCredentialChain(environment: [:], homeDirectory: try Self.home()).region() == nil)
    }

    @Test func fileLocationsFollowTheirVariables() throws {
        let elsewhere = try Self.home()
        let credentialsPath = elsewhere + "/creds.ini"
        let configPath = elsewhere + "/conf.ini"
        try "[ci]\naws_access_key_id = AKIDCI\naws_secret_access_key = ci-secret\n".write(toFile: credentialsPath, atomically: true, encoding: .utf8)
        try "[profile ci]\nregion = eu-north-1\n".write(toFile: configPath, atomically: true, encoding: .utf8)
        let chain = AWSCredentialChain(environment: [
            "AWS_SHARED_CREDENTIALS_FILE": credentialsPath, "AWS_CONFIG_FILE": configPath, "AWS_PROFILE": "ci",
        ], homeDirectory: try Self.home(credentials: Self.files.credentials))
        #expect(try chain.credentials().accessKeyId == "AKIDCI")
        #expect(try chain.region() == "eu-north-1")
    }

    @Test func aMissingNamedProfileIsAnErrorNamingIt() throws {
        let home = try Self.home(credentials: Self.files.credentials)
        let chain = AWSCredentialChain(environment: ["AWS_PROFILE": "nope"], homeDirectory: home)
        let error = try #require(throws: AWSError.self) { try chain.credentials() }
        #expect(error.kind == .invalidConfiguration)
        #expect(error.description.contains("nope"))
    }

    @Test func noCredentialsAnywhereSaysWhatToSet() throws {
        let chain = AWSCredentialChain(environment: [:], homeDirectory: try Self.home())
        let error = try #require(throws: AWSError.self) { try chain.credentials() }
        #expect(error.kind == .missingCredentials)
        #expect(error.description.contains("AWS_ACCESS_KEY_ID"))
    }

    @Test func aKeyWithoutItsSecretIsRefusedWithoutShowingAnySecret() throws {
        let chain = AWSCredentialChain(environment: ["AWS_ACCESS_KEY_ID": "AKIDONLY", "AWS_SESSION_TOKEN": "hidden-token"], homeDirectory: try Self.home())
        let error = try #require(throws: AWSError.self) { try chain.credentials() }
        #expect(error.description.contains("AWS_SECRET_ACCESS_KEY"))
        #expect(!error.description.contains("hidden-token"))
    }
}
