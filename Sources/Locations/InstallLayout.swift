import Foundation

/// Finds the files deployotron ships beside its code: `skills/`, `prompts/` and `notify/`.
///
/// The binary runs from a checkout (`.build/debug/deployotron`), from an install prefix
/// (`PREFIX/bin/deployotron` with the data in `PREFIX/share/deployotron`), or from anywhere
/// with `DEPLOYOTRON_HOME` naming the data folder. The current directory never matters.
///
/// A layout's files win over the copies compiled into the binary (`BundledFiles`); those are used
/// when no layout is found, so a binary copied on its own still works.
public struct InstallLayout: Sendable, Equatable {
    /// The folder holding `skills/`, `prompts/` and `notify/`.
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    public var skills: URL { root.appendingPathComponent("skills", isDirectory: true) }
    public var prompts: URL { root.appendingPathComponent("prompts", isDirectory: true) }
    public var notify: URL { root.appendingPathComponent("notify", isDirectory: true) }

    /// The layout of the running binary; nil when no data folder can be found.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> InstallLayout? {
        if let home = environment["DEPLOYOTRON_HOME"], !home.isEmpty {
            let url = URL(fileURLWithPath: home, isDirectory: true)
            return isDataRoot(url) ? InstallLayout(root: url) : nil
        }
        return find(from: executableURL())
    }

    /// Walks up from `start` looking for a checkout root or a `share/deployotron` folder.
    public static func find(from start: URL) -> InstallLayout? {
        var dir = start.resolvingSymlinksInPath().deletingLastPathComponent()
        while true {
            if isDataRoot(dir) { return InstallLayout(root: dir) }
            let shared = dir.appendingPathComponent("share/deployotron", isDirectory: true)
            if isDataRoot(shared) { return InstallLayout(root: shared) }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    static func isDataRoot(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        let prompts = url.appendingPathComponent("prompts").path
        return FileManager.default.fileExists(atPath: prompts, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func executableURL() -> URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? ".").standardizedFileURL
    }
}
