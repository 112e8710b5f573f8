import Foundation
import PackagePlugin

/// Compiles the files deployotron ships (skills, prompts, notify.sh, failure signatures,
/// Dockerfile templates) into the target it is applied to, so a binary copied on its own still
/// has its defaults.
///
/// The files stay the source of truth; the generated Swift lives in the plugin's work folder and
/// is rebuilt when one of them changes. A file added to one of the folders is picked up at the
/// next build, when SwiftPM asks the plugin for its commands again.
@main struct EmbedFiles: BuildToolPlugin {
    /// Package paths and where each lands in the embedded tree: a folder keeps its layout under
    /// its new name, a file takes the new name.
    static let sources: [(package: String, embedded: String)] = [
        ("skills", "skills"),
        ("prompts", "prompts"),
        ("notify", "notify"),
        ("Sources/LogTriage/Resources/signatures.json", "signatures.json"),
        ("Sources/Deploy/Templates", "templates"),
    ]

    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let root = context.package.directoryURL
        var files: [(embedded: String, url: URL)] = []
        for source in Self.sources {
            let url = root.appendingPathComponent(source.package)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw EmbedFilesError(message: "\(source.package) is missing from the package; the binary cannot carry it")
            }
            if !isDirectory.boolValue {
                files.append((source.embedded, url))
                continue
            }
            for relative in try Self.regularFiles(under: url) {
                files.append((source.embedded + "/" + relative, url.appendingPathComponent(relative)))
            }
        }
        files.sort { $0.embedded < $1.embedded }

        let output = context.pluginWorkDirectoryURL.appendingPathComponent("BundledFiles+Embedded.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) files in \(target.name)",
                executable: try context.tool(named: "EmbedFilesTool").url,
                arguments: [output.path] + files.map { "\($0.embedded)=\($0.url.path)" },
                inputFiles: files.map(\.url),
                outputFiles: [output]
            ),
        ]
    }

    /// The regular files under `folder`, relative to it and sorted; hidden files and folders are left out.
    static func regularFiles(under folder: URL) throws -> [String] {
        let base = folder.standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(
            at: folder, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]
        ) else { return [] }
        var found: [String] = []
        for case let url as URL in enumerator {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(base + "/") else { continue }
            found.append(String(path.dropFirst(base.count + 1)))
        }
        return found.sorted()
    }
}

struct EmbedFilesError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
