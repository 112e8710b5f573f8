import Foundation
import Testing
@testable import LogTriage

@Suite struct ExcerptTests {
    /// A long CI log: thousands of progress lines, one Java test failure with its stack trace in
    /// the middle, a Gradle summary, and the CI's own lines at the end.
    static func ciLog(progress: Int = 6_000) -> String {
        var lines: [String] = ["$ ./gradlew test"]
        for i in 0..<progress / 2 {
            lines.append("com.acme.orders.OrderServiceTest > case\(i) PASSED")
        }
        lines += [
            "com.acme.orders.InvoiceTest > totalsIncludeTax FAILED",
            "    java.lang.AssertionError: expected:<119.0> but was:<100.0>",
            "        at org.junit.Assert.fail(Assert.java:89)",
            "        at org.junit.Assert.failNotEquals(Assert.java:835)",
            "        at org.junit.Assert.assertEquals(Assert.java:555)",
            "        at com.acme.orders.InvoiceTest.totalsIncludeTax(InvoiceTest.java:48)",
        ]
        for i in 0..<progress / 2 {
            lines.append("com.acme.orders.ShippingTest > route\(i) PASSED")
        }
        lines += [
            "412 tests completed, 1 failed",
            "> Task :test FAILED",
            "FAILURE: Build failed with an exception.",
            "* What went wrong:",
            "Execution failed for task ':test'.",
            "BUILD FAILED in 2m 3s",
            "The command \"./gradlew test\" exited with 1.",
            "Done. Your build exited with 1.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func keepsTheFailureWholeTraceAndTailWithinBudget() throws {
        let analysis = try LogAnalyzer().analyze(.text(Self.ciLog()))
        let excerpt = analysis.excerpt
        for needle in ["InvoiceTest > totalsIncludeTax FAILED", "expected:<119.0> but was:<100.0>",
                       "at com.acme.orders.InvoiceTest.totalsIncludeTax(InvoiceTest.java:48)",
                       "FAILURE: Build failed with an exception.", "Done. Your build exited with 1."] {
            #expect(excerpt.contains(needle), "missing \(needle)")
        }
        #expect(analysis.excerptTokens <= 2_000)
        #expect(analysis.excerptTokens == TokenEstimate.tokens(excerpt))
        // The thousands of PASSED lines are summarised, not listed.
        #expect(excerpt.contains("×3000"))
        #expect(excerpt.contains("lines omitted"))
        #expect(excerpt.components(separatedBy: "PASSED").count < 30)
    }

    @Test(arguments: [300, 800, 2_000, 4_000])
    func budgetIsRespected(_ budget: Int) throws {
        var options = LogAnalysisOptions()
        options.tokenBudget = budget
        // Many distinct error blocks, long lines: more evidence than any budget holds.
        let text = (0..<3_000).map { i in
            i % 10 == 0
                ? "ERROR [job-\(i)] step \(["fetch", "build", "push"][i % 3]) failed: " + String(repeating: "detail\(i) ", count: 30)
                : "info \(i) working on item \(i * 31)"
        }.joined(separator: "\n")
        let analysis = try LogAnalyzer(options: options).analyze(.text(text))
        #expect(analysis.excerptTokens <= budget)
        #expect(analysis.excerpt.contains("ERROR [job-2990]"))
    }

    @Test func secretsNeverReachTheExcerpt() throws {
        let text = """
            $ env
            AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
            AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
            Error: connect to postgres://app:S3cretPass@db:5432/app failed: ECONNREFUSED
            Error: request failed with token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789
            """
        let analysis = try LogAnalyzer().analyze(.text(text))
        let everything = String(decoding: try JSONEncoder().encode(analysis), as: UTF8.self)
        for secret in ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "S3cretPass",
                       "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"] {
            #expect(!everything.contains(secret), "leaked \(secret)")
        }
        #expect(analysis.excerpt.contains("ECONNREFUSED"))
    }

    @Test func shortLogIsKeptWhole() throws {
        let text = "starting\nnpm ERR! Missing script: \"start\"\nexit 1\n"
        let analysis = try LogAnalyzer().analyze(.text(text))
        for line in ["starting", "npm ERR! Missing script: \"start\"", "exit 1"] {
            #expect(analysis.excerpt.contains(line))
        }
        #expect(!analysis.excerpt.contains("omitted"))
    }

    @Test func theLastFailedStepsOutputIsKept() throws {
        // No error words at all before the failing command: only the step's exit says it failed.
        var lines = (0..<2_000).map { "compiling unit \($0)" }
        lines += ["Checking links", "> Links", "  1. [L0191] 301 https://example.com/a -> https://example.com/b",
                  "  2. [L0239] 522 http://example.org/broken.jpg",
                  "The command \"awesome_bot README.md\" exited with 1."]
        lines += (0..<300).map { "cache upload part \($0)" }
        let analysis = try LogAnalyzer().analyze(.text(lines.joined(separator: "\n")))
        #expect(analysis.excerpt.contains("2. [L0239] 522 http://example.org/broken.jpg"))
        #expect(analysis.excerpt.contains("exited with 1"))
    }
}
