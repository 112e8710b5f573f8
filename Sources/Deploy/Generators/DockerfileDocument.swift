import Foundation

/// A Dockerfile read into instructions and build stages.
///
/// Enough of the format to check generated files and to read an existing Dockerfile's
/// `EXPOSE`: line continuations, comments, `FROM ... AS name`, exec and shell forms.
public struct DockerfileDocument: Sendable, Equatable {
    public struct Instruction: Sendable, Equatable {
        /// Upper-cased: FROM, RUN, COPY, EXPOSE, USER, HEALTHCHECK, CMD...
        public var keyword: String
        /// Everything after the keyword, continuations joined with a space.
        public var arguments: String
        /// The 1-based line the instruction starts on.
        public var line: Int

        /// The arguments of an exec form (`["a", "b"]`), nil for the shell form.
        public var execForm: [String]? {
            let trimmed = arguments.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("["), let data = trimmed.data(using: .utf8) else { return nil }
            return try? JSONDecoder().decode([String].self, from: data)
        }
    }

    public struct Stage: Sendable, Equatable {
        public var baseImage: String
        public var name: String?
        public var instructions: [Instruction]

        public func all(_ keyword: String) -> [Instruction] { instructions.filter { $0.keyword == keyword } }
        public func last(_ keyword: String) -> Instruction? { instructions.last { $0.keyword == keyword } }
    }

    /// Instructions before the first FROM (ARG only, in a valid file).
    public var preamble: [Instruction]
    public var stages: [Stage]

    public init(parsing text: String) throws {
        var instructions: [Instruction] = []
        var pending = ""
        var pendingLine = 0
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && (line.isEmpty || line.hasPrefix("#")) { continue }
            if !pending.isEmpty && line.hasPrefix("#") { continue }
            if pending.isEmpty { pendingLine = index + 1 }
            if line.hasSuffix("\\") {
                pending += line.dropLast().trimmingCharacters(in: .whitespaces) + " "
                continue
            }
            pending += line
            let parts = pending.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard let keyword = parts.first, keyword.allSatisfy({ $0.isLetter }) else {
                throw DeployError(.invalidInput, "Dockerfile line \(pendingLine): expected an instruction, found \"\(pending.prefix(40))\"")
            }
            instructions.append(Instruction(keyword: keyword.uppercased(), arguments: parts.count > 1 ? String(parts[1]) : "", line: pendingLine))
            pending = ""
        }
        if !pending.isEmpty {
            throw DeployError(.invalidInput, "Dockerfile line \(pendingLine): the last instruction ends with a line continuation")
        }
        var preamble: [Instruction] = []
        var stages: [Stage] = []
        for instruction in instructions {
            if instruction.keyword == "FROM" {
                let words = instruction.arguments.split(separator: " ").map(String.init).filter { !$0.hasPrefix("--") }
                guard let image = words.first else {
                    throw DeployError(.invalidInput, "Dockerfile line \(instruction.line): FROM names no image")
                }
                let name = words.count >= 3 && words[1].uppercased() == "AS" ? words[2] : nil
                stages.append(Stage(baseImage: image, name: name, instructions: [instruction]))
            } else if stages.isEmpty {
                guard instruction.keyword == "ARG" else {
                    throw DeployError(.invalidInput, "Dockerfile line \(instruction.line): \(instruction.keyword) comes before the first FROM")
                }
                preamble.append(instruction)
            } else {
                stages[stages.count - 1].instructions.append(instruction)
            }
        }
        guard !stages.isEmpty else { throw DeployError(.invalidInput, "the Dockerfile has no FROM instruction") }
        self.preamble = preamble
        self.stages = stages
    }

    /// The stage the image is made of.
    public var finalStage: Stage { stages[stages.count - 1] }

    /// The ports the final stage exposes (`EXPOSE 3000 8080/tcp`), variables left out.
    public var exposedPorts: [Int] {
        finalStage.all("EXPOSE").flatMap { $0.arguments.split(separator: " ") }.compactMap { Int($0.split(separator: "/")[0]) }
    }

    /// The final stage's user, nil when it never sets one (and so runs as root).
    public var user: String? { finalStage.last("USER")?.arguments.trimmingCharacters(in: .whitespaces) }
}
