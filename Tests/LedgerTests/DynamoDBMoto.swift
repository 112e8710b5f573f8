import AWS
import Foundation
import TestSupport
@testable import Ledger

/// The moto_server scripts/moto.sh started (signature checks on), for the DynamoDB ledger tests.
enum DynamoDBMoto {
    static var isAvailable: Bool { MotoServer.isAvailable }
    static var awsEnvironment: [String: String] { MotoServer.awsEnvironment() }

    /// A ledger on tables no other test uses, created.
    static func ledger(pageSize: Int? = nil) async throws -> DynamoDBLedger {
        let table = MotoServer.uniqueTable("ledger")
        let client = try DynamoDBClient.fromEnvironment(region: "us-east-1", environment: awsEnvironment)
        let ledger = DynamoDBLedger(table: table, client: client, pageSize: pageSize)
        try await ledger.createTables()
        return ledger
    }

    /// Whether python3 with boto3 (what seed 003's client uses) can run here.
    static let hasBoto3: Bool = {
        guard isAvailable else { return false }
        return (try? pythonBlocking("import boto3")) != nil
    }()

    /// `pythonBlocking` on a thread of its own (see `OwnThread`).
    @discardableResult
    static func python(_ program: String, arguments: [String] = []) async throws -> String {
        try await OwnThread.run { try pythonBlocking(program, arguments: arguments) }
    }

    /// Runs a Python program with the moto variables set; its standard output, or an error with its standard error.
    static func pythonBlocking(_ program: String, arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", program] + arguments
        var env = ProcessInfo.processInfo.environment
        env["AWS_ACCESS_KEY_ID"] = awsEnvironment["AWS_ACCESS_KEY_ID"]
        env["AWS_SECRET_ACCESS_KEY"] = awsEnvironment["AWS_SECRET_ACCESS_KEY"]
        env["AWS_DEFAULT_REGION"] = "us-east-1"
        env["MOTO_ENDPOINT"] = awsEnvironment["AWS_ENDPOINT_URL"]
        process.environment = env
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LedgerError(.storage, "python3 failed: \(String(decoding: errData, as: UTF8.self))")
        }
        return String(decoding: outData, as: UTF8.self)
    }
}
