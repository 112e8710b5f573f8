import Foundation

/// Renders a `docker-compose.yml`: the app, and the databases it asked for with health checks,
/// `depends_on` conditions, named volumes and connection settings injected.
public struct ComposeGenerator: Sendable {
    /// How the app service gets its image.
    public enum AppImage: Sendable, Equatable {
        /// Built from a Dockerfile, both paths relative to the compose file.
        case build(context: String, dockerfile: String)
        /// An image already built and tagged, as deploys use.
        case image(String)
    }

    public struct Options: Sendable, Equatable {
        /// The compose project name: lowercase letters, digits, dashes and underscores.
        public var projectName: String
        public var app: AppImage
        public var hostPort: Int
        public var databases: [DatabaseKind]
        public var containerName: String?
        public var environment: [String: String]

        public init(projectName: String, app: AppImage, hostPort: Int, databases: [DatabaseKind] = [], containerName: String? = nil, environment: [String: String] = [:]) {
            self.projectName = projectName
            self.app = app
            self.hostPort = hostPort
            self.databases = databases
            self.containerName = containerName
            self.environment = environment
        }
    }

    public init() {}

    public func compose(for stack: DetectedStack, options: Options) throws -> String {
        var databases: [DatabaseKind] = []
        for database in options.databases where !databases.contains(database) {
            if database != .redis, databases.contains(where: { $0 != .redis }) {
                throw DeployError(.invalidInput, "only one of postgres, mysql and mongodb can run beside the app (asked for \(options.databases.map(\.rawValue).joined(separator: ", ")))")
            }
            databases.append(database)
        }
        var environment: [(String, String)] = [("PORT", String(stack.port)), ("HOST", "0.0.0.0")]
        for database in databases { environment += database.appEnvironment(language: stack.language, framework: stack.framework) }
        for (key, value) in options.environment.sorted(by: { $0.key < $1.key }) where !environment.contains(where: { $0.0 == key }) {
            environment.append((key, value))
        }
        var context: [String: Any] = [
            "project_name": options.projectName,
            "host_port": options.hostPort,
            "port": stack.port,
            "environment": environment.map { ["key": $0.0, "value": Self.quoted($0.1)] },
            "has_databases": !databases.isEmpty,
            "databases": databases.map { database -> [String: Any] in
                [
                    "service": database.service,
                    "image": database.image,
                    "has_environment": !database.serverEnvironment.isEmpty,
                    "environment": database.serverEnvironment.map { ["key": $0.0, "value": Self.quoted($0.1)] },
                    "volume": "\(database.rawValue)-data",
                    "data_path": database.dataPath,
                    "healthcheck": database.healthcheck,
                ]
            },
        ]
        switch options.app {
        case .build(let buildContext, let dockerfile):
            context["build"] = ["context": Self.quoted(buildContext), "dockerfile": Self.quoted(dockerfile)]
        case .image(let image):
            context["image"] = Self.quoted(image)
        }
        if let name = options.containerName { context["container_name"] = name }
        return try TemplateLibrary.bundled.get().render("compose.yml", context)
    }

    /// A YAML double-quoted scalar: JSON's string escaping is valid YAML.
    static func quoted(_ value: String) -> String {
        let data = (try? JSONEncoder().encode(value)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
    }
}
