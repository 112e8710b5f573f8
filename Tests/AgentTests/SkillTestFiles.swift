import Foundation

/// A temporary folder for skill and prompt tests, removed by `remove()`.
struct SkillTestFiles {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("skills-\(UUID().uuidString)", isDirectory: true)
            .resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func url(_ path: String) -> URL {
        root.appendingPathComponent(path)
    }

    /// Writes `text` at `path` (relative to the root), creating folders.
    @discardableResult
    func write(_ path: String, _ text: String) throws -> URL {
        let url = url(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// Writes `folder/SKILL.md` under `source` with a name and description.
    @discardableResult
    func skill(_ source: String, _ folder: String, name: String? = nil, description: String, body: String = "Body.") throws -> URL {
        try write("\(source)/\(folder)/SKILL.md", "---\nname: \(name ?? folder)\ndescription: \(description)\n---\n\n\(body)\n")
    }

    func symlink(_ path: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: url(path).path, withDestinationPath: destination)
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}
