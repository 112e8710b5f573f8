import Foundation

/// Detection and the file generators: the services that need no ledger and no docker.
public struct GeneratorService: Sendable {
    public var detector: StackDetector

    public init(detector: StackDetector = StackDetector()) {
        self.detector = detector
    }

    public func detect(_ input: DetectInput) throws -> DetectedStack {
        try detector.detect(at: URL(fileURLWithPath: input.path))
    }

    /// The Dockerfile and .dockerignore for the app at `path`; written into the app folder when asked.
    public func generateDockerfile(_ input: GenerateInput) throws -> GenerateOutput {
        let root = URL(fileURLWithPath: input.path).standardizedFileURL
        let stack = try detector.detect(at: root)
        let folder = stack.appPath.map { root.appendingPathComponent($0, isDirectory: true) } ?? root
        let generator = DockerfileGenerator()
        let prefix = stack.appPath.map { $0 + "/" } ?? ""
        var files = [
            GeneratedFile(path: prefix + "Dockerfile", contents: try generator.dockerfile(for: stack, appFolder: folder)),
            GeneratedFile(path: prefix + ".dockerignore", contents: try generator.dockerignore(for: stack)),
        ]
        if input.write == true { try write(&files, into: root, overwrite: input.overwrite == true) }
        return GenerateOutput(stack: stack, files: files)
    }

    /// A docker-compose.yml building the app's Dockerfile, with the databases asked for.
    public func generateCompose(_ input: GenerateInput) throws -> GenerateOutput {
        let root = URL(fileURLWithPath: input.path).standardizedFileURL
        let stack = try detector.detect(at: root)
        let prefix = stack.appPath.map { $0 + "/" } ?? ""
        let name = DeployService.containerName(stack.appPath.map { ProjectTree.split($0).name } ?? root.lastPathComponent)
        let compose = try ComposeGenerator().compose(for: stack, options: .init(
            projectName: name, app: .build(context: ".", dockerfile: stack.dockerfile ?? "Dockerfile"),
            hostPort: input.hostPort ?? stack.port, databases: input.databases ?? []
        ))
        var files = [GeneratedFile(path: prefix + "docker-compose.yml", contents: compose)]
        if input.write == true { try write(&files, into: root, overwrite: input.overwrite == true) }
        return GenerateOutput(stack: stack, files: files)
    }

    func write(_ files: inout [GeneratedFile], into root: URL, overwrite: Bool) throws {
        let existing = files.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent($0.path).path) }
        if !overwrite, !existing.isEmpty {
            throw DeployError(.fileExists, "\(existing.map(\.path).joined(separator: ", ")) already exist in \(root.path): pass overwrite to replace them")
        }
        for index in files.indices {
            let url = root.appendingPathComponent(files[index].path)
            do {
                try files[index].contents.write(to: url, atomically: true, encoding: .utf8)
            } catch {
                throw DeployError(.invalidInput, "could not write \(url.path): \(error.localizedDescription)")
            }
            files[index].written = true
        }
    }
}
