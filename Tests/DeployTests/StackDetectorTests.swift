import Foundation
import Testing
@testable import Deploy

@Suite struct StackDetectorTests {
    @Test(arguments: ExampleProject.all)
    func detectsEveryListedStack(_ example: ExampleProject) throws {
        let folder = try TemporaryFolder()
        let root = try folder.project(example.name, example.files)
        let stack = try StackDetector().detect(at: root)
        #expect(stack.language == example.language)
        #expect(stack.framework == example.framework)
        if let manager = example.packageManager { #expect(stack.packageManager == manager) }
        if let port = example.port { #expect(stack.port == port) }
        #expect(stack.appPath == nil)
        #expect(!stack.monorepo)
        #expect((1...100).contains(stack.confidence))
        #expect(!stack.evidence.isEmpty)
        #expect(stack.startCommand != nil, "no start command for \(example.name)")
    }

    @Test func startCommandsBindAllInterfacesAndReadPort() throws {
        let folder = try TemporaryFolder()
        let cases: [(String, String)] = [("django-pip", "gunicorn mysite.wsgi:application --bind 0.0.0.0:$PORT"),
                                         ("fastapi-uv", "uvicorn app.main:app --host 0.0.0.0 --port $PORT"),
                                         ("flask-pipenv", "flask --app app run --host 0.0.0.0 --port $PORT"),
                                         ("rails", "bundle exec rails server -b 0.0.0.0 -p $PORT"),
                                         ("next-bun", "npx next start -H 0.0.0.0 -p $PORT")]
        for (name, expected) in cases {
            let example = try #require(ExampleProject.all.first { $0.name == name })
            let stack = try StackDetector().detect(at: try folder.project(name, example.files))
            #expect(stack.startCommand == expected, "\(name)")
            #expect(stack.startSource == "framework")
        }
    }

    @Test func procfileWebWinsOverFrameworkAndScripts() throws {
        let folder = try TemporaryFolder()
        let root = try folder.project("app", [
            "package.json": ExampleProject.packageJSON(["express"]),
            "Procfile": "release: npm run migrate\nweb: node dist/server.js --port $PORT\n",
        ])
        let stack = try StackDetector().detect(at: root)
        #expect(stack.startCommand == "node dist/server.js --port $PORT")
        #expect(stack.startSource == "procfile")
        #expect(stack.evidence.contains { $0.kind == "procfile" })
    }

    @Test func packageScriptsStartWhenTheFrameworkHasNone() throws {
        let folder = try TemporaryFolder()
        let root = try folder.project("app", ["package.json": ExampleProject.packageJSON(["express"], scripts: ["start": "node index.js"]), "yarn.lock": ""])
        let stack = try StackDetector().detect(at: root)
        #expect(stack.startCommand == "yarn start")
        #expect(stack.startSource == "scripts")
    }

    @Test func dockerfileExposeGivesThePortWhenNoFrameworkDoes() throws {
        let folder = try TemporaryFolder()
        let root = try folder.project("svc", [
            "go.mod": "module x\n",
            "main.go": "package main",
            "Dockerfile": "FROM golang:1.23\n# comment\nEXPOSE 7000/tcp\nCMD [\"/app\"]\n",
        ])
        let stack = try StackDetector().detect(at: root)
        #expect(stack.port == 7000)
        #expect(stack.portSource == "dockerfile")
        #expect(stack.dockerfile == "Dockerfile")
    }

    @Test func sourcePortIsTheLastResort() throws {
        let folder = try TemporaryFolder()
        let root = try folder.project("svc", ["requirements.txt": "requests\n", "server.py": "import os\nPORT = int(os.environ.get('PORT') or 8765)\napp.run(port=8765)\n"])
        let stack = try StackDetector().detect(at: root)
        #expect(stack.port == 8765)
        #expect(stack.portSource == "source")
        #expect(stack.evidence.contains { $0.kind == "source" && $0.detail.contains("server.py") })
    }

    @Test func phpAndRubyWinOverNodeInTheSameRepository() throws {
        let folder = try TemporaryFolder()
        let rails = try folder.project("rails", [
            "Gemfile": "gem 'rails'\n", "config/application.rb": "",
            "package.json": ExampleProject.packageJSON(["react", "esbuild"], scripts: ["build": "esbuild app.js"]),
        ])
        let stack = try StackDetector().detect(at: rails)
        #expect(stack.language == "ruby")
        #expect(stack.framework == "rails")
        #expect(stack.candidates.contains { $0.language == "node" && $0.framework == "react" })
        #expect(stack.warnings.contains { $0.contains("several languages") })
    }

    @Test func conflictingLockFilesAreReportedAndThePackageManagerFieldWins() throws {
        let folder = try TemporaryFolder()
        let root = try folder.project("app", [
            "package.json": ExampleProject.packageJSON(["fastify"], extra: #", "packageManager": "pnpm@9.1.0""#),
            "package-lock.json": "{}", "yarn.lock": "", "pnpm-lock.yaml": "",
        ])
        let stack = try StackDetector().detect(at: root)
        #expect(stack.packageManager == "pnpm")
        #expect(stack.warnings.contains { $0.contains("several package managers") })
    }

    @Test func mavenAndGradleTogetherPickMavenWithAWarning() throws {
        let folder = try TemporaryFolder()
        let root = try folder.project("app", ["pom.xml": "<project/>", "build.gradle": "apply plugin: 'java'"])
        let stack = try StackDetector().detect(at: root)
        #expect(stack.language == "java")
        #expect(stack.packageManager == "maven")
        #expect(stack.warnings.contains { $0.contains("pom.xml and build.gradle") })
    }

    @Test func appInASubfolderIsFoundAndNamed() throws {
        let folder = try TemporaryFolder()
        let root = try folder.project("repo", ["README.md": "# repo", "backend/requirements.txt": "fastapi\nuvicorn\n", "backend/main.py": "app = None"])
        let stack = try StackDetector().detect(at: root)
        #expect(stack.appPath == "backend")
        #expect(stack.framework == "fastapi")
        #expect(!stack.monorepo)
        #expect(stack.apps.map(\.path) == ["backend"])
    }

    @Test func monorepoListsEveryApp() throws {
        let folder = try TemporaryFolder()
        let root = try folder.project("mono", [
            "package.json": #"{"name": "mono", "private": true, "workspaces": ["apps/*"]}"#,
            "apps/web/package.json": ExampleProject.packageJSON(["next", "react"]),
            "apps/api/package.json": ExampleProject.packageJSON(["fastify"]),
            "services/worker/go.mod": "module worker\n",
            "services/worker/main.go": "package main",
            "docs/index.html": "<p>docs</p>",
            "node_modules/left-pad/package.json": ExampleProject.packageJSON(["express"]),
        ])
        let stack = try StackDetector().detect(at: root)
        #expect(stack.monorepo)
        #expect(Set(stack.apps.map(\.path)) == ["apps/web", "apps/api", "services/worker"])
        let web = try #require(stack.apps.first { $0.path == "apps/web" })
        #expect(web.framework == "next")
        #expect(stack.apps.first { $0.path == "services/worker" }?.language == "go")
        #expect(stack.appPath == stack.apps.first?.path)
    }

    @Test func overrideForcesLanguageStartCommandAndPort() throws {
        let folder = try TemporaryFolder()
        let root = try folder.project("app", [
            "package.json": ExampleProject.packageJSON(["express"]),
            ".deployotron/stack.json": #"{"language": "crystal", "start_command": "./server --port $PORT", "port": 9123}"#,
        ])
        let stack = try StackDetector().detect(at: root)
        #expect(stack.language == "crystal")
        #expect(stack.startCommand == "./server --port $PORT")
        #expect(stack.startSource == "override")
        #expect(stack.port == 9123)
        #expect(stack.portSource == "override")
        #expect(stack.confidence == 100)
        #expect(stack.candidates.first?.framework == "express")
    }

    @Test func overrideOfPortAloneKeepsDetection() throws {
        let folder = try TemporaryFolder()
        let root = try folder.project("app", ["requirements.txt": "flask\n", "app.py": "", ".deployotron/stack.json": #"{"port": 5050}"#])
        let stack = try StackDetector().detect(at: root)
        #expect(stack.framework == "flask")
        #expect(stack.port == 5050)
    }

    @Test func brokenOverrideIsAnErrorNamingTheFile() throws {
        let folder = try TemporaryFolder()
        let root = try folder.project("app", ["requirements.txt": "flask\n", ".deployotron/stack.json": "{port: oops"])
        let error = try #require(throws: DeployError.self) { try StackDetector().detect(at: root) }
        #expect(error.code == .invalidInput)
        #expect(error.message.contains("stack.json"))
    }

    @Test func emptyFolderSaysWhatIsMissing() throws {
        let folder = try TemporaryFolder()
        let root = try folder.project("empty", ["notes.txt": "nothing"])
        let error = try #require(throws: DeployError.self) { try StackDetector().detect(at: root) }
        #expect(error.code == .noStack)
        #expect(error.message.contains("stack.json"))
    }

    @Test func dockerfileOnlyProjectUsesItsBaseImage() throws {
        let folder = try TemporaryFolder()
        let root = try folder.project("app", ["Dockerfile": "FROM python:3.12-slim\nEXPOSE 9000\nCMD [\"python\", \"-m\", \"http.server\", \"9000\"]\n"])
        let stack = try StackDetector().detect(at: root)
        #expect(stack.language == "python")
        #expect(stack.port == 9000)
        #expect(stack.dockerfile == "Dockerfile")
    }

    @Test func skippedFoldersAreNeverWalked() throws {
        let folder = try TemporaryFolder()
        var files = ["requirements.txt": "flask\n"]
        for skipped in ["node_modules", "vendor", ".git", "target", "build", "dist"] {
            files["\(skipped)/pkg/package.json"] = ExampleProject.packageJSON(["express"])
        }
        let root = try folder.project("app", files)
        let tree = ProjectTree(root: root)
        #expect(tree.files(under: "", maxDepth: 8) == ["requirements.txt"])
        #expect(tree.fileCount == 1)
        #expect(!tree.hasFile("node_modules/pkg/package.json"))
        #expect(try StackDetector().detect(at: root).candidates.isEmpty)
    }

    @Test func jsonUsesSnakeCaseAndAListedLanguage() throws {
        let folder = try TemporaryFolder()
        let example = try #require(ExampleProject.all.first { $0.name == "fastapi-poetry" })
        let stack = try StackDetector().detect(at: try folder.project("api", example.files))
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(stack)) as? [String: Any])
        for key in ["language", "framework", "package_manager", "port", "build_command", "start_command", "confidence", "evidence", "candidates", "app_path", "monorepo", "apps"] {
            #expect(object.keys.contains(key), "missing \(key)")
        }
        #expect(!object.keys.contains { $0.contains(where: \.isUppercase) })
        #expect(["node", "deno", "python", "go", "ruby", "php", "java", "rust", "dotnet", "elixir", "static"].contains(object["language"] as? String ?? ""))
        let decoded = try JSONDecoder().decode(DetectedStack.self, from: JSONEncoder().encode(stack))
        #expect(decoded == stack)
    }
}
