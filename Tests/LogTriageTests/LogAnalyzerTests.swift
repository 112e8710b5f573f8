import Foundation
import Testing
@testable import LogTriage

@Suite struct LogAnalyzerTests {
    @Test func jsonUsesSnakeCaseKeys() throws {
        let analysis = try LogAnalyzer().analyze(.text("boot\nError: listen EADDRINUSE: address already in use :::3000\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(analysis)) as? [String: Any])
        for key in ["line_count", "byte_count", "truncated_lines", "template_count", "signatures", "key_lines",
                    "templates", "excerpt", "excerpt_tokens", "summary"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        let template = try #require((object["templates"] as? [[String: Any]])?.first)
        #expect(template["first_line"] != nil)
        let decoded = try JSONDecoder().decode(LogAnalysis.self, from: JSONEncoder().encode(analysis))
        #expect(decoded == analysis)
    }

    @Test func countsAndKeyLines() throws {
        let text = "one\ntwo\nfatal: repository 'https://github.com/acme/app.git/' not found\nthree"
        let analysis = try LogAnalyzer().analyze(.text(text))
        #expect(analysis.lineCount == 4)
        #expect(analysis.byteCount == text.utf8.count)
        #expect(analysis.keyLines.map(\.line) == [3])
        #expect(analysis.summary.contains("4 lines"))
    }

    @Test func readsAFileInChunksLikeTheSameText() throws {
        let text = ExcerptTests.ciLog(progress: 20_000)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("logtriage-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(text.utf8).write(to: url)
        let fromFile = try LogAnalyzer().analyze(.file(url))
        let fromText = try LogAnalyzer().analyze(.text(text))
        #expect(fromFile == fromText)
        #expect(fromFile.lineCount == text.split(separator: "\n", omittingEmptySubsequences: false).count - 1)
    }

    @Test func missingFileIsAClearError() throws {
        do {
            _ = try LogAnalyzer().analyze(.file(URL(fileURLWithPath: "/no/such/build.log")))
            Issue.record("expected an error")
        } catch let error as LogTriageError {
            #expect(error.description.contains("/no/such/build.log"))
            #expect(error.description.contains("No such file"))
        }
    }

    @Test func emptyInputIsFine() throws {
        let analysis = try LogAnalyzer().analyze(.data(Data()))
        #expect(analysis.lineCount == 0)
        #expect(analysis.signatures.isEmpty)
        #expect(analysis.templates.isEmpty)
    }

    @Test func errorWordsInsideIdentifiersDoNotCount() throws {
        let text = (0..<50).map { "io.reactivex.ObservableOnErrorResumeNextTest > onErrorResume\($0) SKIPPED" }.joined(separator: "\n")
            + "\nio.reactivex.FlowableRefCountTest > publishNoLeak FAILED\n"
        let analysis = try LogAnalyzer().analyze(.text(text))
        #expect(analysis.keyLines.map(\.line) == [51])
    }
}
