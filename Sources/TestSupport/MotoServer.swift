import Foundation

/// The moto_server that scripts/moto.sh started, with signature checks on, and the key of the
/// IAM user it made (`DEPLOYOTRON_TEST_MOTO_*`). Tests that need it are skipped when it is not running.
public enum MotoServer {
    static let environment = ProcessInfo.processInfo.environment

    public static var endpoint: String? { environment["DEPLOYOTRON_TEST_MOTO_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } }

    public static var isAvailable: Bool {
        endpoint != nil && environment["DEPLOYOTRON_TEST_MOTO_ACCESS_KEY_ID"] != nil && environment["DEPLOYOTRON_TEST_MOTO_SECRET_ACCESS_KEY"] != nil
    }

    /// The variables a user would set to point deployotron at moto.
    public static func awsEnvironment(secret: String? = nil) -> [String: String] {
        [
            "AWS_ENDPOINT_URL_DYNAMODB": endpoint ?? "",
            "AWS_ENDPOINT_URL": endpoint ?? "",
            "AWS_ACCESS_KEY_ID": environment["DEPLOYOTRON_TEST_MOTO_ACCESS_KEY_ID"] ?? "",
            "AWS_SECRET_ACCESS_KEY": secret ?? environment["DEPLOYOTRON_TEST_MOTO_SECRET_ACCESS_KEY"] ?? "",
            "AWS_REGION": "us-east-1",
            "HOME": "/nonexistent",
        ]
    }

    /// A table name no other test uses.
    public static func uniqueTable(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}
