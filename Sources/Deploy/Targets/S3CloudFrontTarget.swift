import AWS
import Foundation
import JSON
import Ledger
import Locations
import Synchronization

/// Deploys a static site to a private S3 bucket behind CloudFront.
///
/// The bucket (`<prefix><guid>`, public access blocked, owner-enforced, tagged) is read only by the
/// project's distribution, through an origin access control and a bucket policy naming that
/// distribution. Each deployment's files go to their own prefix (`release-<id8>/`); the
/// distribution's origin path points at the live one, so a rollback only switches the origin path
/// back and invalidates. Files unchanged since the previous release are copied inside S3 rather
/// than uploaded again. Everything it makes is named with the project's guid and tagged, and
/// teardown touches nothing else.
public struct S3CloudFrontTarget: DeployTarget {
    /// Makes the S3 and CloudFront clients; fails with what to set when credentials or region are missing.
    public var clients: @Sendable () throws -> (s3: S3Client, cloudFront: CloudFrontClient)
    /// Bucket names are this prefix and the project's guid (seed 003's naming by default).
    public var bucketPrefix: String
    /// Runs the site's build command.
    public var runner: ProcessRunner
    /// Where each deployment's plan is kept, for rollbacks.
    public var workRoot: URL
    public var clock: any Clock<Duration>
    /// How long a deploy waits for its invalidation before saying that propagation continues.
    public var invalidationWait: Duration
    public var pollInterval: Duration
    /// Files larger than this are sent as multipart uploads.
    public var multipartThreshold: Int
    /// Uploads in flight at once.
    public var concurrentUploads: Int

    public init(
        clients: @escaping @Sendable () throws -> (s3: S3Client, cloudFront: CloudFrontClient),
        bucketPrefix: String = "tmux-builder-", runner: ProcessRunner = ProcessRunner(), workRoot: URL,
        clock: any Clock<Duration> = ContinuousClock(), invalidationWait: Duration = .seconds(90), pollInterval: Duration = .seconds(5),
        multipartThreshold: Int = 16 << 20, concurrentUploads: Int = 8
    ) {
        self.clients = clients
        self.bucketPrefix = bucketPrefix
        self.runner = runner
        self.workRoot = workRoot
        self.clock = clock
        self.invalidationWait = invalidationWait
        self.pollInterval = pollInterval
        self.multipartThreshold = multipartThreshold
        self.concurrentUploads = concurrentUploads
    }

    /// The environment variable that sets the bucket prefix.
    public static let bucketPrefixVariable = "DEPLOYOTRON_BUCKET_PREFIX"

    /// The target over the AWS credential chain and endpoints the environment names.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> S3CloudFrontTarget {
        S3CloudFrontTarget(
            clients: {
                (try S3Client.fromEnvironment(environment: environment), try CloudFrontClient.fromEnvironment(environment: environment))
            },
            bucketPrefix: environment[bucketPrefixVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "tmux-builder-",
            runner: ProcessRunner(environment: environment),
            workRoot: UserDirectories(environment: environment).state.appendingPathComponent("deployments", isDirectory: true))
    }

    public var kind: DeployTargetKind { .s3CloudFront }
    public var usesHostPort: Bool { false }

    // MARK: - Names

    public func bucket(guid: String) -> String {
        (bucketPrefix + guid).lowercased()
    }

    /// What names and tags a site's bucket, distribution and access control: the project's guid in
    /// production, `<guid>-<environment>` in another environment.
    static func siteKey(guid: String, environment: String) -> String {
        environment == DeploymentRecord.defaultEnvironment ? guid : "\(guid)-\(environment)"
    }

    static func siteKey(_ project: DeployProject) -> String { siteKey(guid: project.guid, environment: project.environment) }

    static func siteKey(_ deployment: DeploymentRecord) -> String { siteKey(guid: deployment.projectId, environment: deployment.environmentName) }

    /// `release-<id8>`. Listings ask for this prefix without a trailing slash: release names have one
    /// length, so it is unambiguous, and stand-ins that check signatures (moto) refuse an encoded
    /// slash in a query.
    static func release(_ deploymentId: String) -> String {
        "release-" + String(deploymentId.replacingOccurrences(of: "-", with: "").prefix(8).lowercased())
    }

