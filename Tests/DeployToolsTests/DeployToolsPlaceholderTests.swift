import Testing
@testable import DeployTools

@Suite struct DeployToolsPlaceholderTests {
    @Test func moduleLoads() {}
}
