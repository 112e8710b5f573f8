/// ANSI styles, or none: colour is off when `NO_COLOR` is set or stdout is not a terminal.
public struct TerminalStyle: Sendable, Equatable {
    public var colors: Bool

    public init(colors: Bool) {
        self.colors = colors
    }

    public static let plain = TerminalStyle(colors: false)
    public static let ansi = TerminalStyle(colors: true)

    /// Colour unless `NO_COLOR` is set (to anything, per no-color.org) or output is not a terminal.
    public static func detect(environment: [String: String], isTerminal: Bool) -> TerminalStyle {
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return TerminalStyle(colors: isTerminal && !noColor && environment["TERM"] != "dumb")
    }

    private func wrap(_ text: String, _ code: String) -> String {
        colors && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }
    public func italic(_ text: String) -> String { wrap(text, "3") }
    public func code(_ text: String) -> String { wrap(text, "36") }
    public func heading(_ text: String) -> String { wrap(text, "1;4") }
    public func red(_ text: String) -> String { wrap(text, "31") }
    public func green(_ text: String) -> String { wrap(text, "32") }
    public func yellow(_ text: String) -> String { wrap(text, "33") }
    public func blue(_ text: String) -> String { wrap(text, "34") }
}
