import AWS
import Foundation
import JSON
import Ledger
import NIOHTTP1
import TestSupport
import Testing
@testable import Deploy

/// Static sites on S3 + CloudFront against moto_server, which checks every request's signature.
@Suite(.serialized, .enabled(if: MotoServer.isAvailable, "needs moto_server: run scripts/test.sh"))
struct S3CloudFrontTargetTests {
    struct Rig {
        let folder: TemporaryFolder
        let ledger: SQLiteLedger
        let target: S3CloudFrontTarget
        let service: DeployService
        let site: URL
        let guid = UUID().uuidString.lowercased()
        let progress = ProgressLog()
        let clock = InstantClock()
        let s3: S3Client
        let cloudFront: CloudFrontClient

        init(environment: [String: String] = MotoServer.awsEnvironment()) throws {
            folder = try TemporaryFolder("static-site")
            ledger = try SQLiteLedger(path: folder.url.appendingPathComponent("ledger.sqlite").path)
            site = try folder.project("site", [
                "index.html": "<h1>v1</h1>",
                "about.html": "<p>about</p>",
                "assets/app.3f9a1c2e.js": "console.log('app')",
                ".env": "SECRET_TOKEN=do-not-ship",
            ])
            s3 = try S3Client.fromEnvironment(environment: environment)
            cloudFront = try CloudFrontClient.fromEnvironment(environment: environment)
            let (s3, cloudFront) = (self.s3, self.cloudFront)
            target = S3CloudFrontTarget(
                clients: { (s3, cloudFront) }, workRoot: folder.url.appendingPathComponent("work", isDirectory: true),
                clock: clock, invalidationWait: .seconds(10), pollInterval: .seconds(1))
            let guid = self.guid
            service = DeployService(
                store: ledger, target: target,
                projects: { DeployProject(guid: guid, name: DeployService.containerName($0.lastPathComponent)) }, git: nil)
        }

        var bucket: String { target.bucket(guid: guid) }

        func deploy() async throws -> DeployOutcome {
            try await service.deploy(DeployLocalInput(path: site.path), to: .s3CloudFront, progress: progress.handler)
        }

        func head(_ key: String) async throws -> AWSServiceClient.Response {
            try await s3.transport.send(operation: "HeadObject", method: .HEAD, path: "/\(bucket)/\(key)")
        }

        func originPath(_ distribution: String) async throws -> String {
            let response = try await cloudFront.transport.send(operation: "GetDistributionConfig", method: .GET, path: "/2020-05-31/distribution/\(distribution)/config")
            let text = String(decoding: response.body, as: UTF8.self)
            guard let open = text.range(of: "<OriginPath>"), let close = text.range(of: "</OriginPath>") else { return "" }
            return String(text[open.upperBound..<close.lowerBound])
        }
    }

    static func release(_ outcome: DeployOutcome) -> String {
        "release-" + outcome.deployment.id.replacingOccurrences(of: "-", with: "").prefix(8)
    }

