import Foundation

/// A folder under the system's temporary directory, removed when the test drops it.
final class TemporaryFolder: Sendable {
    let url: URL

    init(_ label: String = "deploy") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// Writes `files` (relative path to contents) under a subfolder `name`, returning it.
    @discardableResult
    func project(_ name: String, _ files: [String: String]) throws -> URL {
        let root = url.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (path, contents) in files {
            let file = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try contents.write(to: file, atomically: true, encoding: .utf8)
        }
        return root
    }
}
