/// What Tab offers: slash command names, then model names after `/model ` and skill names after `/skills `.
public struct SlashCommandCompleter: Sendable {
    /// The model names at the moment Tab is pressed (the API's list once `/model` fetched it).
    public var models: @Sendable () -> [String]
    public var skills: @Sendable () -> [String]

    public init(models: [String], skills: @escaping @Sendable () -> [String] = { [] }) {
        self.init(modelNames: ModelNames(models), skills: skills)
    }

    public init(modelNames: ModelNames, skills: @escaping @Sendable () -> [String] = { [] }) {
        self.models = { modelNames.all }
        self.skills = skills
    }

    /// The completion of `textBeforeCursor`; nothing for text that is not a slash command.
    public func complete(_ textBeforeCursor: String) -> Completion {
        guard textBeforeCursor.hasPrefix("/") else { return .none }
        let body = textBeforeCursor.dropFirst()
        guard let space = body.firstIndex(of: " ") else {
            let word = String(body)
            let names = SlashCommand.names.filter { $0.hasPrefix(word.lowercased()) }.sorted()
            return Completion(word: textBeforeCursor, candidates: names.map { "/" + $0 })
        }
        let command = body[..<space].lowercased()
        let argument = body[body.index(after: space)...].drop { $0 == " " }
        guard !argument.contains(" ") else { return .none }
        let word = String(argument)
        let pool: [String]
        switch command {
        case "model": pool = models()
        case "skills", "skill": pool = skills()
        default: return .none
        }
        return Completion(word: word, candidates: pool.filter { $0.hasPrefix(word) }.sorted())
    }
}
