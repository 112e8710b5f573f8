import Foundation
import Testing
@testable import LogTriage

/// Inputs that once crashed `analyze`, kept so they never do again.
@Suite struct CrashRegressionTests {
    /// Two lines of an R package's build log, CR line ends as in the original. After the header
    /// `10` is dropped the first has 9 tokens starting with `,`; the second has 14 starting with
    /// `+`. The old prefix-tree key hashed (count, first token) into one UInt64, and these two
    /// collided, so the second line was compared with a 9-token template past its end.
    static let rPackageLines = "10 , this func-tion must be called be-fore \\T1/zi4/m/n/10 shinyApp()\\T1/ptm/m/n\r\n"
        + "+     # We'll use the input$controller variable multiple times, so save it as x\r"

    @Test func rPackageLinesGoThroughTheWholePipeline() throws {
        let analysis = try LogAnalyzer().analyze(.text(Self.rPackageLines))
        #expect(analysis.lineCount == 2)
        #expect(analysis.templateCount == 2)
        #expect(analysis.excerpt.contains("shinyApp()"))
        #expect(analysis.excerpt.contains("save it as x"))
    }

    @Test func linesWhoseShapesHashAlikeStayInTheirOwnTemplates() throws {
        // Either order: the shorter line first indexed past the template's end, the longer
        // first would have merged a 14-token template with a 9-token line.
        let lines = Self.rPackageLines.split(separator: "\r\n").map(String.init)
        for text in [lines.joined(separator: "\n"), lines.reversed().joined(separator: "\n")] {
            var ids: [Int] = []
            let analysis = try LogAnalyzer().analyze(.text(text)) { _, id in ids.append(id) }
            #expect(ids.count == 2)
            #expect(Set(ids).count == 2)
            #expect(analysis.templates.allSatisfy { !$0.pattern.isEmpty })
        }
    }

    @Test func aTemplateKeepsABoundedPattern() throws {
        // One 60 kB token: the pattern is cut, the line still counts.
        let word = String(repeating: "abcdefg/", count: 7_500)
        let analysis = try LogAnalyzer().analyze(.text("start \(word)\nstart \(word)\n"))
        let template = try #require(analysis.templates.first)
        #expect(template.count == 2)
        #expect(template.pattern.hasPrefix("start abcdefg/"))
        #expect(template.pattern.hasSuffix("…"))
        #expect(template.pattern.utf8.count <= TemplateMiner.patternBytes + 8)
    }

    @Test func aPatternIsNotCutInsideACharacter() {
        let masked = MaskedLine()
        var line = "ééééé"
        let text = line.withUTF8 { bytes in
            masked.mask(bytes)
            return masked.maskedText(0, in: bytes, limit: 3)
        }
        #expect(text == "é…")
    }

    @Test func aPatternOfInvalidBytesIsCutByItsText() {
        // Each invalid byte displays as U+FFFD, three bytes: the limit counts those.
        let masked = MaskedLine()
        let line = [UInt8](repeating: 0xFF, count: 2_000)
        let text = line.withUnsafeBufferPointer { bytes in
            masked.mask(bytes)
            return masked.maskedText(0, in: bytes, limit: 100)
        }
        #expect(text.hasSuffix("…"))
        #expect(text.utf8.count <= 100 + "…".utf8.count)
        #expect(text.unicodeScalars.count == 33 + 1)
    }

    @Test func negativeLimitsInTheOptionsListNothing() throws {
        let options = LogAnalysisOptions(templateLimit: -1, maxTemplates: -5, keyLineLimit: -1)
        let analysis = try LogAnalyzer(options: options).analyze(.text("error: one\nerror: two\n"))
        #expect(analysis.templates.isEmpty)
        #expect(analysis.keyLines.isEmpty)
        #expect(analysis.lineCount == 2)
    }
}