    @Test func deployRedeployRollBackAndTearDown() async throws {
        let rig = try Rig()
        // A bucket deployotron did not make, which teardown must leave alone.
        let foreign = "foreign-\(UUID().uuidString.prefix(8).lowercased())"
        try await rig.s3.createBucket(foreign)

        let v1 = try await rig.deploy()
        let v1Release = Self.release(v1)
        #expect(v1.deployment.url?.hasPrefix("https://") == true)
        #expect(v1.deployment.url?.hasSuffix(".cloudfront.net") == true)
        #expect(v1.deployment.target == "s3-cloudfront")
        #expect(v1.deployment.port == nil)

        // The bucket is private, tagged and holds the release with the right headers; no .env.
        #expect(try await rig.s3.bucketTags(rig.bucket)["deployotron:project"] == rig.guid)
        let keys = Set(try await rig.s3.listObjects(rig.bucket).map(\.key))
        #expect(keys == ["\(v1Release)/index.html", "\(v1Release)/about.html", "\(v1Release)/assets/app.3f9a1c2e.js"])
        let html = try await rig.head("\(v1Release)/index.html")
        #expect(html.header("content-type") == "text/html; charset=utf-8")
        #expect(html.header("cache-control") == "no-cache")
        let asset = try await rig.head("\(v1Release)/assets/app.3f9a1c2e.js")
        #expect(asset.header("cache-control") == "public, max-age=31536000, immutable")
        #expect(asset.header("content-type") == "application/javascript; charset=utf-8")

        // The distribution serves the release, and the project's resources say so.
        let resources = try #require(try await rig.ledger.resources(guid: rig.guid)).awsResources
        let distribution = try #require(resources["cloudFrontId"]?.stringValue)
        #expect(resources["s3Bucket"]?.stringValue == rig.bucket)
        #expect(resources["cloudFrontUrl"]?.stringValue == v1.deployment.url)
        #expect(resources["region"]?.stringValue == "us-east-1")
        #expect(try await rig.originPath(distribution) == "/\(v1Release)")

        // A second deploy uploads only what changed and copies the rest.
        try Data("<h1>v2</h1>".utf8).write(to: rig.site.appendingPathComponent("index.html"))
        let v2 = try await rig.deploy()
        #expect(rig.progress.all.contains { $0.step == "upload release" && $0.message.contains("uploaded 1, copied 2") })
        #expect(try await rig.originPath(distribution) == "/\(Self.release(v2))")
        let copied = try await rig.head("\(Self.release(v2))/about.html")
        #expect(copied.header("content-type") == "text/html; charset=utf-8")

        // Rollback switches the origin back; nothing is uploaded.
        let back = try await rig.service.rollback(RollbackInput(deploymentId: v1.deployment.id))
        #expect(back.deployment.imageTag == v1.deployment.imageTag)
        #expect(try await rig.originPath(distribution) == "/\(v1Release)")
        #expect(try await rig.ledger.deployment(id: v2.deployment.id)?.status == .rolledBack)

        // Teardown of the live deployment removes everything made for this guid, and nothing else.
        _ = try await rig.service.remove(DeploymentReference(deploymentId: back.deployment.id))
        #expect(try await rig.s3.bucketExists(rig.bucket) == false)
        #expect(try await rig.cloudFront.distributions().contains { $0.id == distribution } == false)
        #expect(try await rig.cloudFront.originAccessControls().contains { $0.name == "deployotron-\(rig.guid)" } == false)
        #expect(try await rig.s3.bucketExists(foreign))
    }

    @Test func accessDeniedMidDeployIsRecordedWithWhatExists() async throws {
        let limited = try #require(MotoServer.limitedAWSEnvironment())
        let rig = try Rig(environment: limited)
        let error = try await #require(throws: DeployError.self) { try await rig.deploy() }
        #expect(error.code == .aws)
        #expect(error.step == "switch distribution")
        #expect(error.message.contains("access denied"))
        #expect(error.message.contains("\(rig.bucket) it created stays"))
        let record = try #require(try await rig.ledger.allDeployments(limit: nil).first)
        #expect(record.status == .failed)
        #expect(record.error?.contains("access denied") == true)
        // The release it uploaded is gone; the bucket is there, empty and tagged.
        let admin = try S3Client.fromEnvironment(environment: MotoServer.awsEnvironment())
        #expect(try await admin.listObjects(rig.bucket).isEmpty)
        #expect(try await admin.bucketTags(rig.bucket)["deployotron:project"] == rig.guid)
        #expect(try await rig.ledger.acquireDeployLock(DeployLock(projectId: rig.guid, deploymentId: "next", holder: "t", since: Date())) == nil)
    }

    @Test func teardownWaitsWhileTheDisabledDistributionPropagates() async throws {
        let rig = try Rig()
        // Distributions made from here on read InProgress eight times before Deployed.
        try await MotoServer.keepDistributionsInProgress(reads: 8)
        let v1 = try await rig.deploy()
        let distribution = try #require(try await rig.ledger.resources(guid: rig.guid)?.awsResources["cloudFrontId"]?.stringValue)
        let slept = rig.clock.sleepCount
        _ = try await rig.service.remove(DeploymentReference(deploymentId: v1.deployment.id))
        #expect(rig.clock.sleepCount > slept)
        #expect(try await rig.cloudFront.distributions().contains { $0.id == distribution } == false)
        #expect(try await rig.s3.bucketExists(rig.bucket) == false)
    }

    @Test func aGivenBuildCommandAndOutputFolderAreUsed() async throws {
        let rig = try Rig()
        let input = DeployLocalInput(
            path: rig.site.path, buildCommand: "mkdir -p generated && echo '<h1>built</h1>' > generated/index.html", outputFolder: "generated")
        let outcome = try await rig.service.deploy(input, to: .s3CloudFront)
        let release = Self.release(outcome)
        #expect(try await rig.s3.listObjects(rig.bucket).map(\.key) == ["\(release)/index.html"])

        let outside = DeployLocalInput(path: rig.site.path, outputFolder: "../elsewhere")
        let error = try await #require(throws: DeployError.self) { try await rig.service.deploy(outside, to: .s3CloudFront) }
        #expect(error.message.contains("not a folder inside"))
    }

