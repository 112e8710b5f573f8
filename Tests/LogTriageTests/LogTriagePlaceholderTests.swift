import Testing
@testable import LogTriage

@Suite struct LogTriagePlaceholderTests {
    @Test func moduleLoads() {}
}
