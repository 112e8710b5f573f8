/// How another server's tool is named to Claude: `mcp__SERVER__TOOL`, as Claude Code names them.
///
/// Characters the Messages API does not take in a tool name (anything but letters, digits, `_`
/// and `-`) become `_`; a name longer than 64 characters cannot be offered.
public enum MCPToolName {
    public static func make(server: String, tool: String) -> String? {
        let name = "mcp__" + sanitize(server) + "__" + sanitize(tool)
        return name.utf8.count <= 64 ? name : nil
    }

    /// `mcp__SERVER__`: what every tool name of `server` starts with.
    public static func prefix(server: String) -> String {
        "mcp__" + sanitize(server) + "__"
    }

    static func sanitize(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar -> Character in
            let allowed = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
            return allowed ? Character(scalar) : "_"
        })
    }
}
