import Foundation

/// What `detect` found: the app's stack and how to build, start and reach it.
///
/// Encoded with snake_case keys for `--json` and for Claude's `detect_stack` tool.
public struct DetectedStack: Sendable, Codable, Equatable {
    /// node, deno, python, go, ruby, php, java, rust, dotnet, elixir, static, or an override's own name.
    public var language: String
    public var framework: String?
    public var packageManager: String?
    /// The port the app listens on inside its container.
    public var port: Int
    /// Where the port came from: framework, dockerfile, source, language, override.
    public var portSource: String
    public var buildCommand: String?
    public var startCommand: String?
    /// Where the start command came from: procfile, framework, scripts, language, override, dockerfile.
    public var startSource: String?
    /// 0-100: how sure the deciding rule is.
    public var confidence: Int
    /// The files, dependencies and scripts that decided it.
    public var evidence: [Evidence]
    /// Other stacks that also matched, best first.
    public var candidates: [Candidate]
    /// The app's folder relative to the scanned path; nil when it is the root.
    public var appPath: String?
    /// The scanned path holds several apps; `apps` lists them and the rest describes the first.
    public var monorepo: Bool
    public var apps: [App]
    /// The app's own Dockerfile, relative to the app folder, which deploys use instead of a generated one.
    public var dockerfile: String?
    /// Things a user should know: conflicting manifests, a Dockerfile exposing another port.
    public var warnings: [String]

    public struct Evidence: Sendable, Codable, Equatable {
        /// file, dependency, script, procfile, dockerfile, override, source.
        public var kind: String
        public var detail: String

        public init(kind: String, detail: String) {
            self.kind = kind
            self.detail = detail
        }
    }

    public struct Candidate: Sendable, Codable, Equatable {
        public var language: String
        public var framework: String?
        public var confidence: Int
        public var appPath: String?

        public init(language: String, framework: String?, confidence: Int, appPath: String?) {
            self.language = language
            self.framework = framework
            self.confidence = confidence
            self.appPath = appPath
        }

        enum CodingKeys: String, CodingKey {
            case language, framework, confidence
            case appPath = "app_path"
        }
    }

    public struct App: Sendable, Codable, Equatable {
        public var path: String
        public var language: String
        public var framework: String?

        public init(path: String, language: String, framework: String?) {
            self.path = path
            self.language = language
            self.framework = framework
        }
    }

    public init(
        language: String, framework: String?, packageManager: String?, port: Int, portSource: String,
        buildCommand: String?, startCommand: String?, startSource: String?, confidence: Int,
        evidence: [Evidence], candidates: [Candidate] = [], appPath: String? = nil, monorepo: Bool = false,
        apps: [App] = [], dockerfile: String? = nil, warnings: [String] = []
    ) {
        self.language = language
        self.framework = framework
        self.packageManager = packageManager
        self.port = port
        self.portSource = portSource
        self.buildCommand = buildCommand
        self.startCommand = startCommand
        self.startSource = startSource
        self.confidence = confidence
        self.evidence = evidence
        self.candidates = candidates
        self.appPath = appPath
        self.monorepo = monorepo
        self.apps = apps
        self.dockerfile = dockerfile
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case language, framework, port, confidence, evidence, candidates, monorepo, apps, dockerfile, warnings
        case packageManager = "package_manager"
        case portSource = "port_source"
        case buildCommand = "build_command"
        case startCommand = "start_command"
        case startSource = "start_source"
        case appPath = "app_path"
    }

    // Optionals are written as null so the JSON shape never changes.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(language, forKey: .language)
        try container.encode(framework, forKey: .framework)
        try container.encode(packageManager, forKey: .packageManager)
        try container.encode(port, forKey: .port)
        try container.encode(portSource, forKey: .portSource)
        try container.encode(buildCommand, forKey: .buildCommand)
        try container.encode(startCommand, forKey: .startCommand)
        try container.encode(startSource, forKey: .startSource)
        try container.encode(confidence, forKey: .confidence)
        try container.encode(evidence, forKey: .evidence)
        try container.encode(candidates, forKey: .candidates)
        try container.encode(appPath, forKey: .appPath)
        try container.encode(monorepo, forKey: .monorepo)
        try container.encode(apps, forKey: .apps)
        try container.encode(dockerfile, forKey: .dockerfile)
        try container.encode(warnings, forKey: .warnings)
    }
}
