import Foundation

/// The files deployotron ships, compiled into the binary: skills, prompts, notify.sh, the failure
/// signatures and the Dockerfile and compose templates.
///
/// They are the defaults of last resort. A file in the install layout (a checkout,
/// `PREFIX/share/deployotron`, `DEPLOYOTRON_HOME`) or in the project wins; these are used, without
/// a word, when there is none, so a binary copied on its own still works. The EmbedFiles build
/// plugin generates them from the package's files, which stay the source of truth.
///
/// The tree mirrors the install layout, plus two files the modules used to carry as resources:
/// `skills/…`, `prompts/…`, `notify/notify.sh`, `signatures.json` and `templates/…`.
public enum BundledFiles {
    /// How the generator stored a file: as text when a Swift literal holds it byte for byte, else
    /// as base64.
    enum Stored: Sendable {
        case text(String)
        case base64(String)

        var data: Data? {
            switch self {
            case .text(let text): Data(text.utf8)
            case .base64(let encoded): Data(base64Encoded: encoded)
            }
        }
    }

    /// Every path in the tree, sorted.
    public static let paths: [String] = embedded.keys.sorted()

    /// The bytes of the file at `path` in the tree (`prompts/system.md`); nil when there is none.
    public static func data(at path: String) -> Data? {
        embedded[path]?.data
    }

    /// The file at `path` as text; nil when there is none or it is not UTF-8.
    public static func text(at path: String) -> String? {
        switch embedded[path] {
        case .text(let text): text
        case .base64(let encoded): Data(base64Encoded: encoded).flatMap { String(data: $0, encoding: .utf8) }
        case nil: nil
        }
    }

    // MARK: - By kind

    /// The bundled skills by path inside `skills/` (`rollback/SKILL.md`): one folder per skill,
    /// as in the install layout.
    public static let skills: [String: Data] = files(under: "skills")

    /// The bundled prompt template `name` (`system.md`), the built-in copy of `prompts/NAME`.
    public static func prompt(named name: String) -> String? {
        text(at: "prompts/" + name)
    }

    /// notify.sh as shipped, with its `TEMPLATE_GUID` and `TEMPLATE_URL` lines still to fill in.
    public static var notifyScript: String { required("notify/notify.sh") }

    /// The failure signatures LogTriage matches, in their JSON form.
    public static var signatures: Data { Data(required("signatures.json").utf8) }

    /// The Dockerfile, `.dockerignore` and compose templates, by file name (`node.Dockerfile.mustache`).
    public static let templates: [String: String] = files(under: "templates").compactMapValues { String(data: $0, encoding: .utf8) }

    // MARK: - Lookup

    /// The file at `path` (`notify/notify.sh`) as deployotron finds it: the install layout's copy
    /// when `layout` has a readable one, else the built-in one, with the URL it came from (a file
    /// URL, or one under `root`). nil when neither has it.
    public static func lookUp(_ path: String, in layout: InstallLayout?) -> (url: URL, data: Data)? {
        if let layout {
            let file = layout.root.appendingPathComponent(path)
            if let data = FileManager.default.contents(atPath: file.path) { return (file, data) }
        }
        return data(at: path).map { (url(for: path), $0) }
    }

    // MARK: - As URLs

    /// The tree as a URL, for code that keeps a URL for where a file came from (a skill's folder):
    /// `root.appendingPathComponent("skills")` names the bundled skills. Nothing on disk answers to
    /// it: read through `data(at:)` with `path(of:)`.
    public static let root = URL(string: "deployotron-bundled:///")!

    /// The URL under `root` of the path `path` in the tree (`skills`, `prompts/system.md`).
    public static func url(for path: String) -> URL {
        root.appendingPathComponent(path)
    }

    /// The path in the tree that `url` names (`skills/rollback`; empty for `root` itself); nil when
    /// `url` is not under `root`, such as any file URL.
    public static func path(of url: URL) -> String? {
        guard url.scheme == root.scheme else { return nil }
        return url.path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }

    // MARK: - Private

    /// The files under `folder/`, keyed by their path inside it.
    private static func files(under folder: String) -> [String: Data] {
        var found: [String: Data] = [:]
        for (path, stored) in embedded where path.hasPrefix(folder + "/") {
            found[String(path.dropFirst(folder.count + 1))] = stored.data
        }
        return found
    }

    /// A file the plugin always embeds; the build fails without it, and the tests compare it.
    private static func required(_ path: String) -> String {
        guard let text = text(at: path) else {
            preconditionFailure("\(path) is not embedded: the EmbedFiles plugin's list of sources no longer includes it")
        }
        return text
    }
}
