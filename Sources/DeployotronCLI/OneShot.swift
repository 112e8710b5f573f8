import ArgumentParser

/// One-shot mode: `deployotron -p PROMPT`.
struct OneShot {
    var options: SessionOptions

    func run(prompt: String) async throws {
        // Written by the engine work (issue 2).
        throw ValidationError("one-shot mode is not built yet")
    }
}
