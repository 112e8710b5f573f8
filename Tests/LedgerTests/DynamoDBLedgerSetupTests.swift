import AWS
import Foundation
import Testing
@testable import Ledger

/// Opening a DynamoDB ledger: what is refused before any request is made.
@Suite struct DynamoDBLedgerSetupTests {
    @Test func missingCredentialsAreAnUnavailableStore() throws {
        let error = try #require(throws: LedgerError.self) {
            try DynamoDBLedger(table: "t-table", region: "us-east-1", environment: ["HOME": "/nonexistent"])
        }
        #expect(error.code == .unavailable)
        #expect(error.description.contains("AWS_ACCESS_KEY_ID"))
    }

    @Test func aRegionIsNeededForAWSItself() throws {
        let environment = ["AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret-value", "HOME": "/nonexistent"]
        let error = try #require(throws: LedgerError.self) { try DynamoDBLedger(table: "t-table", region: nil, environment: environment) }
        #expect(error.description.contains("AWS_REGION"))
        #expect(!error.description.contains("secret-value"))
        let ledger = try DynamoDBLedger(table: "t-table", region: "eu-west-1", environment: environment)
        #expect(ledger.client.client.transport.endpoint.host == "dynamodb.eu-west-1.amazonaws.com")
        #expect(ledger.tables.all == ["t-table", "t-table-projects", "t-table-events", "t-table-deployments", "t-table-ports", "t-table-locks"])
    }

    @Test func aTableNameTooLongForItsSiblingsIsRefused() throws {
        let environment = ["AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret-value", "AWS_REGION": "us-east-1"]
        let error = try #require(throws: LedgerError.self) {
            try DynamoDBLedger(table: String(repeating: "t", count: 250), region: nil, environment: environment)
        }
        #expect(error.code == .invalidStoreURL)
    }

    @Test func aLocalEndpointNeedsNoRegion() throws {
        let environment = ["AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret-value", "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:8000"]
        let ledger = try DynamoDBLedger(table: "t-table", region: nil, environment: environment)
        #expect(ledger.client.client.transport.endpoint.host == "127.0.0.1:8000")
        #expect(ledger.client.client.transport.region == "us-east-1")
    }
}
