/// A command's failure that is not a misuse of its arguments: printed as one `Error:` line, exit 1,
/// without the usage text that argument mistakes get.
struct CommandError: Error, CustomStringConvertible {
    var message: String

    init(_ message: String) {
        self.message = message
    }

    var description: String { message }
}
