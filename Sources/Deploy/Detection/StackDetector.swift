import Foundation

/// Recognises an app's language, framework, port and commands from its files.
///
/// Ordered rules (`StackRule.ordered`) decide; `.deployotron/stack.json` overrides them; an existing
/// Dockerfile is kept and its `EXPOSE` read. A folder holding several apps is reported as a monorepo.
public struct StackDetector: Sendable {
    /// Folder names never taken for an app of their own.
    static let nonAppFolders: Set<String> = ["test", "tests", "spec", "example", "examples", "fixtures", "docs", "doc", "scripts", "e2e", "__tests__", "testdata", ".deployotron", ".github"]
    /// How deep below the scanned path apps are looked for.
    public var appSearchDepth = 3

    public init() {}

    /// Detects the stack of the app at (or under) `path`.
    public func detect(at path: URL) throws -> DetectedStack {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DeployError(.noStack, "\(path.path) is not a folder: pass the path of the project to detect")
        }
        let root = path.standardizedFileURL
        let override = try StackOverride.load(from: root)
        let tree = ProjectTree(root: root)

        if let appPath = override?.appPath.map(Self.normalised), !appPath.isEmpty {
            guard tree.hasDirectory(appPath) else {
                throw DeployError(.invalidInput, "\(StackOverride.relativePath) names app_path \"\(appPath)\", which is not a folder of \(root.path)")
            }
            return try describe(folder: appPath, tree: tree, override: override, others: [])
        }

        let rootMatches = matches(ProjectFacts(tree: tree, folder: ""))
        if !rootMatches.isEmpty && !isWorkspaceRoot(ProjectFacts(tree: tree, folder: "")) || override?.language != nil {
            return try describe(folder: "", tree: tree, override: override, others: [])
        }

