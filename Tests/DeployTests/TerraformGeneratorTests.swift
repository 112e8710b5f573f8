import Foundation
import Testing
import TestSupport
@testable import Deploy

/// The Terraform files, parsed with python-hcl2 and checked structurally; `terraform fmt -check`
/// and (with an AWS provider in a local plugin folder) `terraform validate` run where they can.
@Suite(.enabled(if: TerraformTools.hcl2Available, "needs python3 with python-hcl2: pip install python-hcl2 (scripts/setup.sh --test)"))
struct TerraformGeneratorTests {
    let options = TerraformGenerator.Options(region: "eu-west-1", projectGuid: "7f3c2a1e-5b6d-4c8e-9a0f-123456789abc", appName: "shop", port: 8080, size: FargateSize(cpu: 512, memory: 1024))

    @Test func ecsDescribesTheSameInfrastructureAsTheDeploy() throws {
        let parsed = try TerraformTools.parse(TerraformGenerator().files(for: .ecs, options: options))
        let resources = TerraformTools.names(parsed.main, "resource")
        for required in [
            "aws_ecr_repository.app", "aws_ecr_lifecycle_policy.app", "aws_cloudwatch_log_group.app", "aws_iam_role.execution",
            "aws_iam_role_policy_attachment.execution", "aws_ecs_cluster.app", "aws_security_group.app",
            "aws_vpc_security_group_ingress_rule.app_port", "aws_ecs_task_definition.app", "aws_ecs_service.app",
        ] {
            #expect(resources.contains(required), "missing \(required)")
        }
        #expect(TerraformTools.names(parsed.main, "data").isSuperset(of: ["aws_vpc.default", "aws_subnets.default"]))
        #expect(!resources.contains { $0.hasPrefix("aws_vpc.") || $0.hasPrefix("aws_subnet.") })

        let service = try #require(TerraformTools.block(parsed.main, "resource", "aws_ecs_service", "app"))
        let breaker = try #require((service["deployment_circuit_breaker"] as? [[String: Any]])?.first)
        #expect(breaker["enable"] as? Bool == true && breaker["rollback"] as? Bool == true)
        #expect(TerraformTools.text(service["launch_type"]) == "FARGATE")
        let repository = try #require(TerraformTools.block(parsed.main, "resource", "aws_ecr_repository", "app"))
        #expect(TerraformTools.text(repository["image_tag_mutability"]) == "IMMUTABLE")
        let ingress = try #require(TerraformTools.block(parsed.main, "resource", "aws_vpc_security_group_ingress_rule", "app_port"))
        #expect(TerraformTools.text(ingress["from_port"]) == "${var.container_port}" && TerraformTools.text(ingress["to_port"]) == "${var.container_port}")

        #expect(TerraformTools.variableDefault(parsed.variables, "container_port") as? Int == 8080)
        #expect(TerraformTools.variableDefault(parsed.variables, "cpu") as? Int == 512)
        #expect(TerraformTools.text(TerraformTools.variableDefault(parsed.variables, "project_guid")) == options.projectGuid)
        #expect(TerraformTools.variableDefault(parsed.variables, "secrets") as? [String: Any] != nil)
        #expect(TerraformTools.names(parsed.outputs, "output").isSuperset(of: ["ecr_repository_url", "ecs_service", "log_group", "url"]))

        // The load balancer is there only when asked for.
        #expect(resources.isSuperset(of: ["aws_lb.app", "aws_lb_target_group.app", "aws_lb_listener.http"]))
        #expect(TerraformTools.variableDefault(parsed.variables, "load_balancer") as? Bool == false)
        let balancer = try #require(TerraformTools.block(parsed.main, "resource", "aws_lb", "app"))
        #expect(TerraformTools.text(balancer["count"]) == "${var.load_balancer ? 1 : 0}")
    }

    @Test func staticSiteKeepsTheBucketPrivateBehindCloudFront() throws {
        let parsed = try TerraformTools.parse(TerraformGenerator().files(for: .s3CloudFront, options: options))
        let resources = TerraformTools.names(parsed.main, "resource")
        #expect(resources.isSuperset(of: [
            "aws_s3_bucket.site", "aws_s3_bucket_public_access_block.site", "aws_cloudfront_origin_access_control.site",
            "aws_cloudfront_distribution.site", "aws_s3_bucket_policy.site",
        ]))
        let block = try #require(TerraformTools.block(parsed.main, "resource", "aws_s3_bucket_public_access_block", "site"))
        #expect(["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].allSatisfy { block[$0] as? Bool == true })
        #expect(TerraformTools.text(TerraformTools.variableDefault(parsed.variables, "bucket_name")) == "shop-7f3c2a1e")
        #expect(TerraformTools.names(parsed.outputs, "output").contains("url"))
    }

    @Test func valuesAreQuotedSoTheyCannotInterpolate() throws {
        #expect(TerraformGenerator.quote(#"a"b\c ${x} %{y}"#) == #""a\"b\\c $${x} %%{y}""#)
        var odd = options
        odd.appName = #"we"ird ${app}"#
        let parsed = try TerraformTools.parse(TerraformGenerator().files(for: .ecs, options: odd))
        // The parser hands back the literal as written: escaped, never interpolated.
        let literal = try #require(TerraformTools.variableDefault(parsed.variables, "app_name") as? String)
        #expect(literal == #""we\"ird $${app}""# || literal == #"we"ird $${app}"#)
    }

    @Test func noSecretsAndTerraformToolsWhereAvailable() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for target in TerraformGenerator.Target.allCases {
            let files = TerraformGenerator().files(for: target, options: options)
            let text = files.map(\.contents).joined()
            #expect(!text.contains("AKIA") && !text.lowercased().contains("password") && !text.contains("secret_access_key"))
            let directory = folder.appendingPathComponent(target.rawValue)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for file in files { try file.contents.write(to: directory.appendingPathComponent(file.path), atomically: true, encoding: .utf8) }
            let ran = try await TerraformTools.check(directory)
            // Says which checks ran on this machine: hcl2 always, fmt and validate when terraform and a provider are here.
            print("terraform checks for \(target.rawValue): \(ran.isEmpty ? "python-hcl2 only (no terraform on PATH)" : ran.joined(separator: ", "))")
        }
    }
}

