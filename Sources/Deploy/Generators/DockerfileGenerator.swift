import Foundation

/// Renders a Dockerfile and a `.dockerignore` for a detected stack.
///
/// Every Dockerfile uses official base images, installs dependencies before copying the source,
/// runs as a non-root user, exposes the port, checks health, and starts the app on 0.0.0.0:$PORT.
public struct DockerfileGenerator: Sendable {
    public init() {}

    /// The Dockerfile for the app in `appFolder`, described by `stack`.
    public func dockerfile(for stack: DetectedStack, appFolder: URL) throws -> String {
        let facts = ProjectFacts(tree: ProjectTree(root: appFolder), folder: "")
        let (template, context) = try context(for: stack, facts: facts)
        return try TemplateLibrary.bundled.get().render(template, context)
    }

    /// The `.dockerignore` for `stack`: VCS, secrets, dependencies and build outputs stay out of the context.
    public func dockerignore(for stack: DetectedStack) throws -> String {
        let patterns: [String] = switch stack.language {
        case "node", "deno": ["node_modules", "npm-debug.log*", ".next", ".nuxt", ".output", ".svelte-kit", ".astro", "dist", "build", "coverage", ".turbo"]
        case "python": ["__pycache__", "*.pyc", ".venv", "venv", ".pytest_cache", ".mypy_cache", ".tox"]
        case "go": ["bin"]
        case "rust": ["target"]
        case "java": ["target", "build", ".gradle", "*.class"]
        case "dotnet": ["bin", "obj"]
        case "ruby": ["log", "tmp", "vendor/bundle", "node_modules"]
        case "php": ["vendor", "node_modules", "storage/logs", "storage/framework/cache"]
        case "elixir": ["_build", "deps", "node_modules"]
        default: []
        }
        return try TemplateLibrary.bundled.get().render("dockerignore", ["patterns": patterns])
    }

    // MARK: - Contexts

