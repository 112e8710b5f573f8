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
        // The thousands of PASSED lines, of two test classes, are one template summarised, not listed.
        #expect(excerpt.contains("×6000"))
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

    @Test func errorsInsideTheFailedStepComeBeforeErrorsElsewhere() {
        // Two blocks and room for one: a loud one in a step that passed, a quieter one in the
        // step that failed. The failed step's is kept.
        func block(_ first: Int, scores: [Int8]) -> ErrorBlock {
            var block = ErrorBlock()
            for (k, score) in scores.enumerated() {
                block.append(KeptLine(number: first + k, text: "line \(first + k) of the build, said something", template: Int32(first + k),
                                      score: score, signature: false, trace: false))
            }
            return block
        }
        let loud = block(10, scores: [0, 3, 3, 3, 0])
        let quiet = block(100, scores: [0, 0, 3, 0, 0])
        func excerpt(failedStep: ClosedRange<Int>?) -> String {
            ExcerptBuilder(budget: 97).build(ExcerptBuilder.Input(
                blocks: [loud, quiet], failedStep: failedStep, tail: [], totalLines: 200, totalBytes: 9_000,
                signatureLines: [], templates: [], templateCounts: [Int](repeating: 1, count: 200), templateCount: 200))
        }
        #expect(excerpt(failedStep: nil).contains("line 12 of the build"))
        #expect(!excerpt(failedStep: nil).contains("line 102 of the build"))
        #expect(excerpt(failedStep: 90...120).contains("line 102 of the build"))
        #expect(!excerpt(failedStep: 90...120).contains("line 12 of the build"))
    }

    @Test func stepStartsOfCommonCISystemsAreRecognised() {
        let starts = ["$ make test", "travis_fold:start:install", "##[group]Run npm test", "section_start:1600000000:build",
                      "[Pipeline] sh", "--- :docker: Build", "+++ :pytest: Test", "Step 3/9 : RUN make", "> Task :app:test",
                      "[INFO] --- maven-surefire-plugin:2.22.2:test (default-test) @ core ---"]
        let others = ["make: *** [test] Error 2", "--- FAIL: TestParse (0.00s)", "error: could not compile", "$"]
        func isStart(_ line: String) -> Bool {
            var copy = line
            return copy.withUTF8 { EvidenceCollector.startsStep($0) }
        }
        for line in starts { #expect(isStart(line), "\(line)") }
        for line in others { #expect(!isStart(line), "\(line)") }
    }

    @Test func theFailedStepRunsFromItsStartToItsExit() {
        var collector = EvidenceCollector()
        let lines = ["$ npm ci", "added 12 packages", "The command \"npm ci\" exited with 0.", "$ npm test",
                     "not ok 1 adds", "The command \"npm test\" exited with 1.", "$ npm run lint",
                     "The command \"npm run lint\" exited with 1."]
        for (k, line) in lines.enumerated() {
            var copy = line
            copy.withUTF8 { bytes in
                collector.observe(bytes, number: k + 1, template: Int32(k), score: 0, signature: false,
                                  stepEnd: line.hasSuffix("exited with 1."))
            }
        }
        #expect(collector.failedStep == 4...6)
        #expect(collector.stepBlocks.map { $0.lines.map(\.number) } == [[1, 2, 3, 4, 5, 6], [7, 8]])
    }

    static let frames = [
        "sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
        "sun.reflect.NativeMethodAccessorImpl.invoke(NativeMethodAccessorImpl.java:62)",
        "sun.reflect.DelegatingMethodAccessorImpl.invoke(DelegatingMethodAccessorImpl.java:43)",
        "java.lang.reflect.Method.invoke(Method.java:498)",
        "org.junit.runners.model.FrameworkMethod$1.runReflectiveCall(FrameworkMethod.java:50)",
        "org.junit.internal.runners.model.ReflectiveCallable.run(ReflectiveCallable.java:12)",
        "org.junit.runners.model.FrameworkMethod.invokeExplosively(FrameworkMethod.java:47)",
        "org.junit.internal.runners.statements.InvokeMethod.evaluate(InvokeMethod.java:17)",
        "org.junit.runners.ParentRunner.runLeaf(ParentRunner.java:325)",
        "org.junit.runners.BlockJUnit4ClassRunner.runChild(BlockJUnit4ClassRunner.java:78)",
        "org.junit.runners.ParentRunner$3.run(ParentRunner.java:290)",
        "org.junit.runners.ParentRunner$1.schedule(ParentRunner.java:71)",
        "org.junit.runners.ParentRunner.runChildren(ParentRunner.java:288)",
        "org.junit.runners.ParentRunner.run(ParentRunner.java:363)",
        "org.apache.maven.surefire.junit4.JUnit4Provider.execute(JUnit4Provider.java:252)",
        "org.apache.maven.surefire.booter.ForkedBooter.main(ForkedBooter.java:75)",
    ]

    /// Twelve failed tests, each with the same 16-frame stack trace under its own name and message,
    /// between thousands of passing lines.
    static func repeatedTraceLog() -> String {
        var lines = ["$ mvn test"]
        lines += (0..<3_000).map { "INFO: MockWebServer[\($0 * 7)] done accepting connections: Socket closed" }
        let frames = Self.frames.map { "\tat " + $0 }
        for test in 0..<12 {
            lines.append("rejectsNull\(test)(retrofit2.RequestFactoryTest)  Time elapsed: 0.002 sec  <<< FAILURE!")
            lines.append("java.lang.AssertionError: expected message \(test) but was another")
            lines.append("\tat retrofit2.RequestFactoryTest.rejectsNull\(test)(RequestFactoryTest.java:\(600 + test))")
            lines += frames
        }
        lines += (0..<300).map { "INFO: MockWebServer[\($0 * 11)] starting to accept connections" }
        lines += ["Tests run: 324, Failures: 12", "[ERROR] There are test failures.", "The command \"mvn test\" exited with 1."]
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func aRepeatedStackTraceIsShownOnceAndEveryFailureKeepsItsOwnLines() throws {
        var options = LogAnalysisOptions()
        options.tokenBudget = 1_500
        let analysis = try LogAnalyzer(options: options).analyze(.text(Self.repeatedTraceLog()))
        let excerpt = analysis.excerpt
        // Each failure's own lines are there, all twelve (a trace cut to 60 lines kept about three).
        for test in 0..<12 {
            #expect(excerpt.contains("rejectsNull\(test)(retrofit2.RequestFactoryTest)  Time elapsed"), "failure \(test)")
            #expect(excerpt.contains("RequestFactoryTest.java:\(600 + test))"), "frame of failure \(test)")
        }
        // The shared frames appear once each; their later copies are a marker.
        for frame in Self.frames {
            #expect(excerpt.components(separatedBy: frame).count - 1 == 1, "\(frame)")
        }
        #expect(excerpt.contains("lines shown elsewhere in this excerpt]"))
        #expect(analysis.excerptTokens <= 1_500)
    }

    @Test func withoutRepeatsTheExcerptIsUnchanged() {
        // Lines that are all different: no repeat marker, every line shown.
        var block = ErrorBlock()
        for k in 0..<20 {
            block.append(KeptLine(number: 10 + k, text: "error: distinct problem number \(k) in module \(k * 3)", template: Int32(k),
                                  score: 3, signature: false, trace: false))
        }
        let excerpt = ExcerptBuilder(budget: 2_000).build(ExcerptBuilder.Input(
            blocks: [block], tail: [], totalLines: 40, totalBytes: 2_000, signatureLines: [], templates: [],
            templateCounts: [Int](repeating: 1, count: 20), templateCount: 20))
        for k in 0..<20 { #expect(excerpt.contains("distinct problem number \(k) in module")) }
        #expect(!excerpt.contains("shown elsewhere"))
    }

    @Test func aTestReportedAsPassingIsNotEvidence() throws {
        // pytest prints parameters that carry failure words; the test passed all the same.
        var lines = (0..<500).map { "tests/test_rules.py::test_match[case\($0)] PASSED [ \($0 / 5)%]" }
        lines.insert("tests/test_rules.py::test_match[unexpected token-could not parse] PASSED [ 50%]", at: 250)
        lines += (0..<300).map { "collected item \($0)" }
        let analysis = try LogAnalyzer().analyze(.text(lines.joined(separator: "\n")))
        #expect(!analysis.excerpt.contains("unexpected token-could not parse"))
        // The same words on a failing test are evidence.
        lines[250] = "tests/test_rules.py::test_match[unexpected token-could not parse] FAILED [ 50%]"
        let failing = try LogAnalyzer().analyze(.text(lines.joined(separator: "\n")))
        #expect(failing.excerpt.contains("unexpected token-could not parse] FAILED"))
    }

    @Test func aLongLineIsCutAndTheCutIsMarkedOnItsOwnLine() throws {
        // What is shown of a cut line is a verbatim piece of it, so it can be searched for in the log.
        let long = "> available fixtures: " + (0..<120).map { "fixture_\($0)" }.joined(separator: ", ")
        let text = ["$ pytest", "E       fixture 'packages' not found", long, "The command \"pytest\" exited with 1."]
            .joined(separator: "\n")
        let excerpt = try LogAnalyzer().analyze(.text(text)).excerpt
        let shown = String(long.unicodeScalars.prefix(400))
        #expect(excerpt.contains(shown + "\n[… rest of the line cut]\n"))
        #expect(!excerpt.contains(String(long.unicodeScalars.prefix(401))))
        #expect(excerpt.contains("E       fixture 'packages' not found\n"))
    }

    @Test func aStackTraceLongerThanThreeHundredLinesStaysOneBlock() {
        // A deep trace (recursion, a framework's layers) is one piece of evidence, not two.
        var collector = EvidenceCollector()
        var lines = ["java.lang.StackOverflowError: deep"]
        lines += (0..<500).map { "\tat com.acme.Tree.visit\($0 % 7)(Tree.java:\(40 + $0 % 7))" }
        lines.append("done")
        lines += (0..<20).map { "after \($0)" }
        for (k, line) in lines.enumerated() {
            var copy = line
            copy.withUTF8 { bytes in
                collector.observe(bytes, number: k + 1, template: Int32(k), score: k == 0 ? 3 : 0, signature: false)
            }
        }
        collector.finish()
        #expect(collector.blocks.count == 1)
        #expect(collector.blocks.first?.first == 1)
        #expect((collector.blocks.first?.last ?? 0) >= 501)
    }
}
