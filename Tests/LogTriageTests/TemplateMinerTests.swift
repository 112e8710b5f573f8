import Foundation
import Testing
@testable import LogTriage

@Suite struct TemplateMinerTests {
    func perLine(_ text: String, options: LogAnalysisOptions = LogAnalysisOptions()) throws -> (ids: [Int], analysis: LogAnalysis) {
        var ids: [Int] = []
        let analysis = try LogAnalyzer(options: options).analyze(.text(text)) { number, template in
            #expect(number == ids.count + 1)
            ids.append(template)
        }
        return (ids, analysis)
    }

    /// The template id of each line.
    func templateIDs(_ lines: [String]) throws -> [Int] {
        try perLine(lines.joined(separator: "\n")).ids
    }

    @Test func tenThousandNearIdenticalLinesFoldIntoOne() throws {
        let text = (0..<10_000).map {
            "2024-05-0\($0 % 9 + 1)T12:00:\(String(format: "%02d", $0 % 60))Z INFO [worker-\($0 % 8)] GET /api/items/\($0 * 7919) 200 \($0 % 300)ms from 10.0.\($0 % 255).\($0 % 7)"
        }.joined(separator: "\n")
        let (ids, analysis) = try perLine(text)
        #expect(Set(ids).count == 1)
        #expect(analysis.templateCount == 1)
        let template = try #require(analysis.templates.first)
        #expect(template.count == 10_000)
        #expect(template.pattern.hasPrefix("GET /api/items/<*>"))
        #expect(!template.pattern.contains("7919"))
    }

    @Test func differentMessagesStayApartAndIdsFollowInputOrder() throws {
        let lines = [
            "Connected to database at 10.0.0.5:5432",
            "Compiling module src/app/a.ts",
            "Connected to database at 10.0.0.6:5432",
            "Failed to fetch https://registry.npmjs.org/left-pad: ETIMEDOUT",
            "Compiling module src/app/b.ts",
            "Compiling module src/lib/c.ts",
        ]
        let (ids, analysis) = try perLine(lines.joined(separator: "\n"))
        #expect(ids.count == 6)
        #expect(ids[0] == ids[2])
        #expect(ids[1] == ids[4] && ids[4] == ids[5])
        #expect(Set([ids[0], ids[1], ids[3]]).count == 3)
        #expect(analysis.templates.first { $0.id == ids[1] }?.count == 3)
    }

    @Test func headersAreMaskedSoRawAndContentLinesGroupAlike() throws {
        let content = ["PacketResponder 1 for block blk_-1608999687919862906 terminating",
                       "Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106 dest: /10.250.19.102:50010",
                       "PacketResponder 0 for block blk_7503483334202473044 terminating"]
        let raw = ["081109 203615 148 INFO dfs.DataNode$PacketResponder: " + content[0],
                   "081109 203807 222 INFO dfs.DataNode$DataXceiver: " + content[1],
                   "081110 100112 35 WARN dfs.DataNode$PacketResponder: " + content[2]]
        let a = try templateIDs(content)
        let b = try templateIDs(raw)
        #expect(a[0] == a[2] && a[0] != a[1])
        #expect(b[0] == b[2] && b[0] != b[1])
    }

    @Test func logcatAndSyslogHeadersAreDroppedWithTheirLevelHostAndTag() throws {
        let content = ["HBM brightnessIn =38", "Acquiring suspend blocker \"PowerManagerService.WakeLocks\".",
                       "HBM brightnessIn =41", "HBM brightnessOut =38"]
        let logcat = ["03-17 16:13:38.811  1702  2395 D DisplayPowerController: " + content[0],
                      "03-17 16:13:38.901  1702  1720 V PowerManagerService: " + content[1],
                      "03-17 16:13:39.002  1702  2395 D DisplayPowerController: " + content[2],
                      "03-17 16:13:39.377 12702 12720 I DisplayPowerController: " + content[3]]
        // One message from two hosts, one of them a name with digits, and a macOS tag with an address.
        let syslog = ["Jul  1 09:00:55 calvisitor-10-105-160-95 kernel[0]: " + content[0],
                      "Jul  1 09:01:05 authorMacBook-Pro com.apple.CDScheduler[43] (0x7f9e): " + content[1],
                      "Jul  2 11:21:07 authorMacBook-Pro kernel[0]: " + content[2],
                      "Jul  3 17:03:41 airbears2-10-142-110-255 kernel[0]: " + content[3]]
        for lines in [content, logcat, syslog] {
            let ids = try templateIDs(lines)
            #expect(ids[0] == ids[2])
            #expect(Set([ids[0], ids[1], ids[3]]).count == 3, "\(lines)")
        }
    }

