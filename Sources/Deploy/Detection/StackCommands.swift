import Foundation

/// How a detected stack installs, builds and starts: package manager and commands, inside a container.
///
/// Start commands bind 0.0.0.0 and read `$PORT`, so the container's port is whatever deploy sets.
struct StackCommands: Sendable, Equatable {
    var packageManager: String?
    var build: String?
    var start: String?
    /// Where `start` came from: framework, scripts or language.
    var startSource: String?
    /// Conflicting manifests and lock files.
    var warnings: [String] = []

    init(facts f: ProjectFacts, language: String, framework: String?) {
        switch language {
        case "node": self = StackCommands(node: f, framework: framework)
        case "python": self = StackCommands(python: f, framework: framework)
        case "ruby":
            packageManager = "bundler"
            if framework == "rails" {
                start = "bundle exec rails server -b 0.0.0.0 -p $PORT"; startSource = "framework"
                build = "bundle exec rails assets:precompile"
            } else if framework == "sinatra" {
                let entry = f.first(["app.rb", "main.rb", "server.rb"]) ?? "app.rb"
                start = f.has("config.ru") ? "bundle exec rackup -o 0.0.0.0 -p $PORT" : "bundle exec ruby \(entry) -o 0.0.0.0 -p $PORT"
                startSource = "framework"
            } else if f.has("config.ru") {
                start = "bundle exec rackup -o 0.0.0.0 -p $PORT"; startSource = "language"
            } else if let entry = f.first(["app.rb", "main.rb", "server.rb"]) {
                start = "bundle exec ruby \(entry)"; startSource = "language"
            }
        case "php":
            packageManager = f.has("composer.json") ? "composer" : nil
            startSource = framework == nil ? "language" : "framework"
            switch framework {
            case "laravel": start = "php artisan serve --host=0.0.0.0 --port=$PORT"
            case "symfony": start = "php -S 0.0.0.0:$PORT -t public"
            default: start = f.hasDirectory("public") ? "php -S 0.0.0.0:$PORT -t public" : "php -S 0.0.0.0:$PORT"
            }
        case "java":
            let maven = f.has("pom.xml")
            let gradle = f.has("build.gradle") || f.has("build.gradle.kts")
            if maven && gradle { warnings.append("both pom.xml and build.gradle are present; building with maven") }
            packageManager = maven ? "maven" : "gradle"
            build = maven ? (f.has("mvnw") ? "./mvnw -B package -DskipTests" : "mvn -B package -DskipTests")
                : (f.has("gradlew") ? "./gradlew build -x test" : "gradle build -x test")
            start = framework == "spring-boot" ? "java -jar app.jar --server.port=$PORT --server.address=0.0.0.0" : "java -jar app.jar"
            startSource = framework == nil ? "language" : "framework"
        case "go":
            packageManager = "go"
            let mains = f.tree.files(under: f.folder, maxDepth: 3).filter { $0.hasSuffix("/main.go") || $0 == "main.go" }
            let relative = mains.map { f.folder.isEmpty ? $0 : String($0.dropFirst(f.folder.count + 1)) }.sorted()
            let package = relative.contains("main.go") ? "." : relative.first.map { "./" + ProjectTree.split($0).folder } ?? "."
            build = "go build -o /out/server \(package)"
            start = "./server"; startSource = "language"
        case "rust":
            packageManager = "cargo"
            build = "cargo build --release"
            start = "./\(Self.cargoPackageName(f) ?? "app")"; startSource = "language"
        case "dotnet":
            packageManager = "dotnet"
            build = "dotnet publish -c Release -o /out"
            let assembly = f.dotnetProject.map { ProjectTree.split($0.name).name.replacingOccurrences(of: ".csproj", with: "").replacingOccurrences(of: ".fsproj", with: "") } ?? "App"
            start = "dotnet \(assembly).dll"; startSource = framework == nil ? "language" : "framework"
        case "elixir":
            packageManager = "mix"
            build = "mix release"
            start = "bin/\(Self.mixAppName(f) ?? "app") start"; startSource = framework == nil ? "language" : "framework"
        case "deno":
            packageManager = "deno"
            let config = f.read("deno.json") ?? f.read("deno.jsonc") ?? ""
            if config.contains("\"start\"") {
                start = "deno task start"; startSource = "scripts"
            } else {
                let entry = f.first(["main.ts", "server.ts", "mod.ts", "main.js", "src/main.ts"]) ?? "main.ts"
                start = "deno run --allow-net --allow-env --allow-read \(entry)"; startSource = "language"
            }
        case "static":
            start = "nginx -g 'daemon off;'"; startSource = "language"
        default:
            break
        }
    }

