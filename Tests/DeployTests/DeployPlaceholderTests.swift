import Testing
@testable import Deploy

@Suite struct DeployPlaceholderTests {
    @Test func moduleLoads() {}
}
