import Foundation
import JSON
import Ledger
import Logging

// MARK: - The steps every target shares, and how an attempt is settled

extension DeployService {
    func lockStep() -> DeployStep<DeployState> {
        let service = self
        return DeployStep("take deploy lock", weight: 1) { state, report in
            let lock = DeployLock(
                projectId: state.deployment.lockKey, deploymentId: state.deployment.id,
                holder: "pid \(service.processId) on host \(service.hostName)", since: service.now())
            if let held = try await service.ledger({ try await service.store.acquireDeployLock(lock) }), held.deploymentId != lock.deploymentId {
                let since = held.since.formatted(Date.ISO8601FormatStyle())
                let scope = state.deployment.environmentName == DeployEnvironment.defaultName ? "this project" : "this project's \(state.deployment.environmentName) environment"
                throw DeployError(.locked, "another deploy of \(scope) is running: deployment \(held.deploymentId), held by \(held.holder) since \(since). Wait for it to finish, or if that process is gone, run any deployotron command to clear it")
            }
            state.holdsLock = true
            // The live version is read under the lock, so two deploys never both replace it.
            state.previous = try await service.liveDeployment(
                projectId: state.deployment.projectId, name: state.deployment.name, environment: state.deployment.environmentName)
            report("locked by \(lock.holder)")
        }
    }

    /// Detects the stack of the folder the deploy works on (the project folder, or a fetched checkout).
    func detectStep() -> DeployStep<DeployState> {
        let service = self
        return DeployStep("detect stack", weight: 2) { state, report in
            let root = state.appFolder
            let stack = try service.detector.detect(at: root)
            state.stack = stack
            if let appPath = stack.appPath { state.appFolder = root.appendingPathComponent(appPath, isDirectory: true) }
            report("\(stack.framework ?? stack.language) on port \(stack.port) (confidence \(stack.confidence))")
        }
    }

    func portStep() -> DeployStep<DeployState> {
        let service = self
        return DeployStep("allocate port", weight: 1) { state, report in
            let allocation = try await service.ports.allocate(deploymentId: state.deployment.id, projectId: state.deployment.projectId, at: service.now())
            state.holdsPort = true
            state.deployment.port = allocation.port
            state.deployment.url = "http://localhost:\(allocation.port)"
            try await service.save(state.deployment)
            report("port \(allocation.port)")
        }
    }

    func recordStep(target: any DeployTarget, replacedStatus: DeploymentStatus) -> DeployStep<DeployState> {
        let service = self
        return DeployStep("record", weight: 2) { state, report in
            state.deployment.status = .running
            state.deployment.finishedAt = service.now()
            state.deployment.logExcerpt = state.excerpt()
            try await service.save(state.deployment)
            if var previous = state.previous, previous.id != state.deployment.id {
                do {
                    try await (service.targets[previous.target] ?? target).retire(previous, replacedBy: state.deployment)
                } catch {
                    service.logger.warning("taking \(previous.id) out of service failed: \(error)")
                    report("the previous deployment \(previous.id.prefix(8)) could not be taken down: \(error)")
                }
                previous.status = replacedStatus
                try await service.save(previous)
                try await service.ledger { try await service.ports.release(deploymentId: previous.id) }
                report("replaced \(previous.id)")
            }
            await service.reportResources(of: state, from: target)
            report("running at \(state.deployment.url ?? "")")
        }
    }

    /// Merges what the target says a live deployment stands for into the project's resources, as a
    /// build agent's `notify.sh resources` report would; a deploy never fails for it.
    func reportResources(of state: DeployState, from target: any DeployTarget) async {
        let deployment = state.deployment
        let resources = DeployEnvironment.resourceKeys(target.resources(of: state), environment: deployment.environmentName)
        guard !resources.isEmpty else { return }
        do {
            try await store.record(NotifyEvent(guid: deployment.projectId, kind: .resources, message: "deployment \(deployment.id)", data: resources), at: now())
        } catch {
            logger.warning("recording the resources of \(deployment.id) failed: \(error)")
        }
    }

