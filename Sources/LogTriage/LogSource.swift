import Foundation

/// Where a log comes from. Files and handles are streamed; nothing is read whole.
public enum LogSource: Sendable {
    /// A file on disk, read in large chunks.
    case file(URL)
    /// An open file descriptor such as standard input; it is not closed afterwards.
    case fileDescriptor(Int32)
    /// Bytes already in memory (tests, tool calls carrying a log).
    case data(Data)

    /// Standard input.
    public static var standardInput: LogSource { .fileDescriptor(0) }

    /// Text already in memory.
    public static func text(_ string: String) -> LogSource { .data(Data(string.utf8)) }
}
