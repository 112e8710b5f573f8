import Logging
import Notify
import Synchronization
import Testing

@Suite struct ServerLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func append(_ line: String) { lines.withLock { $0.append(line) } }
    }

    @Test func aLineHasLevelLabelMessageAndSortedQuotedMetadata() {
        let lines = Lines()
        var logger = Logger(label: "deployotron.serve") { ServerLogHandler(label: $0, write: lines.append) }
        logger[metadataKey: "hb.request.id"] = "42"
        logger.info("ledger failure", metadata: ["path": "/notify", "error": "disk \"full\"\nagain"])
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.hasSuffix(#" info deployotron.serve: ledger failure error="disk \"full\"\nagain" hb.request.id=42 path=/notify"# + "\n") == true)
    }

    @Test func linesBelowTheLevelAreNotWritten() {
        let lines = Lines()
        var logger = Logger(label: "x") { ServerLogHandler(label: $0, write: lines.append) }
        logger.logLevel = .warning
        logger.info("quiet")
        logger.debug("quieter")
        logger.warning("loud")
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.contains("warning x: loud") == true)
    }

    @Test func explicitMetadataWinsOverTheLoggers() {
        let lines = Lines()
        var logger = Logger(label: "x") { ServerLogHandler(label: $0, write: lines.append) }
        logger[metadataKey: "path"] = "/old"
        logger.error("e", metadata: ["path": "/new"])
        #expect(lines.all.first?.contains("path=/new") == true)
        #expect(lines.all.first?.contains("/old") == false)
    }
}
