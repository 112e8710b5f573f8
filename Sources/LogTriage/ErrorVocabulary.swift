import Foundation

/// Words that make a line look like part of a failure, with weights, and the phrases that
/// cancel them (`0 errors`, `-Werror`). Generic across languages and tools; not tuned to any log.
enum ErrorVocabulary {
    /// (literal, weight): 3 is a failure word, 2 a likely symptom, 1 a weak hint.
    static let words: [(String, Int8)] = [
        ("error", 3), ("fatal", 3), ("exception", 3), ("traceback", 3), ("panic:", 3),
        ("fail", 3), ("err!", 3), ("segmentation fault", 3), ("core dumped", 3),
        ("not ok ", 3), ("abort", 3), ("✖", 3), ("✗", 3), ("✘", 3),
        ("cannot ", 2), ("can't ", 2), ("could not", 2), ("couldn't", 2), ("unable to", 2),
        ("not found", 2), ("no such file", 2), ("permission denied", 2), ("undefined", 2),
        ("killed", 2), ("exited with", 2), ("exit code", 2), ("exit status", 2), ("timed out", 2),
        ("refused", 2), ("denied", 2), ("invalid", 2), ("missing", 2), ("unexpected", 2),
        ("assert", 2), ("expected", 1), ("warning", 1), ("deprecated", 0), ("mismatch", 2),
        ("incompatible", 2), ("conflict", 2), ("unresolved", 2), ("terminated", 2),
    ]

    /// Phrases that end a failed step: a command's non-zero exit as CI systems and tools report it.
    /// A hit is confirmed by `stepFailure` (the exit status must be non-zero).
    static let stepEnds: [String] = [
        "exited with", "exit code", "exit status", "returned non-zero", "returned a non-zero",
        "job failed", "build failed", "make: ***", "make[", "error: process completed",
        "script returned exit code", "process completed with exit code",
    ]

    /// Confirms a step-end candidate line.
    static let stepFailure: NSRegularExpression = {
        let pattern = #"(?i)(exited with( code| status)?|exit (code|status)|returned( a)? non-zero( exit)?( code| status)?)[:= ]+\(?[1-9][0-9]*|returned (a )?non-zero|job failed|build failed|make(\[\d+\])?: \*\*\*"#
        return try! NSRegularExpression(pattern: pattern)
    }()

    /// Phrases that mean the opposite of a failure, or are build flags.
    static let negations: [String] = [
        " 0 errors", " 0 error(s)", " 0 failed", " 0 failures", "failures: 0", "errors: 0",
        "failed: 0", "failures=0", "errors=0", "no errors", "-werror", "error_reporting",
        "without error", "0 failing", "failed=0", "error=0",
        // A test reported as passing, whose name or parameters carry failure words.
        " passed [", "] passed",
        // Warning-level lines: their failure words describe something that did not fail.
        "[warn]", "[warning]", "warning:", "warn:", " warn ", "deprecat",
    ]
}
