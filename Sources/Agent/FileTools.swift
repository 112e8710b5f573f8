import Foundation
import JSON

/// The project's files as tools: `list_files` and `read_file` (read-only) and `write_file` (changes something).
///
/// Every path goes through `ProjectPath`, so nothing outside the project directory is listed, read or
/// written, whatever `..`, absolute path or symbolic link Claude tries.
public enum FileTools {
    /// The largest file `read_file` loads; past it Claude is told to read a line range of something smaller.
    public static let maxReadBytes = 8 * 1024 * 1024
    /// The most entries `list_files` returns.
    public static let maxListedEntries = 2_000
    /// Folders a recursive listing does not descend into: generated, vendored or version-control data.
    public static let skippedFolders: Set<String> = [".git", ".hg", ".svn", "node_modules", ".build", ".venv", "__pycache__", "target", "dist", ".next"]

    public static var all: [Tool] { [listFiles, readFile, writeFile] }

    // MARK: - list_files

    struct ListFilesInput: ToolInput, Codable {
        var path: String?
        var recursive: Bool?

        static let schema: JSONValue = [
            "type": "object",
            "properties": [
                "path": ["type": "string", "description": "Folder to list, relative to the project root. Default: the project root."],
                "recursive": ["type": "boolean", "description": "List the whole tree below the folder. Default: false."],
            ],
            "additionalProperties": false,
        ]
    }