    /// `s3://<bucket>/release-<id8>`: the deployment's artifact.
    public func artifactName(project: DeployProject, deploymentId: String) -> String {
        "s3://\(bucket(guid: Self.siteKey(project)))/\(Self.release(deploymentId))"
    }

    /// The bucket and the release prefix of an artifact name.
    static func parse(_ artifact: String) -> (bucket: String, release: String)? {
        guard artifact.hasPrefix("s3://") else { return nil }
        let rest = artifact.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        return (String(rest[..<slash]), String(rest[rest.index(after: slash)...]))
    }

    static func comment(guid: String) -> String { "deployotron \(guid)" }

    /// The project's distribution: the one serving `knownURL` (a deployment's recorded URL), else the
    /// one whose comment names the guid (read from its configuration where a listing leaves it out).
    func findDistribution(guid: String, knownURL: String?, cloudFront: CloudFrontClient) async throws -> CloudFrontClient.Distribution? {
        let all = try await aws("looking up the distribution") { try await cloudFront.distributions() }
        if let domain = knownURL.flatMap({ URL(string: $0)?.host }), let match = all.first(where: { $0.domainName == domain }) {
            return match
        }
        for candidate in all {
            if candidate.comment == Self.comment(guid: guid) { return candidate }
            if candidate.comment.isEmpty {
                let config = try await aws("reading \(candidate.id)") { try await cloudFront.configComment(id: candidate.id) }
                if config == Self.comment(guid: guid) { return candidate }
            }
        }
        return nil
    }

    /// Frameworks whose client-side router answers every path from `index.html`.
    static func isSinglePageApp(_ stack: DetectedStack) -> Bool {
        let framework = (stack.framework ?? "").lowercased()
        return ["react", "vue", "svelte", "angular", "vite", "solid", "preact", "spa"].contains { framework.contains($0) }
    }
    static func accessControlName(guid: String) -> String { String("deployotron-\(guid)".prefix(64)) }

    func tags(guid: String) -> [String: String] {
        ["deployotron:project": guid, "deployotron:managed": "true"]
    }

    func planURL(of deployment: DeploymentRecord) -> URL {
        workRoot.appendingPathComponent("site-" + LocalDockerTarget.stem(name: deployment.name, guid: deployment.projectId), isDirectory: true)
            .appendingPathComponent(String(deployment.id.prefix(8)), isDirectory: true).appendingPathComponent("deployment.json")
    }

