import Foundation

/// What one candidate app folder holds, read lazily: file names, manifests and their dependencies.
///
/// A class because it caches file reads while the ordered rules query it; it lives only inside
/// one detection call and never crosses a concurrency boundary.
final class ProjectFacts {
    let tree: ProjectTree
    /// The folder, relative to the tree's root ("" for the root).
    let folder: String
    private var cache: [String: String?] = [:]
    private var nodeManifest: NodeManifest??

    init(tree: ProjectTree, folder: String) {
        self.tree = tree
        self.folder = folder
    }

    func has(_ path: String) -> Bool {
        tree.hasFile(ProjectTree.join(folder, path))
    }

    func hasDirectory(_ path: String) -> Bool {
        tree.hasDirectory(ProjectTree.join(folder, path))
    }

    /// The first of `paths` that exists.
    func first(_ paths: [String]) -> String? {
        paths.first(where: has)
    }

    /// Names of files directly in the folder.
    var fileNames: [String] { tree.files(in: folder) }

    /// Files in the folder ending with `suffix`.
    func files(endingWith suffix: String) -> [String] {
        fileNames.filter { $0.hasSuffix(suffix) }.sorted()
    }

    /// The text of `path` (relative to the folder), at most 512 KiB of it; nil when unreadable.
    func read(_ path: String) -> String? {
        if let cached = cache[path] { return cached }
        var text: String?
        if has(path) {
            let url = tree.root.appendingPathComponent(ProjectTree.join(folder, path))
            if let handle = try? FileHandle(forReadingFrom: url) {
                let data = (try? handle.read(upToCount: 512 * 1024)) ?? Data()
                try? handle.close()
                text = String(decoding: data, as: UTF8.self)
            }
        }
        cache[path] = text
        return text
    }

    /// Whether `path` exists and mentions `needle`.
    func mentions(_ path: String, _ needle: String) -> Bool {
        read(path)?.contains(needle) ?? false
    }

    var node: NodeManifest? {
        if let nodeManifest { return nodeManifest }
        let parsed = read("package.json").flatMap { NodeManifest(json: $0) }
        nodeManifest = .some(parsed)
        return parsed
    }

    /// The Python dependency declarations of every manifest, lowercased, for name checks.
    lazy var pythonManifests: String = ["requirements.txt", "pyproject.toml", "Pipfile", "setup.py", "setup.cfg", "requirements/base.txt", "requirements/prod.txt"]
        .compactMap { read($0) }.joined(separator: "\n").lowercased()

    /// Whether a Python manifest names `package` as a dependency.
    func pythonDependency(_ package: String) -> Bool {
        let text = pythonManifests
        var searchStart = text.startIndex
        while let range = text.range(of: package, range: searchStart..<text.endIndex) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            let boundaryBefore = before.map { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") } ?? true
            let boundaryAfter = after.map { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") } ?? true
            if boundaryBefore && boundaryAfter { return true }
            searchStart = range.upperBound
        }
        return false
    }

    /// The Java build files' text.
    lazy var javaBuild: String = ["pom.xml", "build.gradle", "build.gradle.kts"].compactMap { read($0) }.joined(separator: "\n")

    /// The first C#/F# project file and its text.
    lazy var dotnetProject: (name: String, text: String)? = {
        for name in self.files(endingWith: ".csproj") + self.files(endingWith: ".fsproj") {
            if let text = self.read(name) { return (name, text) }
        }
        return nil
    }()

    /// Whether a Cargo.toml `[dependencies]` names `crate`.
    func cargoDependency(_ crate: String) -> Bool {
        guard let text = read("Cargo.toml") else { return false }
        return text.split(separator: "\n").contains { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix(crate + " ") || trimmed.hasPrefix(crate + "=") || trimmed.hasPrefix("\"\(crate)\"")
        }
    }

    /// Whether go.mod requires `module`.
    func goDependency(_ module: String) -> Bool {
        read("go.mod")?.contains(module) ?? false
    }

    /// Whether the Gemfile asks for `gem`.
    func gem(_ gem: String) -> Bool {
        guard let text = read("Gemfile") else { return false }
        return text.contains("gem \"\(gem)\"") || text.contains("gem '\(gem)'")
    }

    /// Whether composer.json requires `package`.
    func composerPackage(_ package: String) -> Bool {
        read("composer.json")?.contains("\"\(package)\"") ?? false
    }
}

/// The parts of a package.json detection needs.
struct NodeManifest: Sendable {
    var name: String?
    var main: String?
    var packageManager: String?
    var dependencies: Set<String>
    var scripts: [String: String]
    var isWorkspaceRoot: Bool

    init?(json: String) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else { return nil }
        name = object["name"] as? String
        main = object["main"] as? String
        packageManager = object["packageManager"] as? String
        var dependencies = Set<String>()
        for key in ["dependencies", "devDependencies", "peerDependencies"] {
            if let map = object[key] as? [String: Any] { dependencies.formUnion(map.keys) }
        }
        self.dependencies = dependencies
        scripts = (object["scripts"] as? [String: Any])?.compactMapValues { $0 as? String } ?? [:]
        isWorkspaceRoot = object["workspaces"] != nil
    }

    func has(_ dependency: String) -> Bool { dependencies.contains(dependency) }

    func hasPrefix(_ prefix: String) -> Bool { dependencies.contains { $0.hasPrefix(prefix) } }
}