    /// Saves the record, runs the workflow and settles its outcome. On failure or cancellation the
    /// clean-up runs in a task of its own, so a cancelled caller still waits for it to finish.
    func run(_ workflow: DeployWorkflow<DeployState>, on target: any DeployTarget, state: inout DeployState, progress: ProgressHandler?) async throws -> DeployOutcome {
        try await save(state.deployment)
        do {
            try await workflow.run(&state, progress: progress)
        } catch let failure {
            let attempt = state
            let service = self
            let error = await Task { await service.settle(failed: attempt, on: target, error: failure) }.value
            throw error
        }
        try? await ledger { try await store.releaseDeployLock(projectId: state.deployment.lockKey, deploymentId: state.deployment.id) }
        let pruned = await prune(state.deployment, on: target)
        return DeployOutcome(
            deployment: DeploymentSummary(state.deployment), stack: state.stack,
            message: "\(state.deployment.name) is live at \(state.deployment.url ?? "") (\(state.deployment.imageTag ?? ""))",
            replaced: state.previous?.id, prunedImages: pruned
        )
    }

    /// Undoes a failed or cancelled attempt and records how it ended; returns the error to report.
    func settle(failed state: DeployState, on target: any DeployTarget, error failure: any Error) async -> DeployError {
        var error = failure as? DeployError ?? DeployError(.invalidState, "\(failure)")
        let cancelled = error.code == .cancelled || failure is CancellationError
        if cancelled { error.code = .cancelled }
        var record = state.deployment
        record.status = cancelled ? .cancelled : .failed
        record.finishedAt = now()
        record.error = error.message
        record.logExcerpt = state.excerpt()

        var notes: [String] = []
        if state.holdsLock {
            // Only an attempt that took the lock can have started anything.
            let leftovers = await target.discard(state)
            notes += leftovers
            if state.holdsPort {
                do {
                    try await ports.release(deploymentId: record.id)
                } catch {
                    notes.append("its port \(record.port.map(String.init) ?? "") is still allocated (\(error)); `deployotron remove \(record.id.prefix(8))` frees it")
                }
            }
            if let previous = state.previous {
                notes.append("the previous deployment \(previous.id.prefix(8)) (\(previous.imageTag ?? "")) is still the live one" + (previous.url.map { " at \($0)" } ?? ""))
            }
        }
        if !notes.isEmpty { record.error = (record.error ?? "") + "\n" + notes.joined(separator: "\n") }
        do {
            try await save(record)
        } catch {
            notes.append("the ledger could not record the outcome (\(error)); the next deployotron command marks it interrupted")
        }
        if state.holdsLock {
            try? await ledger { try await store.releaseDeployLock(projectId: record.lockKey, deploymentId: record.id) }
        }

        let verb = cancelled ? "was cancelled" : "failed"
        var message = "deployment \(record.id) \(verb)" + (error.step.map { " at \($0)" } ?? "")
        if !cancelled || !error.message.hasPrefix("the deploy was cancelled") { message += ": " + error.message }
        if !notes.isEmpty { message += "\n" + notes.joined(separator: "\n") }
        error.message = message
        return error
    }

    /// Removes artifacts beyond the newest `keptArtifacts` deployments of the app; never fails a deploy.
    func prune(_ deployment: DeploymentRecord, on target: any DeployTarget) async -> [String] {
        do {
            let history = try await store.deployments(projectId: deployment.projectId, limit: nil).filter { $0.name == deployment.name }
            var keep = Set(history.compactMap(\.imageTag).reduce(into: [String]()) { tags, tag in
                if !tags.contains(tag), tags.count < keptArtifacts { tags.append(tag) }
            })
            if let live = try await liveDeployment(projectId: deployment.projectId, name: deployment.name), let tag = live.imageTag { keep.insert(tag) }
            return try await target.pruneArtifacts(of: deployment, keep: keep)
        } catch {
            logger.warning("pruning the images of \(deployment.name) failed: \(error)")
            return []
        }
    }
}
