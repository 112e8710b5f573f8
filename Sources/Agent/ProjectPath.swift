import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A path Claude gave, resolved inside the project directory or refused.
///
/// Resolution follows the file system, not the text: `..`, absolute paths and symbolic links
/// (at any level, the last one included) are resolved to a real path first, and anything that ends up
/// outside the project's real path is refused. A path that does not exist yet (a file to write)
/// is resolved through its deepest existing folder.
public struct ProjectPath: Sendable, Equatable {
    /// The resolved absolute path.
    public let url: URL
    /// The path relative to the project root ("." for the root itself).
    public let relative: String

    /// Resolves `path` (relative to `root`, or absolute) or throws an `AgentError` saying why not.
    public init(_ path: String, in root: URL) throws {
        guard !path.isEmpty else { throw AgentError(.outsideProject, "the path is empty") }
        guard !path.utf8.contains(0) else { throw AgentError(.outsideProject, "the path contains a NUL byte") }
        guard let rootPath = Self.realPath(root.path) else {
            throw AgentError(.outsideProject, "the project directory \(root.path) does not exist")
        }
        let joined = path.hasPrefix("/") ? path : rootPath + "/" + path

        // Resolve the longest existing prefix, then append the components that do not exist yet.
        var components = joined.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var missing: [String] = []
        var resolved: String?
        while resolved == nil {
            let candidate = "/" + components.joined(separator: "/")
            if let real = Self.realPath(candidate) {
                resolved = real
            } else if let last = components.popLast() {
                missing.insert(last, at: 0)
            } else {
                resolved = "/"
            }
        }
        var full = resolved!
        for component in missing {
            switch component {
            case ".": continue
            case "..":
                // Below a missing folder ".." cannot be resolved against the disk; refuse rather than guess.
                throw AgentError(.outsideProject, "'\(path)' climbs out of a folder that does not exist")
            default:
                full = full == "/" ? "/" + component : full + "/" + component
            }
        }

        if full == rootPath {
            relative = "."
        } else if full.hasPrefix(rootPath == "/" ? "/" : rootPath + "/") {
            relative = String(full.dropFirst(rootPath == "/" ? 1 : rootPath.count + 1))
        } else {
            throw AgentError(.outsideProject, "'\(path)' is outside the project directory; only files under \(rootPath) can be used")
        }
        url = URL(fileURLWithPath: full)
    }

    /// Folders tools never write into, wherever they are in the tree: deployotron's own state (a
    /// tool could otherwise change what the user allowed or which prompts run) and a repository's
    /// metadata (hooks and config run code on the user's next git command).
    public static let protectedFolders: Set<String> = [".deployotron", ".git"]

    /// The protected folder this path is in or is, after symbolic links were resolved; nil when none.
    /// Compared without case, for file systems that ignore it.
    public var protectedFolder: String? {
        relative.split(separator: "/").lazy.map { $0.lowercased() }.first { Self.protectedFolders.contains($0) }
    }

    /// The canonical path with every symbolic link resolved; nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
