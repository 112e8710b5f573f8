import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The shape of a project on disk: which files and folders each folder holds.
///
/// Built with one `readdir` walk that never enters dependency, VCS or build-output folders,
/// so detection stays fast on large trees.
struct ProjectTree: Sendable {
    /// Folders never entered: dependencies, version control, build outputs, caches.
    static let skippedDirectories: Set<String> = [
        "node_modules", "vendor", ".git", "target", "build", "dist",
        ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache", ".pytest_cache",
        ".next", ".nuxt", ".output", ".svelte-kit", ".astro", ".gradle", ".idea", ".vscode",
        "_build", "deps", "bin", "obj", ".terraform", ".cache", "coverage", ".turbo",
    ]

    struct Listing: Sendable {
        var files: [String] = []
        var directories: [String] = []
    }

    let root: URL
    /// Relative folder path ("" for the root) to what it holds.
    private(set) var listings: [String: Listing] = [:]
    private(set) var fileCount = 0

    /// Walks `root` down to `maxDepth` folders deep.
    init(root: URL, maxDepth: Int = 8) {
        self.root = root
        var pending: [(String, Int)] = [("", 0)]
        while let (relative, depth) = pending.popLast() {
            let path = relative.isEmpty ? root.path : root.path + "/" + relative
            guard let dir = opendir(path) else { continue }
            var listing = Listing()
            while let entry = readdir(dir) {
                let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                    pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name == "." || name == ".." { continue }
                var isDirectory = entry.pointee.d_type == UInt8(DT_DIR)
                var isFile = entry.pointee.d_type == UInt8(DT_REG)
                if entry.pointee.d_type == UInt8(DT_UNKNOWN) || entry.pointee.d_type == UInt8(DT_LNK) {
                    var info = stat()
                    if stat(path + "/" + name, &info) == 0 {
                        isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
                        isFile = (info.st_mode & S_IFMT) == S_IFREG
                    }
                    // A symlinked folder is listed but not entered, so cycles cannot happen.
                    if entry.pointee.d_type == UInt8(DT_LNK) && isDirectory {
                        listing.directories.append(name)
                        continue
                    }
                }
                if isDirectory {
                    listing.directories.append(name)
                    if depth < maxDepth && !Self.skippedDirectories.contains(name) {
                        pending.append((relative.isEmpty ? name : relative + "/" + name, depth + 1))
                    }
                } else if isFile {
                    listing.files.append(name)
                }
            }
            closedir(dir)
            fileCount += listing.files.count
            listings[relative] = listing
        }
    }

    /// Whether `path` (relative to the root) is a file the walk saw.
    func hasFile(_ path: String) -> Bool {
        let (folder, name) = Self.split(path)
        return listings[folder]?.files.contains(name) ?? false
    }

    func hasDirectory(_ path: String) -> Bool {
        listings[path] != nil || {
            let (folder, name) = Self.split(path)
            return listings[folder]?.directories.contains(name) ?? false
        }()
    }

    func files(in folder: String) -> [String] {
        listings[folder]?.files ?? []
    }

    /// Every walked folder, shallowest first.
    var folders: [String] {
        listings.keys.sorted { depth(of: $0) == depth(of: $1) ? $0 < $1 : depth(of: $0) < depth(of: $1) }
    }

    /// Files under `folder` (relative to the root) at most `maxDepth` folders below it.
    func files(under folder: String, maxDepth: Int) -> [String] {
        var result: [String] = []
        var pending: [(String, Int)] = [(folder, 0)]
        while let (current, depth) = pending.popLast() {
            guard let listing = listings[current] else { continue }
            for name in listing.files { result.append(current.isEmpty ? name : current + "/" + name) }
            if depth < maxDepth {
                for name in listing.directories where !Self.skippedDirectories.contains(name) {
                    pending.append((current.isEmpty ? name : current + "/" + name, depth + 1))
                }
            }
        }
        return result
    }

    func depth(of folder: String) -> Int {
        folder.isEmpty ? 0 : folder.split(separator: "/").count
    }

    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    static func join(_ folder: String, _ path: String) -> String {
        folder.isEmpty ? path : folder + "/" + path
    }
}
