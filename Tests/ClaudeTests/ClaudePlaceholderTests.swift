import Testing
@testable import Claude

@Suite struct ClaudePlaceholderTests {
    @Test func moduleLoads() {}
}
