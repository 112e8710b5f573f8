import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the REPL writes, and in which style. Tests capture the text instead.
public struct Terminal: Sendable {
    public var style: TerminalStyle
    /// The width in columns (80 when it cannot be known).
    public var columns: Int
    private let sink: @Sendable (String) -> Void

    public init(style: TerminalStyle, columns: Int = 80, write: @escaping @Sendable (String) -> Void) {
        self.style = style
        self.columns = columns
        self.sink = write
    }

    /// Standard output, unbuffered, coloured when it is a terminal and `NO_COLOR` is not set.
    public static func standardOutput(environment: [String: String] = ProcessInfo.processInfo.environment) -> Terminal {
        let style = TerminalStyle.detect(environment: environment, isTerminal: isatty(STDOUT_FILENO) == 1)
        var size = winsize()
        let columns = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
        return Terminal(style: style, columns: columns) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    public func write(_ text: String) {
        sink(text)
    }

    /// Writes `text` and a newline.
    public func line(_ text: String = "") {
        sink(text + "\n")
    }

    /// One readable line for something that went wrong; the REPL keeps going.
    public func error(_ text: String) {
        sink(style.red("error: ") + text + "\n")
    }
}