    private init(node f: ProjectFacts, framework: String?) {
        let manager = Self.nodePackageManager(f)
        packageManager = manager.name
        warnings = manager.warnings
        let run: (String) -> String = { script in
            switch manager.name {
            case "yarn": "yarn \(script)"
            case "pnpm": "pnpm run \(script)"
            case "bun": "bun run \(script)"
            default: "npm run \(script)"
            }
        }
        let scripts = f.node?.scripts ?? [:]
        if scripts["build"] != nil { build = run("build") }
        let frameworkStart: String? = switch framework {
        case "next": "npx next start -H 0.0.0.0 -p $PORT"
        case "nuxt": "node .output/server/index.mjs"
        case "remix": "npx remix-serve ./build/server/index.js"
        case "astro": "node ./dist/server/entry.mjs"
        case "sveltekit": "node build"
        case "nestjs": "node dist/main.js"
        case let spa? where StackRule.singlePageFrameworks.contains(spa): "nginx -g 'daemon off;'"
        default: nil
        }
        if let frameworkStart {
            start = frameworkStart; startSource = "framework"
        } else if scripts["start"] != nil {
            start = manager.name == "npm" ? "npm start" : run("start"); startSource = "scripts"
        } else if let main = f.node?.main ?? f.first(["server.js", "index.js", "app.js", "main.js", "src/index.js", "server.mjs", "index.mjs"]) {
            start = "node \(main)"; startSource = "language"
        }
    }

    private init(python f: ProjectFacts, framework: String?) {
        var warnings: [String] = []
        let pyproject = f.read("pyproject.toml") ?? ""
        let lockManagers: [(String, Bool)] = [
            ("uv", f.has("uv.lock")),
            ("poetry", f.has("poetry.lock") || pyproject.contains("[tool.poetry")),
            ("pdm", f.has("pdm.lock") || pyproject.contains("[tool.pdm")),
            ("pipenv", f.has("Pipfile") || f.has("Pipfile.lock")),
        ]
        let found = lockManagers.filter(\.1).map(\.0)
        if found.count > 1 { warnings.append("several Python package managers' files are present (\(found.joined(separator: ", "))); using \(found[0])") }
        packageManager = found.first ?? "pip"
        self.warnings = warnings
        let gunicorn = f.pythonDependency("gunicorn")
        startSource = "framework"
        switch framework {
        case "django":
            let wsgi = f.tree.files(under: f.folder, maxDepth: 2).first { $0.hasSuffix("/wsgi.py") }
            let module = wsgi.map { path -> String in
                let relative = f.folder.isEmpty ? path : String(path.dropFirst(f.folder.count + 1))
                return ProjectTree.split(relative).folder.replacingOccurrences(of: "/", with: ".")
            }
            if gunicorn, let module {
                start = "gunicorn \(module).wsgi:application --bind 0.0.0.0:$PORT"
            } else {
                start = "python manage.py runserver 0.0.0.0:$PORT"
            }
            build = "python manage.py collectstatic --noinput"
        case "fastapi":
            let module = Self.pythonModule(f, ["main.py", "app/main.py", "app.py", "src/main.py", "api/main.py"]) ?? "main"
            start = "uvicorn \(module):app --host 0.0.0.0 --port $PORT"
        case "flask":
            let module = Self.pythonModule(f, ["app.py", "wsgi.py", "main.py", "application.py", "app/__init__.py"]) ?? "app"
            start = gunicorn ? "gunicorn \(module):app --bind 0.0.0.0:$PORT" : "flask --app \(module) run --host 0.0.0.0 --port $PORT"
        default:
            startSource = "language"
            if let entry = f.first(["main.py", "app.py", "server.py", "run.py"]) { start = "python \(entry)" }
        }
    }

    private static func pythonModule(_ f: ProjectFacts, _ candidates: [String]) -> String? {
        guard let path = f.first(candidates) else { return nil }
        let trimmed = path.hasSuffix("/__init__.py") ? String(path.dropLast("/__init__.py".count)) : String(path.dropLast(3))
        return trimmed.replacingOccurrences(of: "/", with: ".")
    }

    /// The package manager a Node project uses: the `packageManager` field, else its lock file.
    static func nodePackageManager(_ f: ProjectFacts) -> (name: String, warnings: [String]) {
        let locks: [(String, String)] = [("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn"), ("bun.lockb", "bun"), ("bun.lock", "bun"), ("package-lock.json", "npm")]
        let present = locks.filter { f.has($0.0) }
        let declared = f.node?.packageManager.flatMap { $0.split(separator: "@").first.map(String.init) }
        let managers = Array(Set(present.map(\.1))).sorted()
        var warnings: [String] = []
        let chosen = declared ?? present.first?.1 ?? "npm"
        if managers.count > 1 {
            warnings.append("lock files of several package managers are present (\(present.map(\.0).joined(separator: ", "))); using \(chosen)")
        }
        return (chosen, warnings)
    }

    static func cargoPackageName(_ f: ProjectFacts) -> String? {
        guard let text = f.read("Cargo.toml") else { return nil }
        var inPackage = false
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") { inPackage = trimmed == "[package]" }
            if inPackage, trimmed.hasPrefix("name"), let value = trimmed.split(separator: "\"").dropFirst().first { return String(value) }
        }
        return nil
    }

    static func mixAppName(_ f: ProjectFacts) -> String? {
        guard let text = f.read("mix.exs"), let range = text.range(of: "app: :") else { return nil }
        let name = text[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return name.isEmpty ? nil : String(name)
    }
}
