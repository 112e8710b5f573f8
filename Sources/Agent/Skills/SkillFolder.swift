import Foundation
import Locations

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A skill's folder as `read_skill_file` sees it: files inside it can be read, nothing outside.
///
/// Confinement is by real path: the folder and the requested file are both resolved through every
/// symlink, and the file must lie under the folder. So `..`, absolute paths, and symlinks pointing
/// out of the folder are all refused, while a skill folder that is itself a symlink (a common way
/// to install skills) still works.
///
/// A bundled skill with no install layout on disk lives in the binary (`BundledFiles`): its folder
/// is a URL under `BundledFiles.root`, and its files are looked up by path in the tree, with the
/// same refusals.
struct SkillFolder: Sendable {
    /// What a lookup found.
    enum Lookup: Sendable, Equatable {
        case file(URL)
        /// Why the path is refused, in words for Claude.
        case refused(String)
    }

    var url: URL

    /// The longest file `read_skill_file` returns whole.
    static let maximumFileSize = 256 * 1024

    /// The folder's path in the binary's tree, when it is a built-in skill's.
    private var builtInPath: String? { BundledFiles.path(of: url) }

    func resolve(_ relativePath: String) -> Lookup {
        let path = relativePath.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !path.isEmpty else { return .refused("give a path relative to the skill's folder, e.g. reference.md") }
        guard !path.hasPrefix("/"), !path.hasPrefix("~") else {
            return .refused("'\(path)' is absolute; give a path relative to the skill's folder")
        }
        guard !path.split(separator: "/").contains("..") else {
            return .refused("'\(path)' leaves the skill's folder ('..' is not allowed)")
        }
        if let folder = builtInPath {
            let inside = path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
            let full = folder + "/" + inside
            guard BundledFiles.data(at: full) != nil || Self.isBuiltInFolder(full) else {
                return .refused("no file '\(path)' in the skill's folder\(listingHint())")
            }
            return .file(BundledFiles.url(for: full))
        }
        guard let root = Self.realPath(url.path) else {
            return .refused("the skill's folder \(url.path) no longer exists")
        }
        guard let real = Self.realPath(root + "/" + path) else {
            return .refused("no file '\(path)' in the skill's folder\(listingHint())")
        }
        guard real.hasPrefix(root + "/") else {
            return .refused("'\(path)' points outside the skill's folder; only files inside it can be read")
        }
        return .file(URL(fileURLWithPath: real))
    }

    /// Reads a file of the folder as text.
    func read(_ relativePath: String) -> (text: String, isError: Bool) {
        let file: URL
        switch resolve(relativePath) {
        case .refused(let reason): return (reason, true)
        case .file(let url): file = url
        }
        let data: Data
        if let builtIn = BundledFiles.path(of: file) {
            guard let contents = BundledFiles.data(at: builtIn) else {
                return ("'\(relativePath)' is a folder\(listingHint())", true)
            }
            data = contents
        } else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return ("'\(relativePath)' is a folder\(listingHint())", true)
            }
            guard let contents = FileManager.default.contents(atPath: file.path) else {
                return ("cannot read '\(relativePath)'", true)
            }
            data = contents
        }
        let kept = data.prefix(Self.maximumFileSize)
        // A cut may fall inside a character: drop up to three bytes of it.
        let cuts = kept.count < data.count ? 0...3 : 0...0
        guard let (text, used) = cuts.lazy.compactMap({ cut in String(data: kept.dropLast(cut), encoding: .utf8).map { ($0, kept.count - cut) } }).first else {
            return ("'\(relativePath)' is not a text file", true)
        }
        if used < data.count {
            return (text + "\n\n[truncated: the first \(used) of \(data.count) bytes]", false)
        }
        return (text, false)
    }

    /// The folder's files other than SKILL.md, relative to it, sorted; hidden ones left out.
    func files(limit: Int = 100) -> [String] {
        if let folder = builtInPath {
            let relative = BundledFiles.paths.filter { $0.hasPrefix(folder + "/") }.map { String($0.dropFirst(folder.count + 1)) }
            return Array(relative.filter { $0 != Skill.fileName && !$0.split(separator: "/").contains { $0.hasPrefix(".") } }.prefix(limit))
        }
        guard let root = Self.realPath(url.path),
              let enumerator = FileManager.default.enumerator(at: URL(fileURLWithPath: root), includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { return [] }
        var files: [String] = []
        for case let file as URL in enumerator {
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let full = file.standardizedFileURL.path
            guard full.hasPrefix(root + "/") else { continue }
            let relative = String(full.dropFirst(root.count + 1))
            if relative != Skill.fileName { files.append(relative) }
            if files.count >= limit { break }
        }
        return files.sorted()
    }

    private func listingHint() -> String {
        let files = files()
        return files.isEmpty ? "; the skill has no other files" : "; its files: \(files.joined(separator: ", "))"
    }

    /// Whether some built-in file lies under `path`.
    static func isBuiltInFolder(_ path: String) -> Bool {
        BundledFiles.paths.contains { $0.hasPrefix(path + "/") }
    }

    /// The path with every symlink resolved; nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