    @Test func aLinePerTestNameDoesNotMakeATemplatePerTest() throws {
        let text = (0..<300).map { "    ✓ testThatCase\($0 % 26 == 0 ? "" : "Number")\(["A", "B", "C"][$0 % 3])Works\(String(repeating: "X", count: $0 % 11)) (0.0\($0 % 9)\(0) seconds)" }
            .joined(separator: "\n")
        let (ids, analysis) = try perLine(text)
        #expect(ids.count == 300)
        // Eight test names branch, the rest share the wildcard branch and split a few times.
        #expect(analysis.templateCount <= TemplateMiner.maxSecondTokens + TemplateMiner.maxVariants + 1)
    }

    @Test func aDifferentPlainWordStartsATemplateUntilAFamilyHasManyOfThem() throws {
        let apart = ["cupsd startup succeeded", "cupsd shutdown succeeded", "cupsd startup succeeded",
                     "cupsd shutdown succeeded"]
        let ids = try templateIDs(apart)
        #expect(ids[0] == ids[2] && ids[1] == ids[3] && ids[0] != ids[1])
        let names = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
        let (many, analysis) = try perLine(names.map { "Started job \($0)" }.joined(separator: "\n"))
        #expect(Set(many).count == TemplateMiner.maxVariants + 1)
        #expect(analysis.templateCount == TemplateMiner.maxVariants + 1)
    }

    @Test func aLeadingAddressOrDottedNameIsHeaderLikeADate() throws {
        // launchd job labels: a dotted name or an address before the message.
        let lines = ["com.apple.icloud.fmfd.heartbeat: scheduler_evaluate_activity told me to run this job",
                     "com.apple.ical.sync.x-coredata://DB05755C-483D/CalDAVPrincipal/p11: scheduler_evaluate_activity told me to run this job",
                     "com.apple.SoftwareUpdate.Activity: scheduler_evaluate_activity told me to run this job",
                     "Link checker: 301 https://github.com/a/b"]
        let ids = try templateIDs(lines)
        #expect(ids[0] == ids[1] && ids[1] == ids[2])
        #expect(ids[3] != ids[0])
    }

    @Test func aQuantityIsOneValueWhateverItsNotation() throws {
        // Sizes restated in parentheses and durations written with a unit or as a clock.
        let lines = ["proxy.example.com:5070 close, 0 bytes sent, 0 bytes received, lifetime 00:01",
                     "proxy.example.com:5070 close, 1190 bytes (1.16 KB) sent, 1671 bytes (1.63 KB) received, lifetime <1 sec",
                     "proxy.example.com:5070 close, 451 bytes sent, 18846 bytes (18.4 KB) received, lifetime 12 ms",
                     "proxy.example.com:5070 open through proxy proxy.example.com:5070 HTTPS"]
        let ids = try templateIDs(lines)
        #expect(ids[0] == ids[1] && ids[1] == ids[2])
        #expect(ids[3] != ids[0])
        // A name's parenthesised time is not a restatement: a line per test keeps its shape.
        let masked = MaskedLine()
        var line = "✓ testThatItWorks (0.06 seconds)"
        line.withUTF8 { masked.mask($0) }
        #expect(masked.count == 4)
    }

    @Test func aProtocolNameWithADigitIsAWordWhereATemplateHasAWord() throws {
        let lines = ["10.0.0.1:443 open through proxy proxy.example.com:5070 HTTPS",
                     "10.0.0.2:443 open through proxy proxy.example.com:5070 HTTPS",
                     "10.0.0.3:22 open through proxy socks.example.com:5070 SOCKS5",
                     "10.0.0.4:443 open through proxy proxy.example.com:5070 HTTPS",
                     "Invalid user test9 from 10.0.0.5", "Invalid user test7 from 10.0.0.6"]
        let ids = try templateIDs(lines)
        #expect(ids[0] == ids[1] && ids[1] == ids[3])
        #expect(ids[2] != ids[0])
        // Lower-case names with digits are values (user names, hosts).
        #expect(ids[4] == ids[5])
    }

    @Test func aProgramBetweenTheTimeAndADashIsHeader() throws {
        let raw = ["[10.30 16:49:06] chrome.exe - proxy.example.com:5070 open through proxy proxy.example.com:5070 HTTPS",
                   "[10.30 16:49:07] QQ.exe - proxy.example.com:5070 open through proxy proxy.example.com:5070 HTTPS",
                   "[10.30 21:08:03] spoolsv.exe *64 - proxy.example.com:5070 open through proxy proxy.example.com:5070 HTTPS"]
        let ids = try templateIDs(raw)
        #expect(ids[0] == ids[1] && ids[1] == ids[2])
    }

