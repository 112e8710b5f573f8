import Foundation

/// Finds the port an app's source listens on: `listen(4000)`, `PORT || 5001`, `":8081"`.
///
/// The last resort for the port, after the framework and the Dockerfile; it reads a bounded number
/// of likely entry files so a large tree costs no more than a small one.
struct SourcePortScanner: Sendable {
    static let sourceExtensions: Set<String> = ["js", "mjs", "cjs", "ts", "py", "go", "rb", "php", "rs", "java", "kt", "cs", "ex", "exs"]
    static let preferredNames: Set<String> = ["server", "index", "app", "main", "application", "program", "config", "settings", "router", "endpoint", "runtime"]
    /// How many files are read at most.
    var maxFiles = 40

    private static let patterns: [NSRegularExpression] = [
        #"listen\(\s*(\d{4,5})"#,
        #"PORT\s*(?:\|\||\?\?|or|,|:-|\?:)\s*['"]?(\d{4,5})"#,
        #"[Pp]ort\s*[:=]\s*['"]?(\d{4,5})\b"#,
        #"["'](?:0\.0\.0\.0|localhost|127\.0\.0\.1)?:(\d{4,5})["']"#,
        #"\.bind\(\s*["'][^"']*:(\d{4,5})["']"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    /// The first port found and the file it was found in.
    func scan(_ facts: ProjectFacts) -> (port: Int, file: String)? {
        let files = facts.tree.files(under: facts.folder, maxDepth: 3).filter { path in
            let ext = path.split(separator: ".").last.map(String.init) ?? ""
            return Self.sourceExtensions.contains(ext) && !path.contains("/test") && !path.contains("spec.")
        }
        let relative = files.map { facts.folder.isEmpty ? $0 : String($0.dropFirst(facts.folder.count + 1)) }
        let ranked = relative.sorted { a, b in
            let pa = Self.rank(a), pb = Self.rank(b)
            return pa == pb ? a < b : pa < pb
        }
        for path in ranked.prefix(maxFiles) {
            guard let text = facts.read(path) else { continue }
            let range = NSRange(text.startIndex..., in: text)
            for pattern in Self.patterns {
                for match in pattern.matches(in: text, range: range) {
                    guard let group = Range(match.range(at: 1), in: text), let port = Int(text[group]), (1024...65535).contains(port) else { continue }
                    return (port, path)
                }
            }
        }
        return nil
    }

    private static func rank(_ path: String) -> Int {
        let name = ProjectTree.split(path).name
        let stem = name.split(separator: ".").first.map(String.init)?.lowercased() ?? name
        let depth = path.split(separator: "/").count
        return (preferredNames.contains(stem) ? 0 : 10) + depth
    }
}