    public static let listFiles = Tool.make(
        name: "list_files",
        description: """
            List the files and folders of a folder in the project (the current directory). Folders end with '/'. \
            With recursive: true, lists the whole tree below the folder, skipping .git, node_modules, build \
            output and virtualenvs. Paths are relative to the project root. Use it to see what a project contains \
            before reading files.
            """,
        risk: .readOnly,
        input: ListFilesInput.self,
        summarize: { input in input.path ?? "." },
        run: { input, context in
            let target = try ProjectPath(input.path ?? ".", in: context.projectRoot)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: target.url.path, isDirectory: &isDirectory) else {
                return .error("'\(target.relative)' does not exist")
            }
            guard isDirectory.boolValue else { return .error("'\(target.relative)' is a file, not a folder; use read_file") }
            let recursive = input.recursive ?? false
            var lines: [String] = []
            var truncated = false
            var queue: [(url: URL, prefix: String)] = [(target.url, target.relative == "." ? "" : target.relative + "/")]
            while !queue.isEmpty, !truncated {
                let (folder, prefix) = queue.removeFirst()
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
                for name in names {
                    let url = folder.appendingPathComponent(name)
                    let values = try? url.resourceValues(forKeys: [.isDirectoryKey, .isSymbolicLinkKey])
                    let isLink = values?.isSymbolicLink ?? false
                    let isFolder = !isLink && (values?.isDirectory ?? false)
                    lines.append(prefix + name + (isFolder ? "/" : "") + (isLink ? " (symbolic link)" : ""))
                    if lines.count >= maxListedEntries { truncated = true; break }
                    if recursive, isFolder, !skippedFolders.contains(name) {
                        queue.append((url, prefix + name + "/"))
                    }
                }
            }
            if lines.isEmpty { return ToolOutput(text: "'\(target.relative)' is empty") }
            if truncated { lines.append("[listing stopped at \(maxListedEntries) entries; list a subfolder to see more]") }
            return ToolOutput(text: lines.joined(separator: "\n"))
        }
    )

    // MARK: - read_file

    struct ReadFileInput: ToolInput, Codable {
        var path: String
        var offset: Int?
        var limit: Int?

        static let schema: JSONValue = [
            "type": "object",
            "properties": [
                "path": ["type": "string", "minLength": 1, "description": "File to read, relative to the project root."],
                "offset": ["type": "integer", "minimum": 1, "description": "First line to return, counting from 1."],
                "limit": ["type": "integer", "minimum": 1, "description": "Number of lines to return."],
            ],
            "required": ["path"],
            "additionalProperties": false,
        ]
    }

    public static let readFile = Tool.make(
        name: "read_file",
        description: """
            Read a text file of the project. Paths are relative to the project root; files outside the project \
            cannot be read. For a long file, pass offset (first line, from 1) and limit (number of lines) to read part of it.
            """,
        risk: .readOnly,
        input: ReadFileInput.self,
        summarize: { input in input.path },
        run: { input, context in
            let target = try ProjectPath(input.path, in: context.projectRoot)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: target.url.path, isDirectory: &isDirectory) else {
                return .error("'\(target.relative)' does not exist")
            }
            guard !isDirectory.boolValue else { return .error("'\(target.relative)' is a folder; use list_files") }
            let size = (try? FileManager.default.attributesOfItem(atPath: target.url.path)[.size] as? Int) ?? 0
            guard size <= maxReadBytes else {
                return .error("'\(target.relative)' is \(size) bytes, more than read_file loads (\(maxReadBytes)); it is probably not source code")
            }
            guard let data = FileManager.default.contents(atPath: target.url.path) else {
                return .error("'\(target.relative)' cannot be read (permissions?)")
            }
            guard !data.contains(0), let text = String(data: data, encoding: .utf8) else {
                return .error("'\(target.relative)' is not a UTF-8 text file")
            }
            let offset = input.offset
            let limit = input.limit
            guard offset != nil || limit != nil else {
                return ToolOutput(text: text.isEmpty ? "('\(target.relative)' is empty)" : text)
            }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let first = (offset ?? 1) - 1
            guard first < lines.count else {
                return .error("'\(target.relative)' has \(lines.count) lines; offset \(first + 1) is past its end")
            }
            let last = min(lines.count, first + (limit ?? lines.count))
            let header = "[lines \(first + 1)-\(last) of \(lines.count)]\n"
            return ToolOutput(text: header + lines[first..<last].joined(separator: "\n"))
        }
    )

    // MARK: - write_file

    struct WriteFileInput: ToolInput, Codable {
        var path: String
        var content: String

        static let schema: JSONValue = [
            "type": "object",
            "properties": [
                "path": ["type": "string", "minLength": 1, "description": "File to write, relative to the project root."],
                "content": ["type": "string", "description": "The complete new content of the file."],
            ],
            "required": ["path", "content"],
            "additionalProperties": false,
        ]
    }

    public static let writeFile = Tool.make(
        name: "write_file",
        description: """
            Create or replace a file of the project with the given content (the whole file). Missing folders are \
            created. Paths are relative to the project root; files outside the project, and anything inside \
            .git/ or .deployotron/, cannot be written. The user is asked before the file is written.
            """,
        risk: .changes,
        input: WriteFileInput.self,
        summarize: { input in input.path },
        run: { input, context in
            let target = try ProjectPath(input.path, in: context.projectRoot)
            guard target.relative != "." else { return .error("the project root itself cannot be written") }
            if let folder = target.protectedFolder {
                return .error("'\(target.relative)' is inside \(folder)/, which tools cannot write (deployotron's settings and git's hooks and config would let a file change what runs next); ask the user to make that change")
            }
            var isDirectory: ObjCBool = false
            let existed = FileManager.default.fileExists(atPath: target.url.path, isDirectory: &isDirectory)
            if existed, isDirectory.boolValue { return .error("'\(target.relative)' is a folder") }
            let data = Data(input.content.utf8)
            do {
                try FileManager.default.createDirectory(at: target.url.deletingLastPathComponent(), withIntermediateDirectories: true)
                // Replaced atomically; an existing file keeps its mode (an executable script stays executable).
                let mode = existed ? (try? FileManager.default.attributesOfItem(atPath: target.url.path))?[.posixPermissions] : nil
                try data.write(to: target.url, options: .atomic)
                if let mode { try? FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: target.url.path) }
            } catch {
                return .error("could not write '\(target.relative)': \(error.localizedDescription)")
            }
            return ToolOutput(text: "\(existed ? "Replaced" : "Created") \(target.relative) (\(data.count) bytes)")
        }
    )
}