    @Test func aFailedBuildIsReportedFromItsLogAndNothingIsMade() async throws {
        let rig = try Rig()
        try Data(#"{"name":"site","scripts":{"build":"echo 'Error: Cannot find module vite-plugin-missing' >&2; exit 3"},"devDependencies":{"vite":"5"}}"#.utf8)
            .write(to: rig.site.appendingPathComponent("package.json"))
        let error = try await #require(throws: DeployError.self) { try await rig.deploy() }
        #expect(error.code == .build)
        #expect(error.step == "build site")
        #expect(error.message.contains("exited with"))
        #expect(try await rig.ledger.allDeployments(limit: nil).first?.status == .failed)
        #expect(try await rig.s3.bucketExists(rig.bucket) == false)
    }

    @Test func aBucketDeployotronDidNotMakeIsNeverUsed() async throws {
        let rig = try Rig()
        try await rig.s3.createBucket(rig.bucket)
        let error = try await #require(throws: DeployError.self) { try await rig.deploy() }
        #expect(error.message.contains("not made by deployotron"))
        let record = try #require(try await rig.ledger.allDeployments(limit: nil).first)
        #expect(record.status == .failed)
        #expect(try await rig.s3.listObjects(rig.bucket).isEmpty)
    }

    @Test func missingCredentialsAreOneLineBeforeAnythingIsRecorded() async throws {
        let folder = try TemporaryFolder("static-nocreds")
        let ledger = try SQLiteLedger(path: folder.url.appendingPathComponent("ledger.sqlite").path)
        let site = try folder.project("site", ["index.html": "<h1>hi</h1>"])
        let environment = ["HOME": folder.url.path, "AWS_REGION": "us-east-1"]
        let target = S3CloudFrontTarget(
            clients: { (try S3Client.fromEnvironment(environment: environment), try CloudFrontClient.fromEnvironment(environment: environment)) },
            workRoot: folder.url)
        let service = DeployService(store: ledger, target: target, projects: { _ in DeployProject(guid: "g", name: "site") }, git: nil)
        let error = try await #require(throws: DeployError.self) { try await service.deploy(DeployLocalInput(path: site.path), to: .s3CloudFront) }
        #expect(error.code == .preflight)
        #expect(!error.message.contains("\n"))
        #expect(error.message.contains("AWS_ACCESS_KEY_ID") || error.message.lowercased().contains("credentials"))
        #expect(try await ledger.allDeployments(limit: nil).isEmpty)
    }

    @Test func fingerprintedNamesAndContentTypes() {
        func file(_ path: String) -> SiteFile { SiteFile(path: path, url: URL(fileURLWithPath: "/x"), size: 1) }
        #expect(file("assets/index-B2xk9Qe1.css").isFingerprinted)
        #expect(file("static/js/main.3f9a1c2e.js").isFingerprinted)
        #expect(!file("assets/component.js").isFingerprinted)
        #expect(!file("index.html").isFingerprinted)
        #expect(!file("favicon.ico").isFingerprinted)
        #expect(file("logo.svg").contentType == "image/svg+xml; charset=utf-8")
        #expect(file("font.woff2").contentType == "font/woff2")
        #expect(file("data.unknownext").contentType == "application/octet-stream")
    }
}

/// What moto cannot show: an invalidation that never completes, and throttling, from a scripted server.
@Suite struct S3CloudFrontScriptedTests {
    static func target(endpoint: String, folder: TemporaryFolder, clock: InstantClock) throws -> S3CloudFrontTarget {
        let environment = [
            "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "AWS_REGION": "us-east-1", "HOME": folder.url.path,
        ]
        let s3 = try S3Client.fromEnvironment(environment: environment)
        let cloudFront = try CloudFrontClient.fromEnvironment(environment: environment)
        return S3CloudFrontTarget(clients: { (s3, cloudFront) }, workRoot: folder.url, clock: clock, invalidationWait: .seconds(30), pollInterval: .seconds(5))
    }

    static func state(folder: TemporaryFolder) -> DeployState {
        var state = DeployState(
            deployment: DeploymentRecord(id: "0b1c2d3e-0000-4000-8000-000000000000", projectId: "guid-1", name: "site", target: .s3CloudFront, status: .inProgress, startedAt: Date()),
            appFolder: folder.url, stack: nil, databases: [], environment: [:], build: true, previous: nil)
        state.targetNotes["distributionId"] = "E2EXAMPLE"
        state.targetNotes["changedPaths"] = "index.html"
        return state
    }

