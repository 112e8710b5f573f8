import Crypto
import Foundation

/// The files of a built static site, with the headers each is served with.
public struct SiteFile: Sendable, Equatable {
    /// The path inside the site, `/`-separated: `assets/app.3f9a1c2e.js`.
    public var path: String
    public var url: URL
    public var size: Int

    /// `Content-Type` by extension, with a charset for text.
    public var contentType: String {
        let ext = (path as NSString).pathExtension.lowercased()
        let type = Self.types[ext] ?? "application/octet-stream"
        return type.hasPrefix("text/") || ["application/javascript", "application/json", "image/svg+xml", "application/xml", "application/manifest+json"].contains(type)
            ? type + "; charset=utf-8" : type
    }

    /// Fingerprinted assets (a content hash in the name) never change: cache them for a year.
    /// Everything else, HTML first, is revalidated on every request.
    public var cacheControl: String {
        isFingerprinted ? "public, max-age=31536000, immutable" : "no-cache"
    }

    /// Whether the file name carries a content hash: `app.3f9a1c2e.js`, `index-B2xk9Qe1.css`, `chunk.a1b2c3d4e5.mjs`.
    public var isFingerprinted: Bool {
        let name = (path as NSString).lastPathComponent
        guard !name.lowercased().hasSuffix(".html") else { return false }
        let stem = (name as NSString).deletingPathExtension
        let pieces = stem.split(whereSeparator: { $0 == "." || $0 == "-" || $0 == "_" })
        guard pieces.count >= 2, let last = pieces.last else { return false }
        let hash = String(last)
        guard (8...32).contains(hash.count), hash.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return false }
        // A real hash mixes digits in (or is all hex), unlike a word such as "component".
        let digits = hash.filter(\.isNumber).count
        let isHex = hash.allSatisfy(\.isHexDigit)
        return digits >= 2 || (isHex && digits >= 1)
    }

    static let types: [String: String] = [
        "html": "text/html", "htm": "text/html", "css": "text/css", "js": "application/javascript", "mjs": "application/javascript",
        "json": "application/json", "map": "application/json", "webmanifest": "application/manifest+json", "xml": "application/xml",
        "txt": "text/plain", "md": "text/markdown", "csv": "text/csv", "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg",
        "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp", "avif": "image/avif", "ico": "image/x-icon",
        "woff": "font/woff", "woff2": "font/woff2", "ttf": "font/ttf", "otf": "font/otf", "eot": "application/vnd.ms-fontobject",
        "wasm": "application/wasm", "pdf": "application/pdf", "mp4": "video/mp4", "webm": "video/webm", "mp3": "audio/mpeg",
    ]

    /// The hex MD5 of the content: what S3 reports as the ETag of a single-part upload.
    public func md5() throws -> String {
        let data = try Data(contentsOf: url)
        return Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Every regular file under `folder`, sorted by path; secrets (`.env*`) and VCS folders are left out.
    public static func list(in folder: URL) throws -> [SiteFile] {
        let root = folder.standardizedFileURL.resolvingSymlinksInPath()
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey], options: []) else {
            throw DeployError(.invalidInput, "\(root.path) cannot be read")
        }
        var files: [SiteFile] = []
        for case let url as URL in walker {
            let name = url.lastPathComponent
            if [".git", ".svn", ".hg", "node_modules"].contains(name) { walker.skipDescendants(); continue }
            if BuildContext.isAlwaysExcluded(name) { continue }
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values.isRegularFile == true else { continue }
            let full = url.standardizedFileURL.resolvingSymlinksInPath().path
            guard full.hasPrefix(root.path + "/") else { continue }
            files.append(SiteFile(path: String(full.dropFirst(root.path.count + 1)), url: url, size: values.fileSize ?? 0))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// The folder a build wrote the site to: the first of the usual output folders that holds an
    /// `index.html`, else the app folder itself when it does.
    public static func outputFolder(in app: URL) -> URL? {
        for candidate in ["dist", "build", "out", "public", ".output/public", "_site", "www", "site"] {
            let folder = app.appendingPathComponent(candidate, isDirectory: true)
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("index.html").path) { return folder }
        }
        return FileManager.default.fileExists(atPath: app.appendingPathComponent("index.html").path) ? app : nil
    }
}
