/// The result of analysing one log: what `deployotron analyze --json` prints and what the
/// `analyze_logs` tool returns. JSON keys are snake_case.
public struct LogAnalysis: Codable, Sendable, Equatable {
    /// A known failure found in the log.
    public struct SignatureHit: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public var hint: String
        public var category: String
        /// How many lines matched.
        public var count: Int
        /// The first few matching line numbers (1-based).
        public var lines: [Int]
        /// The first matching line, secrets redacted.
        public var example: String
    }

    /// A line worth reading, with its 1-based number; secrets redacted.
    public struct KeyLine: Codable, Sendable, Equatable {
        public var line: Int
        public var text: String
    }

    /// One folded template.
    public struct Template: Codable, Sendable, Equatable {
        public var id: Int
        public var pattern: String
        public var count: Int
        public var firstLine: Int
        public var sample: String

        enum CodingKeys: String, CodingKey {
            case id, pattern, count, sample
            case firstLine = "first_line"
        }
    }

    public var lineCount: Int
    public var byteCount: Int
    public var truncatedLines: Int
    public var templateCount: Int
    public var signatures: [SignatureHit]
    public var keyLines: [KeyLine]
    /// Templates by descending count (at most `LogAnalysisOptions.templateLimit`).
    public var templates: [Template]
    /// Exactly what would be sent to Claude, secrets redacted.
    public var excerpt: String
    /// `TokenEstimate.tokens(excerpt)`.
    public var excerptTokens: Int
    public var summary: String

    enum CodingKeys: String, CodingKey {
        case signatures, templates, excerpt, summary
        case lineCount = "line_count"
        case byteCount = "byte_count"
        case truncatedLines = "truncated_lines"
        case templateCount = "template_count"
        case keyLines = "key_lines"
        case excerptTokens = "excerpt_tokens"
    }
}