    @Test func anInvalidationThatNeverCompletesEndsTheWaitAtItsBound() async throws {
        let folder = try TemporaryFolder("invalidation")
        let clock = InstantClock()
        let created = ScriptedServer.Reply(status: 201, body: "<Invalidation><Id>I2NEVER</Id><Status>InProgress</Status></Invalidation>")
        let pending = ScriptedServer.Reply(status: 200, body: "<Invalidation><Id>I2NEVER</Id><Status>InProgress</Status></Invalidation>")
        try await ScriptedServer.with([created] + Array(repeating: pending, count: 20)) { server, url in
            let target = try Self.target(endpoint: url, folder: folder, clock: clock)
            var state = Self.state(folder: folder)
            let messages = ProgressLog()
            let reporter = StepReporter { message, fraction in
                messages.handler(DeployProgress(step: "invalidate", stepIndex: 1, stepCount: 1, stepWeight: 1, fraction: fraction ?? 0, phase: .running, message: message))
            }
            try await target.invalidate(&state, reporter)
            #expect(state.targetNotes["propagating"] == "I2NEVER")
            #expect(messages.all.last?.message.contains("propagation continues") == true)
            // Bounded: 30 s of waiting in 5 s polls is 6 sleeps and 7 looks, never more.
            #expect(clock.sleepCount == 6)
            let received = await server.received
            #expect(received.count == 8)
            #expect(received.first?.body.contains("<Path>/index.html</Path>") == true)
            #expect(received.first?.body.contains("<Path>/</Path>") == true)
        }
    }

    @Test func aBucketNameTakenByAnotherAccountSaysToPickAnother() async throws {
        let folder = try TemporaryFolder("taken")
        // HeadBucket on a bucket of another account answers 403; CreateBucket of a taken name, 409.
        let forbidden = ScriptedServer.Reply(status: 403, body: "")
        let missing = ScriptedServer.Reply(status: 404, body: "")
        let taken = ScriptedServer.Reply(status: 409, body: "<Error><Code>BucketAlreadyExists</Code><Message>The requested bucket name is not available.</Message></Error>")
        for replies in [[forbidden], [missing, taken]] {
            try await ScriptedServer.with(replies) { _, url in
                let target = try Self.target(endpoint: url, folder: folder, clock: InstantClock())
                var state = Self.state(folder: folder)
                let error = try await #require(throws: DeployError.self) { try await target.prepareBucket(&state, StepReporter { _, _ in }) }
                #expect(error.message.contains("another AWS account"))
                #expect(error.message.contains("DEPLOYOTRON_BUCKET_PREFIX"))
                #expect(state.targetNotes["createdBucket"] == nil)
            }
        }
    }

    @Test func anExpiredSessionTokenSaysToRefreshIt() async throws {
        let folder = try TemporaryFolder("expired")
        let expired = ScriptedServer.Reply(status: 400, body: "<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>")
        try await ScriptedServer.with([expired]) { _, url in
            let target = try Self.target(endpoint: url, folder: folder, clock: InstantClock())
            let error = try await #require(throws: DeployError.self) {
                _ = try await target.aws("uploading the release") { try await target.clients().s3.putObject(bucket: "b", key: "k", body: [1]) }
            }
            #expect(error.message.contains("expired"))
            #expect(error.message.contains("refresh"))
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func throttlingIsRetriedAndAccessDeniedIsOneLineSayingWhatToDo() async throws {
        let folder = try TemporaryFolder("throttle")
        let throttled = ScriptedServer.Reply(status: 400, body: "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>")
        let created = ScriptedServer.Reply(status: 201, body: "<Invalidation><Id>I2DONE</Id><Status>InProgress</Status></Invalidation>")
        let done = ScriptedServer.Reply(status: 200, body: "<Invalidation><Id>I2DONE</Id><Status>Completed</Status></Invalidation>")
        try await ScriptedServer.with([throttled, created, done]) { server, url in
            let target = try Self.target(endpoint: url, folder: folder, clock: InstantClock())
            var state = Self.state(folder: folder)
            try await target.invalidate(&state, StepReporter { _, _ in })
            #expect(state.targetNotes["propagating"] == nil)
            #expect(await server.received.count == 3)
        }
        let denied = ScriptedServer.Reply(status: 403, body: "<Error><Code>AccessDenied</Code><Message>User is not authorized to perform: s3:PutObject</Message></Error>")
        try await ScriptedServer.with([denied]) { _, url in
            let target = try Self.target(endpoint: url, folder: folder, clock: InstantClock())
            let error = try await #require(throws: DeployError.self) {
                _ = try await target.aws("uploading the release") { try await target.clients().s3.putObject(bucket: "b", key: "k", body: [1]) }
            }
            #expect(error.code == .aws)
            #expect(error.message.contains("access denied"))
            #expect(!error.message.contains("\n"))
            #expect(!error.message.contains("wJalrXUtnFEMI"))
        }
    }
}
