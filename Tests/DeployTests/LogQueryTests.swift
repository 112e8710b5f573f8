import Foundation
import Testing
@testable import Deploy

/// `logs --since` and `--filter` as read before anything is asked of a target.
@Suite struct LogQueryTests {
    let now = Date(timeIntervalSince1970: 1_764_800_000)

    @Test func sinceIsADurationBackFromNowOrATime() throws {
        #expect(try LogQuery.since("90s", now: now) == now.addingTimeInterval(-90))
        #expect(try LogQuery.since("10m", now: now) == now.addingTimeInterval(-600))
        #expect(try LogQuery.since("1h30m", now: now) == now.addingTimeInterval(-5400))
        #expect(try LogQuery.since("2d", now: now) == now.addingTimeInterval(-172_800))
        #expect(try LogQuery.since("2026-12-03T21:00:00Z", now: now) == Date(timeIntervalSince1970: 1_796_331_600))
        #expect(try LogQuery.since("2026-12-03T22:00:00+01:00", now: now) == Date(timeIntervalSince1970: 1_796_331_600))
        #expect(try LogQuery.since("2026-12-03T21:00:00.250Z", now: now) == Date(timeIntervalSince1970: 1_796_331_600.25))
        #expect(try LogQuery.since("2026-12-03", now: now) == Date(timeIntervalSince1970: 1_796_256_000))
    }

    @Test func aSinceThatIsNeitherSaysWhatItTakes() {
        for text in ["yesterday", "10", "m", "10x", "1h-5m", ""] {
            let error = #expect(throws: DeployError.self) { try LogQuery.since(text, now: now) }
            #expect(error?.code == .invalidInput)
            #expect(error?.message.contains("neither a duration (30s, 10m, 2h, 1d, 1h30m) nor a time") == true, "\(text)")
        }
    }

    @Test func aFilterNeedsEveryTermNoExcludedOneAndOneOfTheOptional() throws {
        let filter = try #require(try LogFilter(#"ERROR "db timeout" -healthcheck"#))
        #expect(filter.pattern == #"ERROR "db timeout" -healthcheck"#)
        #expect(filter.matches("12:00 ERROR db timeout after 5s"))
        #expect(!filter.matches("12:00 ERROR db pool exhausted"))
        #expect(!filter.matches("12:00 ERROR db timeout in healthcheck"))
        #expect(!filter.matches("12:00 error db timeout"), "terms are case-sensitive, as in CloudWatch")

        let either = try #require(try LogFilter("?WARN ?ERROR"))
        #expect(either.matches("WARN slow"))
        #expect(either.matches("ERROR boom"))
        #expect(!either.matches("INFO fine"))
        let phrase = try #require(try LogFilter(#"?"out of memory" ?OOMKilled"#))
        #expect(phrase.matches("fatal: out of memory"))
        #expect(!phrase.matches("memory out of reach"))
    }

    @Test func emptyAndUnsupportedFiltersAreToldApart() throws {
        #expect(try LogFilter("   ") == nil)
        let json = #expect(throws: DeployError.self) { try LogFilter(#"{ $.level = "error" }"#) }
        #expect(json?.message.contains("JSON and space-delimited CloudWatch patterns are not supported") == true)
        let open = #expect(throws: DeployError.self) { try LogFilter(#"ERROR "db"#) }
        #expect(open?.message.contains("unclosed quote") == true)
    }
}
