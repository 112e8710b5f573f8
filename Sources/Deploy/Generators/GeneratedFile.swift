import Foundation

/// A file a generator produced, and whether it was written into the project.
public struct GeneratedFile: Sendable, Codable, Equatable {
    /// Relative to the project folder given to the generator.
    public var path: String
    public var contents: String
    public var written: Bool

    public init(path: String, contents: String, written: Bool = false) {
        self.path = path
        self.contents = contents
        self.written = written
    }
}