/// python-hcl2 and terraform, run as processes.
enum TerraformTools {
    static let hcl2Available: Bool = (try? python("import hcl2", input: "")) != nil

    struct Parsed {
        var main: [String: Any]
        var variables: [String: Any]
        var outputs: [String: Any]
    }

    static func parse(_ files: [GeneratedFile]) throws -> Parsed {
        func one(_ name: String) throws -> [String: Any] {
            let text = try #require(files.first { $0.path == name }).contents
            let json = try python("import hcl2, json, sys; print(json.dumps(hcl2.loads(sys.stdin.read())))", input: text)
            return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        }
        return Parsed(main: try one("main.tf"), variables: try one("variables.tf"), outputs: try one("outputs.tf"))
    }

    /// `type.name` of every block of `kind` (resource, data: two labels; output, variable: one).
    static func names(_ document: [String: Any], _ kind: String) -> Set<String> {
        var names = Set<String>()
        for entry in document[kind] as? [[String: Any]] ?? [] {
            for (type, value) in entry {
                let type = unquote(type)
                if let inner = value as? [String: Any], kind == "resource" || kind == "data" {
                    for name in inner.keys { names.insert("\(type).\(unquote(name))") }
                } else {
                    names.insert(type)
                }
            }
        }
        return names
    }

    static func block(_ document: [String: Any], _ kind: String, _ type: String, _ name: String) -> [String: Any]? {
        for entry in document[kind] as? [[String: Any]] ?? [] {
            for (key, value) in entry where unquote(key) == type {
                for (inner, body) in value as? [String: Any] ?? [:] where unquote(inner) == name { return body as? [String: Any] }
            }
        }
        return nil
    }

    static func variableDefault(_ document: [String: Any], _ name: String) -> Any? {
        for entry in document["variable"] as? [[String: Any]] ?? [] {
            for (key, value) in entry where unquote(key) == name { return (value as? [String: Any])?["default"] }
        }
        return nil
    }

    /// A string value without the quotes some python-hcl2 versions keep.
    static func text(_ value: Any?) -> String? {
        (value as? String).map(unquote)
    }

    /// python-hcl2 keeps the quotes of labels.
    static func unquote(_ text: String) -> String {
        text.hasPrefix("\"") && text.hasSuffix("\"") && text.count >= 2 ? String(text.dropFirst().dropLast()) : text
    }

    /// Runs `terraform fmt -check`, then `init -backend=false -plugin-dir` and `validate` when a
    /// provider folder is known (TF_PLUGIN_DIR, or /opt/tf-plugins); returns the checks that ran.
    static func check(_ directory: URL) async throws -> [String] {
        guard let terraform = which("terraform") else { return [] }
        var ran: [String] = []
        let fmt = try await run(terraform, ["fmt", "-check", "-diff", "."], in: directory)
        #expect(fmt.status == 0, "terraform fmt -check: \(fmt.output)")
        ran.append("terraform fmt -check")
        let plugins = ProcessInfo.processInfo.environment["TF_PLUGIN_DIR"] ?? "/opt/tf-plugins"
        guard FileManager.default.fileExists(atPath: plugins) else { return ran }
        let initialised = try await run(terraform, ["init", "-backend=false", "-input=false", "-plugin-dir=\(plugins)"], in: directory)
        guard initialised.status == 0 else { return ran + ["terraform init failed, validate skipped"] }
        let validate = try await run(terraform, ["validate", "-json"], in: directory)
        #expect(validate.status == 0 && validate.output.contains("\"valid\": true"), "terraform validate: \(validate.output)")
        return ran + ["terraform validate"]
    }

    static func which(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static func python(_ code: String, input: String) throws -> String {
        guard let python = which("python3") else { throw CocoaError(.fileNoSuchFile) }
        let result = try runBlocking(python, ["-c", code], input: input)
        guard result.status == 0 else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: result.output]) }
        return result.output
    }

    /// `runBlocking` on a thread of its own: terraform init and validate take many seconds.
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil, input: String = "") async throws -> (status: Int32, output: String) {
        try await OwnThread.run { try runBlocking(executable, arguments, in: directory, input: input) }
    }

    static func runBlocking(_ executable: String, _ arguments: [String], in directory: URL? = nil, input: String = "") throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var environment = ProcessInfo.processInfo.environment
        environment["TF_IN_AUTOMATION"] = "1"
        environment["CHECKPOINT_DISABLE"] = "1"
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
