/// The token estimate used for budgets: one token per four Unicode scalars, rounded up.
/// Claude's tokenizer averages close to that on English and log text; it is a budget, not a bill.
public enum TokenEstimate {
    public static func tokens(_ text: String) -> Int {
        (text.unicodeScalars.count + 3) / 4
    }

    /// Tokens of one excerpt line including its newline.
    static func lineTokens(_ text: String) -> Double {
        Double(text.unicodeScalars.count + 1) / 4
    }
}
