/// What a project's guid may be: 1 to 128 bytes of ASCII letters, digits, `.`, `_` and `-`.
///
/// The guid names resources (`tmux-builder-<guid>`), files and containers, goes into URL paths and
/// shell commands, and is the ledger's key. Restricting it to these bytes means no normalisation,
/// escaping or percent-encoding can make two spellings of one guid, or one guid that a route cannot
/// name. `ProjectIdentity` in Agent checks the same rule on `.deployotron/project.json`.
public enum ProjectGuid {
    public static let maxLength = 128

    /// The rule in words, for messages.
    public static let rule = "1 to \(maxLength) ASCII letters, digits, '.', '_' or '-'"

    public static func isValid(_ guid: String) -> Bool {
        let bytes = guid.utf8
        return (1...maxLength).contains(bytes.count) && bytes.allSatisfy(isAllowed)
    }

    static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
