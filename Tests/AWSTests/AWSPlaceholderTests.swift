import Testing
@testable import AWS

@Suite struct AWSPlaceholderTests {
    @Test func moduleLoads() {}
}
