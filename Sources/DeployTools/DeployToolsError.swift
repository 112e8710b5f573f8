/// Why a deploy tool could not run, in words Claude and the user can act on.
public struct DeployToolsError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