        let apps = findApps(tree)
        guard let first = apps.first else {
            if !rootMatches.isEmpty { return try describe(folder: "", tree: tree, override: override, others: []) }
            throw DeployError(.noStack, "no app found in \(root.path): no package.json, requirements.txt, go.mod, Gemfile, composer.json, pom.xml, Cargo.toml, *.csproj, mix.exs, deno.json, index.html or Dockerfile. Add .deployotron/stack.json with a language and start_command to deploy it anyway")
        }
        return try describe(folder: first, tree: tree, override: override, others: Array(apps.dropFirst()))
    }

    static func normalised(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: "/")
    }

    // MARK: - Rules

    struct Match {
        var rule: StackRule
        var evidence: [DetectedStack.Evidence]
    }

    func matches(_ facts: ProjectFacts) -> [Match] {
        var found = StackRule.ordered.compactMap { rule in rule.match(facts).map { Match(rule: rule, evidence: $0) } }
        if found.isEmpty, let dockerfile = existingDockerfile(facts), let document = try? DockerfileDocument(parsing: dockerfile.text) {
            let language = Self.language(ofImage: document.stages[0].baseImage)
            found.append(Match(rule: StackRule(language, confidence: 50) { _ in nil }, evidence: [.init(kind: "dockerfile", detail: "\(dockerfile.name) FROM \(document.stages[0].baseImage)")]))
        }
        return found
    }

    /// A package or build workspace whose root only ties its members together.
    func isWorkspaceRoot(_ facts: ProjectFacts) -> Bool {
        if facts.node?.isWorkspaceRoot == true || facts.has("pnpm-workspace.yaml") || facts.has("lerna.json") || facts.has("nx.json") || facts.has("turbo.json") || facts.has("go.work") {
            return true
        }
        if let cargo = facts.read("Cargo.toml"), cargo.contains("[workspace]"), !cargo.contains("[package]") { return true }
        return false
    }

    /// App folders below the root, shallowest first, none inside another.
    func findApps(_ tree: ProjectTree) -> [String] {
        var apps: [String] = []
        for folder in tree.folders(maxDepth: appSearchDepth) where !folder.isEmpty {
            let components = folder.split(separator: "/").map(String.init)
            if components.contains(where: { Self.nonAppFolders.contains($0) || ProjectTree.skippedDirectories.contains($0) }) { continue }
            if apps.contains(where: { folder.hasPrefix($0 + "/") }) { continue }
            let facts = ProjectFacts(tree: tree, folder: folder)
            let found = matches(facts)
            // A bare index.html deep in a tree is more often an asset than an app.
            guard let best = found.first, !(best.rule.language == "static" && tree.depth(of: folder) > 1) else { continue }
            if isWorkspaceRoot(facts) { continue }
            apps.append(folder)
        }
        return apps
    }

    // MARK: - Describing one app

    func describe(folder: String, tree: ProjectTree, override: StackOverride?, others: [String]) throws -> DetectedStack {
        let facts = ProjectFacts(tree: tree, folder: folder)
        let found = matches(facts)
        var evidence: [DetectedStack.Evidence] = []
        var warnings: [String] = []
        var language: String
        var framework: String?
        var confidence: Int
        var frameworkPort: Int?
        var languagePort: Int?
        if let best = found.first {
            language = best.rule.language
            framework = best.rule.framework
            confidence = best.rule.confidence
            frameworkPort = best.rule.framework != nil ? best.rule.defaultPort : nil
            languagePort = best.rule.defaultPort
            evidence = best.evidence
        } else if let forced = override?.language {
            language = forced
            confidence = 100
        } else {
            throw DeployError(.noStack, "no app found in \(tree.root.appendingPathComponent(folder).path)")
        }

        var candidates: [DetectedStack.Candidate] = found.dropFirst()
            .filter { !($0.rule.language == language && $0.rule.framework == nil) && !($0.rule.language == "static") }
            .map { .init(language: $0.rule.language, framework: $0.rule.framework, confidence: $0.rule.confidence, appPath: folder.isEmpty ? nil : folder) }
        if candidates.contains(where: { $0.language != language }) {
            confidence -= 10
            let order = ([language] + candidates.map(\.language).filter { $0 != language }).joined(separator: " over ")
            warnings.append("manifests of several languages are present; chose \(language) by rule order (\(order))")
        }

        var commands = StackCommands(facts: facts, language: language, framework: framework)
        warnings += commands.warnings
        if let manager = commands.packageManager, let lock = Self.lockFile(for: manager, facts: facts) {
            evidence.append(.init(kind: "file", detail: lock))
        }

        // The start command: a Procfile's web process wins.
        if let web = facts.read("Procfile").flatMap(Self.procfileWeb) {
            commands.start = web
            commands.startSource = "procfile"
            evidence.append(.init(kind: "procfile", detail: "web: \(web)"))
        }

        // The port: framework default, else the Dockerfile's EXPOSE, else the source, else the language's.
        let dockerfile = existingDockerfile(facts)
        var exposed: Int?
        if let dockerfile {
            do {
                exposed = try DockerfileDocument(parsing: dockerfile.text).exposedPorts.first
                evidence.append(.init(kind: "dockerfile", detail: dockerfile.name + (exposed.map { " EXPOSE \($0)" } ?? "")))
            } catch {
                warnings.append("\(dockerfile.name) could not be read: \(error)")
            }
        }
        var port: Int
        var portSource: String
        if let frameworkPort {
            (port, portSource) = (frameworkPort, "framework")
        } else if let exposed {
            (port, portSource) = (exposed, "dockerfile")
        } else if let scanned = SourcePortScanner().scan(facts) {
            (port, portSource) = (scanned.port, "source")
            evidence.append(.init(kind: "source", detail: "port \(scanned.port) in \(scanned.file)"))
        } else {
            (port, portSource) = (languagePort ?? StackRule.languagePort(language), "language")
        }
        if let exposed, exposed != port {
            warnings.append("\(dockerfile?.name ?? "Dockerfile") exposes \(exposed) but \(framework ?? language) listens on \(port) by default")
        }

        if let override {
            evidence.append(.init(kind: "override", detail: StackOverride.relativePath))
            confidence = 100
            if let forced = override.language, forced != language {
                language = forced
                framework = override.framework
                commands = StackCommands(facts: facts, language: forced, framework: framework)
                candidates.insert(.init(language: found.first?.rule.language ?? forced, framework: found.first?.rule.framework, confidence: found.first?.rule.confidence ?? 0, appPath: folder.isEmpty ? nil : folder), at: 0)
                if override.port == nil { (port, portSource) = (StackRule.languagePort(forced), "language") }
            } else if let forcedFramework = override.framework {
                framework = forcedFramework
            }
            if let manager = override.packageManager { commands.packageManager = manager }
            if let build = override.buildCommand { commands.build = build }
            if let start = override.startCommand { (commands.start, commands.startSource) = (start, "override") }
            if let forcedPort = override.port { (port, portSource) = (forcedPort, "override") }
        }

        var apps: [DetectedStack.App] = []
        if !folder.isEmpty {
            apps = ([folder] + others).map { path in
                let best = path == folder ? (language, framework) : matches(ProjectFacts(tree: tree, folder: path)).first.map { ($0.rule.language, $0.rule.framework) } ?? ("unknown", nil)
                return DetectedStack.App(path: path, language: best.0, framework: best.1)
            }
        }
        if !others.isEmpty {
            warnings.append("\(apps.count) apps found (\(apps.map(\.path).joined(separator: ", "))); this describes \(folder). Detect a folder to describe another")
        }

        return DetectedStack(
            language: language, framework: framework, packageManager: commands.packageManager,
            port: port, portSource: portSource, buildCommand: commands.build, startCommand: commands.start,
            startSource: commands.startSource, confidence: max(0, min(100, confidence)), evidence: evidence,
            candidates: candidates, appPath: folder.isEmpty ? nil : folder, monorepo: !others.isEmpty,
            apps: apps, dockerfile: dockerfile?.name, warnings: warnings
        )
    }

    func existingDockerfile(_ facts: ProjectFacts) -> (name: String, text: String)? {
        for name in ["Dockerfile", "dockerfile"] where facts.has(name) {
            if let text = facts.read(name) { return (name, text) }
        }
        return nil
    }

    static func procfileWeb(_ text: String) -> String? {
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("web:") {
                let command = trimmed.dropFirst(4).trimmingCharacters(in: .whitespaces)
                return command.isEmpty ? nil : command
            }
        }
        return nil
    }

    static func lockFile(for manager: String, facts: ProjectFacts) -> String? {
        let names: [String] = switch manager {
        case "npm": ["package-lock.json"]
        case "pnpm": ["pnpm-lock.yaml"]
        case "yarn": ["yarn.lock"]
        case "bun": ["bun.lockb", "bun.lock"]
        case "poetry": ["poetry.lock"]
        case "uv": ["uv.lock"]
        case "pdm": ["pdm.lock"]
        case "pipenv": ["Pipfile.lock", "Pipfile"]
        case "bundler": ["Gemfile.lock"]
        case "composer": ["composer.lock"]
        case "go": ["go.sum"]
        case "cargo": ["Cargo.lock"]
        case "mix": ["mix.lock"]
        case "deno": ["deno.lock"]
        case "gradle": ["gradlew", "build.gradle.kts", "build.gradle"]
        default: []
        }
        return facts.first(names)
    }

    /// The language a Dockerfile's base image implies: `python:3.12-slim` is python.
    static func language(ofImage image: String) -> String {
        let name = image.split(separator: ":").first.map(String.init)?.split(separator: "/").last.map(String.init)?.lowercased() ?? image
        switch name {
        case "node": return "node"
        case "python": return "python"
        case "golang": return "go"
        case "ruby": return "ruby"
        case "php": return "php"
        case "openjdk", "eclipse-temurin", "maven", "gradle", "amazoncorretto": return "java"
        case "rust": return "rust"
        case "sdk", "aspnet", "runtime": return image.contains("dotnet") ? "dotnet" : name
        case "elixir": return "elixir"
        case "deno": return "deno"
        case "nginx", "httpd", "nginx-unprivileged": return "static"
        default: return name
        }
    }
}