    /// Turns the clients' failures into one line saying what to do.
    func aws<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AWSError {
            throw DeployError(Self.code(error), Self.explain(error, what: what))
        }
    }

    static func code(_ error: AWSError) -> DeployError.Code {
        switch error.kind {
        case .missingCredentials, .invalidConfiguration: .preflight
        default: .aws
        }
    }

    static func explain(_ error: AWSError, what: String) -> String {
        switch (error.status, error.type) {
        case (_, "ExpiredToken"?), (_, "ExpiredTokenException"?), (_, "RequestExpired"?):
            return "\(what): the AWS session token has expired; refresh your credentials (aws sso login, or new AWS_SESSION_TOKEN) and deploy again"
        case (403, _), (_, "AccessDenied"?):
            return "\(what): access denied by AWS (\(error.message)); the credentials need S3 and CloudFront permissions for this bucket and distribution"
        default:
            return "\(what): \(error)"
        }
    }

    // MARK: - Before anything starts

    public func preflight(_ request: DeployRequest) async throws {
        do {
            _ = try clients()
        } catch let error as AWSError {
            // `?region=` belongs to a DynamoDB store's address, not to a deploy.
            throw DeployError(.preflight, "AWS is not set up: " + error.message.replacingOccurrences(of: ", or pass ?region=", with: ""))
        }
        guard bucket(guid: Self.siteKey(request.project)).utf8.count <= 63 else {
            throw DeployError(.preflight, "the bucket name \(bucket(guid: Self.siteKey(request.project))) is longer than S3's 63 characters; set a shorter \(Self.bucketPrefixVariable)")
        }
    }

    public func rollbackPlan(of chosen: DeploymentRecord) async throws -> DeploymentPlan {
        let url = planURL(of: chosen)
        guard let data = try? Data(contentsOf: url), let plan = try? JSONDecoder().decode(DeploymentPlan.self, from: data) else {
            throw DeployError(.notFound, "the plan of deployment \(chosen.id) is gone (\(url.path)); deploy that version again instead")
        }
        return plan
    }

    public func artifactExists(_ artifact: String) async throws -> Bool {
        guard let (bucket, release) = Self.parse(artifact) else { return false }
        let s3 = try clients().s3
        return try await aws("checking \(artifact)") { !(try await s3.listObjects(bucket, prefix: release)).isEmpty }
    }

    // MARK: - Steps

    public func deploySteps() -> [DeployStep<DeployState>] {
        let target = self
        return [
            DeployStep("build site", weight: 25) { state, report in try await target.buildSite(&state, report) },
            DeployStep("prepare bucket", weight: 5) { state, report in try await target.prepareBucket(&state, report) },
            DeployStep("upload release", weight: 40) { state, report in try await target.upload(&state, report) },
            DeployStep("switch distribution", weight: 20) { state, report in try await target.switchDistribution(&state, report) },
            DeployStep("invalidate", weight: 10) { state, report in try await target.invalidate(&state, report) },
        ]
    }

    func buildSite(_ state: inout DeployState, _ report: StepReporter) async throws {
        let stack = try state.requireStack()
        guard state.build else {
            report("skipped: the release exists")
            return
        }
        if let command = state.targetNotes["buildCommand"] ?? stack.buildCommand {
            report("running \(command)")
            let output = try await runner.run("sh", ["-c", command], workingDirectory: state.appFolder, timeout: .seconds(1800)) { line in report(line) }
            state.logLines += output.lastLines(30)
            guard output.exitCode == 0 else {
                throw DeployError(.build, "the build (\(command)) exited with \(output.exitCode):\n" + BuildFailure.explain(output))
            }
        }
        let folder: URL
        if let given = state.targetNotes["outputFolder"] {
            folder = URL(fileURLWithPath: given, relativeTo: state.appFolder).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue,
                  folder.path.hasPrefix(state.appFolder.standardizedFileURL.path) else {
                throw DeployError(.invalidInput, "the output folder \(given) is not a folder inside \(state.appFolder.path); give the folder the build writes the site to")
            }
        } else if let found = SiteFile.outputFolder(in: state.appFolder) {
            folder = found
        } else {
            throw DeployError(.noStack, "no built site found in \(state.appFolder.path): none of dist, build, out, public, .output/public or the folder itself holds an index.html; name it with --out")
        }
        state.targetNotes["siteFolder"] = folder.path
        let plan = DeploymentPlan(deploymentId: state.deployment.id, stack: stack, databases: [], environment: [:], appFolder: state.appFolder.path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try PrivateFile.write(try encoder.encode(plan), to: planURL(of: state.deployment))
        state.filesWritten = true
        report("the site is in \(folder.path)", fraction: 1)
    }

    func prepareBucket(_ state: inout DeployState, _ report: StepReporter) async throws {
        let guid = Self.siteKey(state.deployment)
        let bucket = bucket(guid: guid)
        let s3 = try clients().s3
        let takenElsewhere = DeployError(.aws, "the bucket \(bucket) already exists in another AWS account (or these credentials may not read it); S3 bucket names are global, so set \(Self.bucketPrefixVariable) to pick another name")
        try await aws("preparing the bucket \(bucket)") {
            let exists: Bool
            do {
                exists = try await s3.bucketExists(bucket)
            } catch let error as AWSError where error.status == 403 {
                throw takenElsewhere
            }
            if exists {
                let tags = try await s3.bucketTags(bucket)
                guard tags["deployotron:project"] == guid else {
                    throw DeployError(.invalidState, "the bucket \(bucket) exists but was not made by deployotron for this project; deployotron never touches it. Set \(Self.bucketPrefixVariable) to use another name")
                }
                report("\(bucket) exists")
            } else {
                do {
                    try await s3.createBucket(bucket)
                } catch let error as AWSError where error.type == "BucketAlreadyExists" {
                    throw takenElsewhere
                }
                state.targetNotes["createdBucket"] = bucket
                try await s3.tagBucket(bucket, tags: tags(guid: guid))
                report("created \(bucket)")
            }
            try await s3.blockPublicAccess(bucket)
            try await s3.enforceBucketOwner(bucket)
        }
    }

    func upload(_ state: inout DeployState, _ report: StepReporter) async throws {
        guard state.build, let folder = state.targetNotes["siteFolder"], let artifact = state.deployment.imageTag,
              let (bucket, release) = Self.parse(artifact) else {
            report("skipped: nothing to upload")
            return
        }
        let s3 = try clients().s3
        let files = try SiteFile.list(in: URL(fileURLWithPath: folder, isDirectory: true))
        // What the previous release holds, by path, to copy what did not change.
        var previous: [String: S3Client.Object] = [:]
        if let earlier = state.previous?.imageTag.flatMap(Self.parse), earlier.bucket == bucket {
            let objects = try await aws("listing the previous release") { try await s3.listObjects(bucket, prefix: earlier.release) }
            for object in objects { previous[String(object.key.dropFirst(earlier.release.count + 1))] = object }
            state.targetNotes["previousRelease"] = earlier.release
        }
        state.targetNotes["uploadedRelease"] = release
        let previousRelease = state.targetNotes["previousRelease"]
        let earlier = previous
        let threshold = multipartThreshold
        let total = max(1, files.count)
        let width = max(1, concurrentUploads)
        var changed: [String] = []
        do {
            try await withThrowingTaskGroup(of: String?.self) { group in
                var next = 0
                var finished = 0
                while finished < files.count {
                    while next < files.count, next - finished < width {
                        let file = files[next]
                        next += 1
                        group.addTask {
                            let key = release + "/" + file.path
                            if let old = earlier[file.path], let source = previousRelease, old.etag == (try file.md5()) {
                                try await s3.copyObject(bucket: bucket, from: source + "/" + file.path, to: key, contentType: file.contentType, cacheControl: file.cacheControl)
                                return nil
                            }
                            let body = Array(try Data(contentsOf: file.url))
                            if body.count > threshold {
                                try await s3.putObjectInParts(bucket: bucket, key: key, body: body, contentType: file.contentType, cacheControl: file.cacheControl)
                            } else {
                                try await s3.putObject(bucket: bucket, key: key, body: body, contentType: file.contentType, cacheControl: file.cacheControl)
                            }
                            return file.path
                        }
                    }
                    guard let result = try await group.next() else { break }
                    if let path = result { changed.append(path) }
                    finished += 1
                    if finished % 50 == 0 || finished == files.count {
                        report("\(finished)/\(files.count) files", fraction: Double(finished) / Double(total))
                    }
                }
            }
        } catch let error as AWSError {
            throw DeployError(Self.code(error), Self.explain(error, what: "uploading the release"))
        }
        let removed = Set(previous.keys).subtracting(files.map(\.path))
        state.targetNotes["changedPaths"] = (changed + removed).sorted().joined(separator: "\n")
        state.targetNotes["uploaded"] = String(changed.count)
        state.targetNotes["copied"] = String(files.count - changed.count)
        report("uploaded \(changed.count), copied \(files.count - changed.count) unchanged", fraction: 1)
    }

    /// The project's distribution configuration. An empty caller reference keeps the distribution's own
    /// on update (`CloudFrontClient.updateDistribution` reads it back).
    func siteConfig(guid: String, region: String, originPath: String, accessControl: String, singlePage: Bool, enabled: Bool = true) -> CloudFrontClient.SiteConfig {
        CloudFrontClient.SiteConfig(
            callerReference: "", comment: Self.comment(guid: guid), originDomain: "\(bucket(guid: guid)).s3.\(region).amazonaws.com",
            originPath: originPath, originAccessControlId: accessControl, singlePageApp: singlePage, enabled: enabled)
    }

    /// The id of the project's origin access control, made when missing.
    func accessControlId(guid: String, cloudFront: CloudFrontClient) async throws -> String {
        try await cloudFront.ensureOriginAccessControl(name: Self.accessControlName(guid: guid), description: "deployotron: S3 access for project \(guid)")
    }

    func switchDistribution(_ state: inout DeployState, _ report: StepReporter) async throws {
        guard let artifact = state.deployment.imageTag, let (bucket, release) = Self.parse(artifact) else {
            throw DeployError(.invalidState, "deployment \(state.deployment.id) has no release")
        }
        let guid = Self.siteKey(state.deployment)
        let (s3, cloudFront) = try clients()
        let region = s3.transport.region
        let singlePage = Self.isSinglePageApp(try state.requireStack())
        state.targetNotes["singlePage"] = singlePage ? "true" : "false"
        let accessControl = try await aws("creating the origin access control") { try await accessControlId(guid: guid, cloudFront: cloudFront) }
        var config = siteConfig(guid: guid, region: region, originPath: "/" + release, accessControl: accessControl, singlePage: singlePage)
        config.callerReference = "deployotron-\(guid)"
        let existing = try await findDistribution(guid: guid, knownURL: state.previous?.url, cloudFront: cloudFront)
        let distribution: CloudFrontClient.Distribution
        if let existing {
            state.targetNotes["previousOriginPath"] = state.previous?.imageTag.flatMap(Self.parse).map { "/" + $0.release } ?? ""
            config.callerReference = ""
            distribution = try await aws("switching the distribution to \(release)") { try await cloudFront.updateDistribution(id: existing.id, config: config) }
            report("\(existing.id) now serves \(release)")
        } else {
            distribution = try await aws("creating the distribution") { try await cloudFront.createDistribution(config, tags: tags(guid: guid)) }
            state.targetNotes["createdDistribution"] = distribution.id
            report("created \(distribution.id) (\(distribution.domainName))")
        }
        state.targetNotes["distributionId"] = distribution.id
        state.targetNotes["distributionDomain"] = distribution.domainName
        state.targetNotes["region"] = region
        state.targetNotes["switched"] = "true"
        state.deployment.url = "https://\(distribution.domainName)"
        // Only this distribution may read the bucket.
        let policy: JSONValue = [
            "Version": "2012-10-17",
            "Statement": [[
                "Sid": "deployotron-cloudfront-read",
                "Effect": "Allow",
                "Principal": ["Service": "cloudfront.amazonaws.com"],
                "Action": "s3:GetObject",
                "Resource": .string("arn:aws:s3:::\(bucket)/*"),
                "Condition": ["StringEquals": ["AWS:SourceArn": .string(distribution.arn)]],
            ]],
        ]
        try await aws("setting the bucket policy") { try await s3.putBucketPolicy(bucket, policy: policy.encodedString()) }
    }

    func invalidate(_ state: inout DeployState, _ report: StepReporter) async throws {
        guard let distribution = state.targetNotes["distributionId"] else { return }
        let cloudFront = try clients().cloudFront
        let changed = (state.targetNotes["changedPaths"] ?? "").split(separator: "\n").map { "/" + $0 }
        var paths = state.build && !changed.isEmpty && changed.count <= 15 ? changed : ["/*"]
        if paths != ["/*"], changed.contains("/index.html") { paths.append("/") }
        do {
            let id = try await cloudFront.createInvalidation(distributionId: distribution, paths: paths, callerReference: "deployotron-\(state.deployment.id)")
            var waited: Duration = .zero
            while true {
                let status = try await cloudFront.invalidationStatus(distributionId: distribution, id: id)
                if status.lowercased() == "completed" {
                    report("the new version is live (invalidation \(id) completed)", fraction: 1)
                    return
                }
                guard waited + pollInterval <= invalidationWait else { break }
                try await clock.sleep(for: pollInterval)
                waited += pollInterval
            }
            state.targetNotes["propagating"] = id
            report("propagation continues: invalidation \(id) of \(paths.count == 1 ? paths[0] : "\(paths.count) paths") is still in progress; edge caches pick the new version up within minutes", fraction: 1)
        } catch let error as AWSError {
            // The release is live at the origin; only caches may lag.
            state.targetNotes["propagating"] = "failed"
            report("the invalidation could not be made (\(Self.explain(error, what: "invalidating"))); cached copies expire on their own", fraction: 1)
        }
    }

    // MARK: - Undo and replace

    public func discard(_ state: DeployState) async -> [String] {
        var notes: [String] = []
        guard let (s3, cloudFront) = try? clients() else { return ["AWS could not be reached to undo the attempt"] }
        let guid = Self.siteKey(state.deployment)
        let bucket = bucket(guid: guid)
        if state.targetNotes["switched"] == "true", let distribution = state.targetNotes["distributionId"] {
            if let back = state.targetNotes["previousOriginPath"], !back.isEmpty, let previous = state.previous?.imageTag.flatMap(Self.parse) {
                do {
                    let config = siteConfig(
                        guid: guid, region: s3.transport.region, originPath: back,
                        accessControl: try await accessControlId(guid: guid, cloudFront: cloudFront),
                        singlePage: state.targetNotes["singlePage"] == "true")
                    try await cloudFront.updateDistribution(id: distribution, config: config)
                    notes.append("the distribution \(distribution) serves \(previous.release) again")
                } catch {
                    notes.append("the distribution \(distribution) could not be switched back to \(back) (\(error)); `deployotron rollback` switches it")
                }
            }
        }
        if let release = state.targetNotes["uploadedRelease"] {
            do {
                let keys = try await s3.listObjects(bucket, prefix: release).map(\.key)
                try await s3.deleteObjects(bucket, keys: keys)
            } catch {
                notes.append("the partly uploaded \(release) in \(bucket) could not be deleted (\(error)); it is pruned with old releases")
            }
        }
        if state.filesWritten { try? FileManager.default.removeItem(at: planURL(of: state.deployment).deletingLastPathComponent()) }
        if let created = state.targetNotes["createdBucket"] {
            notes.append("the bucket \(created) it created stays (private, tagged for this project) for the next deploy; `deployotron remove` deletes it")
        }
        if let created = state.targetNotes["createdDistribution"] {
            notes.append("the distribution \(created) it created stays (it serves nothing yet); `deployotron remove` tears it down")
        }
        return notes
    }

    public func retire(_ previous: DeploymentRecord, replacedBy current: DeploymentRecord) async throws {
        // The previous release stays in the bucket for rollbacks until it is pruned.
    }

    // MARK: - Lifecycle

    public func stop(_ deployment: DeploymentRecord) async throws {
        throw DeployError(.invalidState, "a static site on CloudFront cannot be stopped; roll back to another deployment, or remove it")
    }

    public func restart(_ deployment: DeploymentRecord) async throws {
        throw DeployError(.invalidState, "a static site on CloudFront has nothing to restart; deploy or roll back instead")
    }

    /// Deletes the release; for the live deployment, everything deployotron made for the project:
    /// the distribution (disabled, then deleted once CloudFront has propagated that), the bucket's
    /// objects, the bucket, and the origin access control.
    public func remove(_ deployment: DeploymentRecord, live: Bool) async throws {
        let (s3, cloudFront) = try clients()
        let guid = Self.siteKey(deployment)
        let bucket = bucket(guid: guid)
        guard live else {
            if let (_, release) = deployment.imageTag.flatMap(Self.parse) {
                let keys = try await aws("listing \(release)") { try await s3.listObjects(bucket, prefix: release).map(\.key) }
                try await aws("deleting \(release)") { try await s3.deleteObjects(bucket, keys: keys) }
            }
            try? FileManager.default.removeItem(at: planURL(of: deployment).deletingLastPathComponent())
            return
        }
        try await teardown(guid: guid, knownURL: deployment.url, s3: s3, cloudFront: cloudFront)
        try? FileManager.default.removeItem(at: planURL(of: deployment).deletingLastPathComponent().deletingLastPathComponent())
    }

    public func removalPreview(_ deployment: DeploymentRecord, live: Bool) async -> [String] {
        let release = deployment.imageTag.flatMap(Self.parse)?.release ?? "its release"
        guard live else { return ["the files of \(release) in the bucket \(bucket(guid: Self.siteKey(deployment)))"] }
        var parts = ["the S3 bucket \(bucket(guid: Self.siteKey(deployment))) and every release in it"]
        if let cloudFront = try? clients().cloudFront,
           let distribution = try? await findDistribution(guid: Self.siteKey(deployment), knownURL: deployment.url, cloudFront: cloudFront) {
            parts.append("the CloudFront distribution \(distribution.id) (\(distribution.domainName))")
        }
        parts.append("the origin access control \(Self.accessControlName(guid: Self.siteKey(deployment)))")
        return parts
    }

    func teardown(guid: String, knownURL: String?, s3: S3Client, cloudFront: CloudFrontClient) async throws {
        let bucket = bucket(guid: guid)
        if let distribution = try await findDistribution(guid: guid, knownURL: knownURL, cloudFront: cloudFront) {
            var current = try await aws("reading \(distribution.id)") { try await cloudFront.distribution(id: distribution.id) }
            if current.enabled {
                let config = siteConfig(guid: guid, region: s3.transport.region, originPath: "", accessControl: "", singlePage: false, enabled: false)
                try await aws("disabling \(distribution.id)") { try await cloudFront.updateDistribution(id: distribution.id, config: config) }
            }
            var waited: Duration = .zero
            current = try await aws("reading \(distribution.id)") { try await cloudFront.distribution(id: distribution.id) }
            while current.status != "Deployed" {
                guard waited < .seconds(1200) else {
                    throw DeployError(.timeout, "the distribution \(distribution.id) is still disabling after 20 minutes; run `deployotron remove` again later to finish the teardown")
                }
                try await clock.sleep(for: .seconds(15))
                waited += .seconds(15)
                current = try await aws("reading \(distribution.id)") { try await cloudFront.distribution(id: distribution.id) }
            }
            try await aws("deleting \(distribution.id)") { try await cloudFront.deleteDistribution(id: distribution.id) }
        }
        if try await aws("looking up \(bucket)") { try await s3.bucketExists(bucket) } {
            guard try await aws("reading the tags of \(bucket)") { try await s3.bucketTags(bucket) }["deployotron:project"] == guid else {
                throw DeployError(.invalidState, "the bucket \(bucket) was not made by deployotron for this project; it is left alone")
            }
            let keys = try await aws("listing \(bucket)") { try await s3.listObjects(bucket).map(\.key) }
            try await aws("emptying \(bucket)") { try await s3.deleteObjects(bucket, keys: keys) }
            try await aws("deleting \(bucket)") { try await s3.deleteBucket(bucket) }
        }
        if let control = try await aws("looking up the origin access control") { try await cloudFront.originAccessControls().first { $0.name == Self.accessControlName(guid: guid) } } {
            try await aws("deleting the origin access control") { try await cloudFront.deleteOriginAccessControl(id: control.id) }
        }
    }

    public func logs(_ deployment: DeploymentRecord, tail: Int) async throws -> [String] {
        []
    }

    public func runtimeState(_ deployment: DeploymentRecord) async throws -> RuntimeState? {
        let cloudFront = try clients().cloudFront
        guard let distribution = try await findDistribution(guid: Self.siteKey(deployment), knownURL: deployment.url, cloudFront: cloudFront) else { return nil }
        return RuntimeState(status: distribution.status, health: distribution.enabled ? "enabled" : "disabled")
    }

    public func pruneArtifacts(of deployment: DeploymentRecord, keep: Set<String>) async throws -> [String] {
        let bucket = bucket(guid: Self.siteKey(deployment))
        let s3 = try clients().s3
        let objects = try await aws("listing \(bucket)") { try await s3.listObjects(bucket, prefix: "release-") }
        let byRelease = Dictionary(grouping: objects) { String($0.key.prefix { $0 != "/" }) }
        var removed: [String] = []
        for (release, objects) in byRelease.sorted(by: { $0.key < $1.key }) {
            let artifact = "s3://\(bucket)/\(release)"
            guard !keep.contains(artifact) else { continue }
            try await aws("pruning \(release)") { try await s3.deleteObjects(bucket, keys: objects.map(\.key)) }
            removed.append(artifact)
        }
        return removed
    }

    public func resources(of state: DeployState) -> [String: JSONValue] {
        var resources: [String: JSONValue] = ["s3Bucket": .string(bucket(guid: Self.siteKey(state.deployment)))]
        if let id = state.targetNotes["distributionId"] { resources["cloudFrontId"] = .string(id) }
        if let url = state.deployment.url { resources["cloudFrontUrl"] = .string(url) }
        if let region = state.targetNotes["region"] { resources["region"] = .string(region) }
        return resources
    }
}

/// Counts finished uploads from any task.
final class Counter: Sendable {
    private let value = Mutex(0)

    func increment() -> Int { value.withLock { $0 += 1; return $0 } }
}
