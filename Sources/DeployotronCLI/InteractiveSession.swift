import ArgumentParser

/// The REPL: `deployotron` with no subcommand.
struct InteractiveSession {
    var options: SessionOptions

    func run() async throws {
        // Written by the shell work (issue 3).
        print(DeployotronCommand.helpMessage())
    }
}
