import Synchronization

/// The model names `/model` and Tab offer: deployotron's known models at first, then what
/// `GET /v1/models` returned once the REPL has asked. Shared by the completer and the REPL.
public final class ModelNames: Sendable {
    private let state: Mutex<(names: [String], fromAPI: Bool)>

    public init(_ names: [String]) {
        state = Mutex((names, false))
    }

    public var all: [String] { state.withLock { $0.names } }

    /// Whether the names came from the API (so a name not among them is not a model it serves).
    public var fromAPI: Bool { state.withLock { $0.fromAPI } }

    /// Replaces the names with the API's list.
    public func replace(withListed names: [String]) {
        state.withLock { $0 = (names, true) }
    }

    /// The names nearest `name`, best first: those it is part of, then those within a few edits.
    public static func suggestions(for name: String, among names: [String], limit: Int = 3) -> [String] {
        let lowered = name.lowercased()
        let containing = names.filter { $0.lowercased().contains(lowered) || lowered.contains($0.lowercased()) }
        let limitDistance = max(3, lowered.count / 3)
        var scored: [(name: String, distance: Int)] = []
        for candidate in names {
            let distance = EditDistance.between(lowered, candidate.lowercased())
            if distance <= limitDistance { scored.append((candidate, distance)) }
        }
        scored.sort { left, right in left.distance != right.distance ? left.distance < right.distance : left.name < right.name }
        let near = scored.map(\.name)
        var seen = Set<String>()
        return (containing + near).filter { seen.insert($0).inserted }.prefix(limit).map { $0 }
    }
}
