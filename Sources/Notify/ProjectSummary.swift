import Foundation
import JSON
import Ledger

/// One project as `GET /api/projects` and the projects page show it.
struct ProjectSummary: Sendable {
    var listing: ProjectListing
    var lastDeployment: DeploymentRecord?

    var jsonValue: JSONValue {
        let project = listing.project
        return [
            "guid": .string(project.guid),
            "userId": .string(project.userId),
            "name": .string(project.name),
            "createdAt": .string(LedgerTime.string(project.createdAt)),
            "updatedAt": .string(LedgerTime.string(project.updatedAt)),
            "resourceCount": .number(Double(listing.resourceCount)),
            "lastEvent": listing.lastEvent?.jsonValue ?? .null,
            "lastDeployment": lastDeployment?.apiJSON ?? .null,
        ]
    }
}

extension DeploymentRecord {
    /// One deployment as the API shows it: what a person reads, without the process id or the log
    /// excerpt (`deployotron logs` has that).
    var apiJSON: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id),
            "projectId": .string(projectId),
            "name": .string(name),
            "target": .string(target.rawValue),
            "status": .string(status.rawValue),
            "startedAt": .string(LedgerTime.string(startedAt)),
        ]
        if let finishedAt { object["finishedAt"] = .string(LedgerTime.string(finishedAt)) }
        if let url { object["url"] = .string(url) }
        if let rollbackOf { object["rollbackOf"] = .string(rollbackOf) }
        if let error { object["error"] = .string(error) }
        if let commit { object["commit"] = .string(commit) }
        if let imageTag { object["imageTag"] = .string(imageTag) }
        if let port { object["port"] = .number(Double(port)) }
        object["environment"] = .string(environmentName)
        if let source { object["source"] = .string(source) }
        if let commitSubject { object["commitSubject"] = .string(commitSubject) }
        return .object(object)
    }
}
