import Foundation

/// `.deployotron/stack.json`: what a user forces over detection.
///
/// `{"language": "python", "start_command": "python serve.py", "port": 9000}`; every key is optional.
public struct StackOverride: Sendable, Codable, Equatable {
    public var language: String?
    public var framework: String?
    public var packageManager: String?
    public var buildCommand: String?
    public var startCommand: String?
    public var port: Int?
    /// The app's folder inside the scanned path.
    public var appPath: String?

    public static let relativePath = ".deployotron/stack.json"

    enum CodingKeys: String, CodingKey {
        case language, framework, port
        case packageManager = "package_manager"
        case buildCommand = "build_command"
        case startCommand = "start_command"
        case appPath = "app_path"
    }

    public init(language: String? = nil, framework: String? = nil, packageManager: String? = nil, buildCommand: String? = nil, startCommand: String? = nil, port: Int? = nil, appPath: String? = nil) {
        self.language = language
        self.framework = framework
        self.packageManager = packageManager
        self.buildCommand = buildCommand
        self.startCommand = startCommand
        self.port = port
        self.appPath = appPath
    }

    /// The override in `root`, nil when there is none; a file that is not valid JSON is an error, not ignored.
    static func load(from root: URL) throws -> StackOverride? {
        let url = root.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let value = try JSONDecoder().decode(StackOverride.self, from: Data(contentsOf: url))
            if let port = value.port, !(1...65535).contains(port) {
                throw DeployError(.invalidInput, "\(url.path): port \(port) is outside 1-65535")
            }
            return value
        } catch let error as DeployError {
            throw error
        } catch {
            throw DeployError(.invalidInput, "\(url.path) is not valid: expected a JSON object with keys language, framework, package_manager, build_command, start_command, port, app_path (\(error))")
        }
    }
}
