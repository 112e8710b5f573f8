import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The shape of a project on disk, read lazily: a folder is listed (one `readdir`) the first time
/// detection asks about it, and dependency, VCS and build-output folders are never entered.
///
/// Detection looks at the top few levels and at an app's own manifests, so a 100k-file tree costs
/// about what its first levels cost. A class because it caches listings; it lives inside one detection.
final class ProjectTree {
    /// Folders never entered: dependencies, version control, build outputs, caches.
    static let skippedDirectories: Set<String> = [
        "node_modules", "vendor", ".git", "target", "build", "dist",
        ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache", ".pytest_cache",
        ".next", ".nuxt", ".output", ".svelte-kit", ".astro", ".gradle", ".idea", ".vscode",
        "_build", "deps", "bin", "obj", ".terraform", ".cache", "coverage", ".turbo",
    ]

    struct Listing {
        var files: Set<String> = []
        /// Real folders, which may be entered.
        var directories: [String] = []
        /// Folders reached through a symbolic link: they exist, but are not entered, so cycles cannot happen.
        var linkedDirectories: Set<String> = []
    }

    let root: URL
    private var listings: [String: Listing] = [:]
    /// Files in the folders listed so far.
    private(set) var fileCount = 0

    init(root: URL) {
        self.root = root
    }

    /// What `folder` (relative to the root, "" for the root) holds; empty when it cannot be read
    /// or lies inside a skipped folder.
    func listing(_ folder: String) -> Listing {
        if let cached = listings[folder] { return cached }
        var listing = Listing()
        let insideSkipped = folder.split(separator: "/").contains { Self.skippedDirectories.contains(String($0)) }
        if !insideSkipped {
            listing = Self.read(folder.isEmpty ? root.path : root.path + "/" + folder)
            fileCount += listing.files.count
        }
        listings[folder] = listing
        return listing
    }

    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!

    private static func read(_ path: String) -> Listing {
        var listing = Listing()
        guard let dir = opendir(path) else { return listing }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = String(cString: UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self))
            if name == "." || name == ".." { continue }
            var type = entry.pointee.d_type
            if type == UInt8(DT_UNKNOWN) || type == UInt8(DT_LNK) {
                var info = stat()
                guard stat(path + "/" + name, &info) == 0 else { continue }
                let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
                if type == UInt8(DT_LNK) && isDirectory {
                    listing.linkedDirectories.insert(name)
                    continue
                }
                type = isDirectory ? UInt8(DT_DIR) : ((info.st_mode & S_IFMT) == S_IFREG ? UInt8(DT_REG) : type)
            }
            if type == UInt8(DT_DIR) {
                listing.directories.append(name)
            } else if type == UInt8(DT_REG) {
                listing.files.insert(name)
            }
        }
        listing.directories.sort()
        return listing
    }

    /// Whether `path` (relative to the root) is a file.
    func hasFile(_ path: String) -> Bool {
        let (folder, name) = Self.split(path)
        return listing(folder).files.contains(name)
    }

    func hasDirectory(_ path: String) -> Bool {
        let (folder, name) = Self.split(path)
        let parent = listing(folder)
        return parent.directories.contains(name) || parent.linkedDirectories.contains(name)
    }

    func files(in folder: String) -> [String] {
        listing(folder).files.sorted()
    }

    /// The folders at most `maxDepth` levels below the root, shallowest first, skipped ones left out.
    func folders(maxDepth: Int) -> [String] {
        var result: [String] = [""]
        var level: [String] = [""]
        for _ in 0..<maxDepth {
            var next: [String] = []
            for folder in level {
                for name in listing(folder).directories where !Self.skippedDirectories.contains(name) {
                    next.append(Self.join(folder, name))
                }
            }
            result += next
            level = next
        }
        return result
    }

    /// Files under `folder` (relative to the root) at most `maxDepth` folders below it.
    func files(under folder: String, maxDepth: Int) -> [String] {
        var result: [String] = []
        var pending: [(String, Int)] = [(folder, 0)]
        while let (current, depth) = pending.popLast() {
            let listing = listing(current)
            for name in listing.files.sorted() { result.append(Self.join(current, name)) }
            if depth < maxDepth {
                for name in listing.directories where !Self.skippedDirectories.contains(name) {
                    pending.append((Self.join(current, name), depth + 1))
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
