/// Knobs for `LogAnalyzer`. The defaults suit a build or deploy log of any size.
public struct LogAnalysisOptions: Sendable {
    /// The excerpt's budget in estimated tokens (see `TokenEstimate`): a ceiling, not a size. Blocks
    /// much weaker than the best are left out, so most excerpts stay far below it (median 1,330
    /// tokens on LogChunks at 8,000; 90% within 4,822). 8,000 is what leave-one-repository-out
    /// chose on LogChunks (`bench/logtriage/run.sh loo`).
    public var tokenBudget: Int
    /// How many templates the result lists (most frequent first); nil for all.
    public var templateLimit: Int?
    /// Drain's similarity threshold: the share of positions that must agree to join a template.
    /// Masked variables already agree, so this sits above Drain's usual 0.5.
    public var similarity: Double
    /// Templates kept before new shapes fold into one overflow template (bounds memory).
    public var maxTemplates: Int
    /// How many key lines to report.
    public var keyLineLimit: Int
    /// Lines offered first from the output before the first failed step's end (`The command
    /// "make test" exited with 2.`, `Process completed with exit code 1.`), where a CI log
    /// usually says why it failed. At most 190 are kept. 60 is what leave-one-repository-out
    /// chose on LogChunks.
    public var stepLines: Int

    public init(tokenBudget: Int = 8_000, templateLimit: Int? = 200, similarity: Double = 0.7,
                maxTemplates: Int = 20_000, keyLineLimit: Int = 12, stepLines: Int = 60) {
        self.tokenBudget = tokenBudget
        self.templateLimit = templateLimit
        self.similarity = similarity
        self.maxTemplates = maxTemplates
        self.keyLineLimit = keyLineLimit
        self.stepLines = stepLines
    }
}
