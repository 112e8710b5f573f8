import Foundation
import Testing
import Yams
@testable import Deploy

@Suite struct DockerfileGeneratorTests {
    static let compiled: Set<String> = ["go", "rust", "java", "dotnet", "elixir"]

    @Test(arguments: ExampleProject.all)
    func generatedDockerfileIsWellFormed(_ example: ExampleProject) throws {
        let folder = try TemporaryFolder()
        let root = try folder.project(example.name, example.files)
        let stack = try StackDetector().detect(at: root)
        let text = try DockerfileGenerator().dockerfile(for: stack, appFolder: root)
        let document = try DockerfileDocument(parsing: text)
        let final = document.finalStage

        // Official images only: library images, or the vendor's own namespace.
        let allowedNamespaces = ["nginxinc/", "mcr.microsoft.com/dotnet/", "denoland/", "oven/"]
        for stage in document.stages where !document.stages.contains(where: { $0.name == stage.baseImage }) {
            #expect(!stage.baseImage.contains("/") || allowedNamespaces.contains { stage.baseImage.hasPrefix($0) }, "\(stage.baseImage) is not an official image")
            #expect(stage.baseImage.contains(":"), "\(stage.baseImage) has no tag")
        }
        if Self.compiled.contains(stack.language) {
            #expect(document.stages.count >= 2, "\(example.name) should build in a separate stage")
        }
        let user = try #require(document.user, "\(example.name) runs as root")
        #expect(user != "root" && user != "0")
        // The user is set after the last step that needs root.
        let userLine = try #require(final.last("USER")).line
        #expect(final.instructions.filter { $0.keyword == "RUN" }.allSatisfy { $0.line < userLine })
        #expect(document.exposedPorts == [stack.port])
        #expect(final.last("HEALTHCHECK")?.arguments.contains("CMD") == true)
        let env = final.all("ENV").map(\.arguments).joined(separator: " ")
        #expect(env.contains("PORT=\(stack.port)"))
        let cmd = try #require(final.last("CMD")?.execForm, "CMD must use the exec form")
        if stack.language != "static" && StackRule.singlePageFrameworks.contains(stack.framework ?? "") == false {
            #expect(cmd.prefix(2) == ["sh", "-c"])
            #expect(cmd.last?.contains(stack.startCommand ?? "?") == true)
        }

        // Dependencies are installed before the source is copied (in this stage or an earlier one).
        let instructions = document.stages.flatMap(\.instructions)
        if stack.language != "static", !(stack.language == "php" && !example.files.keys.contains("composer.json")) {
            let sourceCopy = try #require(instructions.first { $0.keyword == "COPY" && ($0.arguments == ". ." || $0.arguments.hasSuffix(" . .")) }, "\(example.name): the source is never copied")
            let manifestCopy = instructions.first { $0.keyword == "COPY" && $0.line < sourceCopy.line && !$0.arguments.contains("--from") }
            let installs = instructions.filter { $0.keyword == "RUN" && $0.line < sourceCopy.line }
            #expect(manifestCopy != nil, "\(example.name): no manifest copied before the source")
            #expect(!installs.isEmpty, "\(example.name): nothing installed before the source")
        }
    }

    @Test func nodeDockerfileUsesTheLockFileAndPackageManager() throws {
        let folder = try TemporaryFolder()
        let example = try #require(ExampleProject.all.first { $0.name == "fastify-pnpm" })
        let root = try folder.project(example.name, example.files)
        let document = try DockerfileDocument(parsing: DockerfileGenerator().dockerfile(for: StackDetector().detect(at: root), appFolder: root))
        let deps = try #require(document.stages.first { $0.name == "deps" })
        #expect(deps.all("COPY").first?.arguments == "package.json pnpm-lock.yaml ./")
        #expect(deps.all("RUN").contains { $0.arguments == "pnpm install --frozen-lockfile" })
        #expect(document.finalStage.baseImage == "node:22-bookworm-slim")
    }

    @Test func singlePageAppIsServedByNginxOnPort() throws {
        let folder = try TemporaryFolder()
        let example = try #require(ExampleProject.all.first { $0.name == "vite-react" })
        let root = try folder.project(example.name, example.files)
        let document = try DockerfileDocument(parsing: DockerfileGenerator().dockerfile(for: StackDetector().detect(at: root), appFolder: root))
        #expect(document.stages.count == 2)
        #expect(document.finalStage.baseImage.hasPrefix("nginxinc/nginx-unprivileged"))
        #expect(document.finalStage.all("RUN").contains { $0.arguments.contains("listen ${PORT}") })
        #expect(document.finalStage.all("COPY").contains { $0.arguments.contains("--from=build") })
    }