    func context(for stack: DetectedStack, facts: ProjectFacts) throws -> (String, [String: Any]) {
        var context: [String: Any] = [
            "stack_name": stack.framework ?? stack.language,
            "port": stack.port,
        ]
        let start = stack.startCommand
        func startJSON(_ command: String, prefix: String = "") -> String {
            let chained = command.contains("&&") || command.contains(";") || command.hasPrefix("exec ")
            let line = chained ? prefix + command : prefix + "exec " + command
            let data = (try? JSONEncoder().encode(line)) ?? Data("\"\"".utf8)
            return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
        }
        func manifests(_ names: [String]) -> String? {
            let present = names.filter(facts.has)
            return present.isEmpty ? nil : present.joined(separator: " ")
        }
        func required(_ value: String?, _ what: String) throws -> String {
            guard let value, !value.isEmpty else {
                throw DeployError(.invalidInput, "no \(what) is known for this \(stack.framework ?? stack.language) app: set start_command in \(StackOverride.relativePath) or write a Dockerfile")
            }
            return value
        }

        switch stack.language {
        case "node":
            let manager = stack.packageManager ?? "npm"
            let hasLock = ["package-lock.json", "pnpm-lock.yaml", "yarn.lock", "bun.lockb", "bun.lock"].contains(where: facts.has)
            let berry = facts.has(".yarnrc.yml")
            context["base_image"] = manager == "bun" ? "oven/bun:1" : "node:22-bookworm-slim"
            context["user"] = manager == "bun" ? "bun" : "node"
            context["corepack"] = manager == "pnpm" || berry
            context["manifests"] = manifests(["package.json", "package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", ".yarnrc.yml", "bun.lockb", "bun.lock", ".npmrc"]) ?? "package.json"
            context["install_command"] = switch manager {
            case "pnpm": hasLock ? "pnpm install --frozen-lockfile" : "pnpm install"
            case "yarn": berry ? "yarn install --immutable" : (hasLock ? "yarn install --frozen-lockfile" : "yarn install")
            case "bun": hasLock ? "bun install --frozen-lockfile" : "bun install"
            default: facts.has("package-lock.json") || facts.has("npm-shrinkwrap.json") ? "npm ci" : "npm install"
            }
            context["has_build"] = stack.buildCommand != nil
            if let build = stack.buildCommand { context["build_command"] = build }
            if let framework = stack.framework, StackRule.singlePageFrameworks.contains(framework) {
                context["has_build"] = true
                context["build_command"] = stack.buildCommand ?? (manager == "yarn" ? "yarn build" : "\(manager) run build")
                let output = facts.node?.has("react-scripts") == true ? "build" : "dist"
                context["collect_output"] = framework == "angular"
                    ? #"cp -r "$(ls -d dist/*/browser 2>/dev/null | head -n 1 || ls -d dist/* | head -n 1)"/. /out/"#
                    : "cp -r \(output)/. /out/"
                return ("spa.Dockerfile", context)
            }
            let prune: String? = switch manager {
            case "npm": "npm prune --omit=dev"
            case "pnpm": "pnpm prune --prod"
            default: nil
            }
            if let prune { context["prune_command"] = prune }
            context["healthcheck"] = manager == "bun"
                ? #"bun -e "await Bun.connect({ hostname: '127.0.0.1', port: Number(process.env.PORT), socket: { data() {} } })""#
                : #"node -e "require('net').connect(+process.env.PORT, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))""#
            context["start_json"] = startJSON(try required(start, "start command"))
            return ("node.Dockerfile", context)

        case "static":
            context["has_build"] = false
            context["static_root"] = !facts.has("index.html") && facts.has("public/index.html") ? "public" : "."
            return ("spa.Dockerfile", context)

        case "python":
            let manager = stack.packageManager ?? "pip"
            var setup: [String] = []
            switch manager {
            case "poetry":
                setup.append("pip install poetry && poetry config virtualenvs.create false")
                context["manifests"] = manifests(["pyproject.toml", "poetry.lock"])
                context["install_command"] = "poetry install --no-root --only main --no-interaction"
            case "uv":
                setup.append("pip install uv")
                context["manifests"] = manifests(["pyproject.toml", "uv.lock"])
                context["install_command"] = facts.has("uv.lock") ? "uv sync --frozen --no-dev --no-install-project" : "uv sync --no-dev --no-install-project"
                context["venv"] = true
            case "pdm":
                setup.append("pip install pdm")
                context["manifests"] = manifests(["pyproject.toml", "pdm.lock"])
                context["install_command"] = "pdm install --prod --no-self"
                context["venv"] = true
            case "pipenv":
                setup.append("pip install pipenv")
                context["manifests"] = manifests(["Pipfile", "Pipfile.lock"])
                context["install_command"] = "pipenv install --system --deploy"
            default:
                if facts.has("requirements.txt") {
                    context["manifests"] = "requirements.txt"
                    context["install_command"] = "pip install -r requirements.txt"
                } else {
                    context["manifests"] = manifests(["pyproject.toml", "setup.cfg"]) ?? "pyproject.toml"
                    context["install_command"] = #"python -c "import subprocess, sys, tomllib; deps = tomllib.load(open('pyproject.toml', 'rb')).get('project', {}).get('dependencies', []); deps and subprocess.check_call([sys.executable, '-m', 'pip', 'install', *deps])""#
                }
            }
            let startCommand = try required(start, "start command")
            for server in ["uvicorn", "gunicorn"] where startCommand.hasPrefix(server) && !facts.pythonDependency(server) {
                setup.append("pip install \(server)")
            }
            if !setup.isEmpty { context["setup_command"] = setup.joined(separator: " && ") }
            context["start_json"] = startJSON(startCommand)
            return ("python.Dockerfile", context)

        case "go":
            context["manifests"] = manifests(["go.mod", "go.sum"]) ?? "go.mod"
            context["build_command"] = stack.buildCommand ?? "go build -o /out/server ."
            context["start_json"] = startJSON(start ?? "./server")
            return ("go.Dockerfile", context)

        case "rust":
            let binary = StackCommands.cargoPackageName(facts) ?? "app"
            context["manifests"] = manifests(["Cargo.toml", "Cargo.lock"]) ?? "Cargo.toml"
            context["build_command"] = stack.buildCommand ?? "cargo build --release"
            context["binary"] = binary
            context["start_json"] = startJSON(start ?? "./\(binary)")
            return ("rust.Dockerfile", context)

        case "java":
            let gradle = stack.packageManager == "gradle"
            context["package_manager"] = gradle ? "gradle" : "maven"
            context["build_image"] = gradle ? "gradle:8-jdk21" : "maven:3.9-eclipse-temurin-21"
            context["manifests"] = gradle ? manifests(["build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts", "gradle.properties"]) ?? "build.gradle" : "pom.xml"
            context["dependencies_command"] = gradle ? "gradle dependencies --no-daemon > /dev/null" : "mvn -B -q dependency:go-offline"
            context["build_command"] = gradle ? "gradle build -x test --no-daemon" : "mvn -B package -DskipTests"
            context["output_dir"] = gradle ? "build/libs" : "target"
            context["start_json"] = startJSON(start ?? "java -jar app.jar")
            return ("java.Dockerfile", context)

        case "dotnet":
            guard let project = facts.dotnetProject else {
                throw DeployError(.invalidInput, "no .csproj or .fsproj in \(facts.tree.root.path): the Dockerfile needs the project file")
            }
            context["manifests"] = project.name
            context["build_command"] = stack.buildCommand ?? "dotnet publish -c Release -o /out"
            context["runtime_image"] = stack.framework == "aspnet" ? "mcr.microsoft.com/dotnet/aspnet:8.0" : "mcr.microsoft.com/dotnet/runtime:8.0"
            context["start_json"] = startJSON(try required(start, "start command"), prefix: "ASPNETCORE_URLS=http://0.0.0.0:$PORT ")
            return ("dotnet.Dockerfile", context)

        case "ruby":
            context["manifests"] = manifests(["Gemfile", "Gemfile.lock"]) ?? "Gemfile"
            let precompile = stack.framework == "rails" && (facts.hasDirectory("app/assets") || facts.hasDirectory("app/javascript"))
            context["has_build"] = precompile
            if precompile { context["build_command"] = stack.buildCommand ?? "bundle exec rails assets:precompile" }
            context["start_json"] = startJSON(try required(start, "start command"))
            return ("ruby.Dockerfile", context)

        case "php":
            context["composer"] = facts.has("composer.json")
            context["manifests"] = manifests(["composer.json", "composer.lock"]) ?? "composer.json"
            context["start_json"] = startJSON(try required(start, "start command"))
            return ("php.Dockerfile", context)

        case "elixir":
            let release = StackCommands.mixAppName(facts) ?? "app"
            context["manifests"] = manifests(["mix.exs", "mix.lock"]) ?? "mix.exs"
            context["has_config"] = facts.hasDirectory("config")
            context["assets"] = stack.framework == "phoenix" && facts.hasDirectory("assets")
            context["build_command"] = stack.buildCommand ?? "mix release"
            context["release"] = release
            context["start_json"] = startJSON(start ?? "bin/\(release) start")
            return ("elixir.Dockerfile", context)

        case "deno":
            let present = manifests(["deno.json", "deno.jsonc", "deno.lock", "package.json"])
            context["has_manifests"] = present != nil
            if let present { context["manifests"] = present }
            let startCommand = start ?? "deno run --allow-net --allow-env --allow-read main.ts"
            context["entry"] = startCommand.split(separator: " ").last.map(String.init).flatMap { $0.hasSuffix(".ts") || $0.hasSuffix(".js") ? $0 : nil }
                ?? facts.first(["main.ts", "server.ts", "mod.ts", "main.js"]) ?? "main.ts"
            context["start_json"] = startJSON(startCommand)
            return ("deno.Dockerfile", context)

        default:
            throw DeployError(.invalidInput, "deployotron has no Dockerfile template for \(stack.language): write a Dockerfile in the project and deploy will use it")
        }
    }
}
