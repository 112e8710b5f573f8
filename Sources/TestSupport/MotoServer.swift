import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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

    /// The variables for the second test user, who may use S3 and read CloudFront but not create
    /// distributions (scripts/moto.sh makes it); nil when moto.sh did not.
    public static func limitedAWSEnvironment() -> [String: String]? {
        guard let id = environment["DEPLOYOTRON_TEST_MOTO_LIMITED_ACCESS_KEY_ID"], !id.isEmpty,
              let secret = environment["DEPLOYOTRON_TEST_MOTO_LIMITED_SECRET_ACCESS_KEY"] else { return nil }
        var variables = awsEnvironment()
        variables["AWS_ACCESS_KEY_ID"] = id
        variables["AWS_SECRET_ACCESS_KEY"] = secret
        return variables
    }

    /// Makes CloudFront distributions stay `InProgress` for `reads` reads (moto's state manager).
    public static func keepDistributionsInProgress(reads: Int) async throws {
        guard let endpoint, let url = URL(string: endpoint + "/moto-api/state-manager/set-transition") else { return }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"model_name": "cloudfront::distribution", "transition": {"progression": "manual", "times": \#(reads)}}"#.utf8)
        _ = try await URLSession.shared.data(for: request)
    }

    /// A table name no other test uses.
    public static func uniqueTable(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}