    @Test func dockerignoreKeepsSecretsAndDependenciesOut() throws {
        let stack = DetectedStack(language: "node", framework: "express", packageManager: "npm", port: 3000, portSource: "framework", buildCommand: nil, startCommand: "npm start", startSource: "scripts", confidence: 90, evidence: [])
        let lines = try DockerfileGenerator().dockerignore(for: stack).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        for pattern in [".git", ".env", "node_modules"] { #expect(lines.contains(pattern)) }
    }

    @Test func unknownLanguageAsksForADockerfile() throws {
        let stack = DetectedStack(language: "crystal", framework: nil, packageManager: nil, port: 3000, portSource: "override", buildCommand: nil, startCommand: "./app", startSource: "override", confidence: 100, evidence: [])
        let folder = try TemporaryFolder()
        let error = try #require(throws: DeployError.self) { try DockerfileGenerator().dockerfile(for: stack, appFolder: folder.url) }
        #expect(error.message.contains("write a Dockerfile"))
    }

    @Test func parserHandlesContinuationsStagesAndRejectsGarbage() throws {
        let document = try DockerfileDocument(parsing: """
        ARG VERSION=1
        FROM --platform=linux/amd64 golang:1.23 AS build
        RUN apt-get update \\
         # a comment inside
         && apt-get install -y git
        FROM alpine:3.20
        EXPOSE 80 443/tcp
        USER app
        CMD ["./server"]
        """)
        #expect(document.preamble.count == 1)
        #expect(document.stages.map(\.name) == ["build", nil])
        #expect(document.stages[0].baseImage == "golang:1.23")
        #expect(document.stages[0].all("RUN").first?.arguments == "apt-get update && apt-get install -y git")
        #expect(document.exposedPorts == [80, 443])
        #expect(document.finalStage.last("CMD")?.execForm == ["./server"])
        #expect(throws: DeployError.self) { try DockerfileDocument(parsing: "RUN echo hi\n") }
        #expect(throws: DeployError.self) { try DockerfileDocument(parsing: "# nothing\n") }
    }
}

@Suite struct ComposeGeneratorTests {
    func stack(_ language: String = "node", framework: String? = "express") -> DetectedStack {
        DetectedStack(language: language, framework: framework, packageManager: nil, port: 3000, portSource: "framework", buildCommand: nil, startCommand: "npm start", startSource: "scripts", confidence: 90, evidence: [])
    }

    func parse(_ text: String) throws -> [String: Any] {
        try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    @Test(arguments: DatabaseKind.allCases)
    func databaseServiceIsHealthCheckedAndAwaited(_ database: DatabaseKind) throws {
        let text = try ComposeGenerator().compose(for: stack(), options: .init(projectName: "shop", app: .build(context: ".", dockerfile: "Dockerfile"), hostPort: 24000, databases: [database]))
        let root = try parse(text)
        #expect(root["name"] as? String == "shop")
        let services = try #require(root["services"] as? [String: Any])
        let app = try #require(services["app"] as? [String: Any])
        #expect(app["ports"] as? [String] == ["24000:3000"])
        let build = try #require(app["build"] as? [String: Any])
        #expect(build["dockerfile"] as? String == "Dockerfile")
        let environment = try #require(app["environment"] as? [String: Any])
        #expect(environment["PORT"] as? String == "3000")
        #expect(environment["HOST"] as? String == "0.0.0.0")
        let serviceName = database == .redis ? "redis" : "db"
        let dependsOn = try #require(app["depends_on"] as? [String: Any])
        #expect((dependsOn[serviceName] as? [String: Any])?["condition"] as? String == "service_healthy")
        let db = try #require(services[serviceName] as? [String: Any])
        #expect((db["image"] as? String)?.contains(":") == true)
        let healthcheck = try #require(db["healthcheck"] as? [String: Any])
        #expect((healthcheck["test"] as? [Any])?.isEmpty == false)
        let volumes = try #require(db["volumes"] as? [String])
        let volumeName = try #require(volumes.first?.split(separator: ":").first.map(String.init))
        #expect((root["volumes"] as? [String: Any])?.keys.contains(volumeName) == true)
        switch database {
        case .redis: #expect((environment["REDIS_URL"] as? String)?.hasPrefix("redis://redis:6379") == true)
        case .mongodb: #expect((environment["MONGODB_URI"] as? String)?.hasPrefix("mongodb://") == true)
        case .postgres: #expect((environment["DATABASE_URL"] as? String)?.hasPrefix("postgres://app:") == true)
        case .mysql: #expect((environment["DATABASE_URL"] as? String)?.hasPrefix("mysql://app:") == true)
        }
    }

    @Test func springGetsItsOwnDatasourceVariables() throws {
        let text = try ComposeGenerator().compose(for: stack("java", framework: "spring-boot"), options: .init(projectName: "svc", app: .image("svc:deploy_12345678"), hostPort: 20001, databases: [.postgres, .redis]))
        let app = try #require((try parse(text)["services"] as? [String: Any])?["app"] as? [String: Any])
        #expect(app["image"] as? String == "svc:deploy_12345678")
        let environment = try #require(app["environment"] as? [String: Any])
        #expect(environment["SPRING_DATASOURCE_URL"] as? String == "jdbc:postgresql://db:5432/app")
        #expect(environment["DATABASE_URL"] == nil)
        #expect(Set((app["depends_on"] as? [String: Any])?.keys.map { $0 } ?? []) == ["db", "redis"])
    }

    @Test func noDatabaseMeansNoDependsOnOrVolumes() throws {
        let root = try parse(try ComposeGenerator().compose(for: stack(), options: .init(projectName: "a", app: .image("a:deploy_1"), hostPort: 20000, environment: ["GREETING": "hi \"there\": #1"])))
        #expect(root["volumes"] == nil)
        let app = try #require((root["services"] as? [String: Any])?["app"] as? [String: Any])
        #expect(app["depends_on"] == nil)
        #expect((app["environment"] as? [String: Any])?["GREETING"] as? String == "hi \"there\": #1")
    }

    @Test func twoSQLDatabasesAreRefused() throws {
        #expect(throws: DeployError.self) {
            try ComposeGenerator().compose(for: stack(), options: .init(projectName: "a", app: .image("a:1"), hostPort: 20000, databases: [.postgres, .mysql]))
        }
    }
}