    @Test func headerColumnsBeforeTheMessageAreDropped() throws {
        // Fixed columns closed by two values (id node component state time flag), and node
        // names with capitals before a level: the message alone decides the template.
        let columns = ["2579921 node-140 node status 1074216940 1 running",
                       "2286759 full partition status 1061219795 -1 running",
                       "2567354 node-147 node status 1074098611 1 not responding"]
        let ids = try templateIDs(columns)
        #expect(ids[0] == ids[1] && ids[2] != ids[0])
        let nodes = ["- 1117955341 2005.06.05 R25-M0-N7-C:J02-U01 2005-06-05-00.09.01.903373 R25-M0-N7-C:J02-U01 RAS KERNEL INFO generating core.2275",
                     "- 1117984124 2005.06.05 R36-M1-NF-C:J11-U01 2005-06-05-08.08.44.281729 R36-M1-NF-C:J11-U01 RAS KERNEL INFO generating core.6545",
                     "- 1118765825 2005.06.14 R13-M0-NA-C:J15-U01 2005-06-14-09.17.05.516605 R13-M0-NA-C:J15-U01 RAS KERNEL FATAL instruction address: 0x00004ed8"]
        let nodeIDs = try templateIDs(nodes)
        #expect(nodeIDs[0] == nodeIDs[1] && nodeIDs[2] != nodeIDs[0])
        // A message with two values in a row after a syslog header keeps its words.
        let syslog = ["Jun 14 15:16:01 combo sshd[19939]: connection from 10.0.0.1 (10.0.0.1) at noon",
                      "Jun 14 15:16:02 combo ftpd[19940]: session from 10.0.0.2 (10.0.0.2) at noon"]
        let syslogIDs = try templateIDs(syslog)
        #expect(syslogIDs[0] != syslogIDs[1])
    }

    @Test func variableLengthListsDoNotSplitATemplate() throws {
        let text = """
            BLOCK* ask 10.250.14.224:50010 to delete  blk_-6015264325627917406
            BLOCK* ask 10.251.71.193:50010 to delete  blk_-5140072410813878235 blk_4029139044660806713 blk_-4393063808227796056
            """
        let ids = try perLine(text).ids
        #expect(ids[0] == ids[1])
    }

    @Test func maskingCoversNumbersHexIdsPathsAndTimes() {
        let masked = MaskedLine()
        func render(_ line: String) -> String {
            var copy = line
            return copy.withUTF8 { bytes in
                masked.mask(bytes)
                return (0..<masked.count).map { masked.maskedText($0, in: bytes) }.joined(separator: " ")
            }
        }
        #expect(render("took 125ms at 0x7ffe3a2b with id deadbeefcafe") == "took <*> at <*> with id <*>")
        #expect(render("pulled sha256:9f86d081884c7d659a2feaa0c55ad015 from cache") == "pulled <*> from cache")
        #expect(render("Sun Dec 04 04:47:44 2005 started") == "started")
        #expect(render("listening on 10.1.2.3:8080 pid=4242") == "listening on <*> pid=<*>")
        #expect(render("job com.apple.icloud.fmfd.heartbeat is due") == "job <*> is due")
        #expect(render("wrote package.json and dist/app.min.js") == "wrote package.json and dist/<*>")
        #expect(render("Loading... done.") == "Loading... done.")
        // A link keeps its host: a link checker's list of redirects is a list of different lines.
        #expect(render("moved http://raven.readthedocs.org/en/latest/ → x") == "moved http://raven.readthedocs.org/en/latest/ → x")
    }

    @Test func templateCapBoundsMemory() throws {
        var options = LogAnalysisOptions()
        options.maxTemplates = 50
        options.templateLimit = nil
        let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
        let text = (0..<2_000).map { i in
            (0..<(i % 7 + 1)).map { words[(i / ($0 + 1)) % words.count] }.joined(separator: " ") + " \(words[i % 10])x\(words[(i / 10) % 10])"
        }.joined(separator: "\n")
        let (ids, analysis) = try perLine(text, options: options)
        #expect(analysis.templateCount <= 51)
        #expect(ids.count == 2_000)
        #expect(analysis.templates.reduce(0) { $0 + $1.count } == 2_000)
    }
}
