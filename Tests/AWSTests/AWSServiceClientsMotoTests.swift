import Foundation
import JSON
import TestSupport
import Testing
@testable import AWS

/// The S3, ECR and ECS clients against moto_server, which checks their signatures.
@Suite(.enabled(if: MotoServer.isAvailable, "needs moto_server: run scripts/test.sh"))
struct AWSServiceClientsMotoTests {
    @Test func s3BucketsAndObjectsWithS3SigningRules() async throws {
        let s3 = try S3Client.fromEnvironment(environment: MotoServer.awsEnvironment())
        let bucket = MotoServer.uniqueTable("bucket")
        #expect(try await s3.bucketExists(bucket) == false)
        try await s3.createBucket(bucket)
        try await s3.createBucket(bucket)
        #expect(try await s3.bucketExists(bucket))
        let etag = try await s3.putObject(bucket: bucket, key: "assets/app v1.js", body: Array("console.log(1)".utf8), contentType: "text/javascript", cacheControl: "max-age=60")
        #expect(etag?.isEmpty == false)

        let wrong = try S3Client.fromEnvironment(environment: MotoServer.awsEnvironment(secret: "wrong"))
        let error = try await #require(throws: AWSError.self) {
            try await wrong.putObject(bucket: bucket, key: "x", body: [1, 2, 3])
        }
        #expect(error.status == 403)
    }

    @Test func ecrLoginDecodesTheTokenAndHidesThePassword() async throws {
        let ecr = try ECRClient.fromEnvironment(environment: MotoServer.awsEnvironment())
        let login = try await ecr.login()
        #expect(login.username == "AWS")
        #expect(!login.password.isEmpty)
        #expect(!login.description.contains(login.password))
        let missing = try await #require(throws: AWSError.self) { try await ecr.describeImages(repository: "no-such-repo") }
        #expect(missing.type == "RepositoryNotFoundException")
    }

    @Test func ecsNamesAMissingCluster() async throws {
        let ecs = try ECSClient.fromEnvironment(environment: MotoServer.awsEnvironment())
        let error = try await #require(throws: AWSError.self) { try await ecs.describeServices(cluster: "no-such-cluster", services: ["web"]) }
        #expect(error.type == "ClusterNotFoundException")
    }
}
