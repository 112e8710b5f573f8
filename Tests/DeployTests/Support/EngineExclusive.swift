import Testing

/// One engine test at a time across every suite that carries `.engineExclusive`: podman shares
/// cached layers between builds, and one test removing its images while another builds from the
/// same layers makes that build fail ("error in copier subprocess ... no such file or directory").
struct EngineExclusive: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        // The suite itself only groups; its tests take the lock one by one.
        guard !test.isSuite else {
            try await function()
            return
        }
        await EngineLock.shared.acquire()
        do {
            try await function()
        } catch {
            await EngineLock.shared.release()
            throw error
        }
        await EngineLock.shared.release()
    }
}

extension Trait where Self == EngineExclusive {
    static var engineExclusive: Self { Self() }
}

/// A lock that waits without blocking a thread.
actor EngineLock {
    static let shared = EngineLock()
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            held = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
