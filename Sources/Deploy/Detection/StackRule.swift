import Foundation

/// One detection rule: a stack and the test that recognises it.
///
/// Rules are tried in `StackRule.ordered` order; the first that matches decides, the others that
/// match become candidates. Framework rules come before their language's generic rule, and PHP and
/// Ruby come before Node, whose package.json often only builds their assets.
struct StackRule: Sendable {
    var language: String
    var framework: String?
    var confidence: Int
    /// The framework's own default port; nil leaves the port to the Dockerfile, the source or the language.
    var defaultPort: Int?
    /// The evidence when the rule matches, nil otherwise.
    var match: @Sendable (ProjectFacts) -> [DetectedStack.Evidence]?

    init(_ language: String, _ framework: String? = nil, confidence: Int, port: Int? = nil, match: @escaping @Sendable (ProjectFacts) -> [DetectedStack.Evidence]?) {
        self.language = language
        self.framework = framework
        self.confidence = confidence
        self.defaultPort = port
        self.match = match
    }
}

// MARK: - Evidence builders

private func file(_ name: String) -> DetectedStack.Evidence { .init(kind: "file", detail: name) }
private func dependency(_ name: String, in manifest: String) -> DetectedStack.Evidence { .init(kind: "dependency", detail: "\(name) in \(manifest)") }

/// A rule on one manifest file naming one dependency.
private func needs(_ facts: ProjectFacts, _ manifest: String, _ name: String, _ found: Bool) -> [DetectedStack.Evidence]? {
    found ? [file(manifest), dependency(name, in: manifest)] : nil
}

private func nodeRule(_ framework: String, port: Int?, confidence: Int = 90, packages: [String]) -> StackRule {
    StackRule("node", framework, confidence: confidence, port: port) { facts in
        guard let node = facts.node, let hit = packages.first(where: { $0.hasSuffix("*") ? node.hasPrefix(String($0.dropLast())) : node.has($0) }) else { return nil }
        let name = hit.hasSuffix("*") ? node.dependencies.sorted().first { $0.hasPrefix(String(hit.dropLast())) } ?? hit : hit
        return [file("package.json"), dependency(name, in: "package.json")]
    }
}

private func pythonManifest(_ facts: ProjectFacts) -> String {
    facts.first(["requirements.txt", "pyproject.toml", "Pipfile", "setup.py", "setup.cfg"]) ?? "requirements.txt"
}

private func anyFile(_ facts: ProjectFacts, _ names: [String]) -> [DetectedStack.Evidence]? {
    let found = names.filter(facts.has)
    return found.isEmpty ? nil : found.map(file)
}

extension StackRule {
    /// Every rule, in the order they are tried.
    static let ordered: [StackRule] = [
        // PHP
        StackRule("php", "laravel", confidence: 95, port: 8000) { f in
            if f.composerPackage("laravel/framework") { return [file("composer.json"), dependency("laravel/framework", in: "composer.json")] + (f.has("artisan") ? [file("artisan")] : []) }
            return f.has("artisan") && f.has("composer.json") ? [file("artisan"), file("composer.json")] : nil
        },
        StackRule("php", "symfony", confidence: 90, port: 8000) { f in
            f.composerPackage("symfony/framework-bundle") ? [file("composer.json"), dependency("symfony/framework-bundle", in: "composer.json")]
                : (f.has("symfony.lock") ? [file("symfony.lock")] : nil)
        },
        StackRule("php", confidence: 70, port: 8000) { f in anyFile(f, ["composer.json", "index.php", "public/index.php"]) },
        // Ruby
        StackRule("ruby", "rails", confidence: 95, port: 3000) { f in
            if f.gem("rails") { return [file("Gemfile"), dependency("rails", in: "Gemfile")] + (f.has("config/application.rb") ? [file("config/application.rb")] : []) }
            return f.has("config/application.rb") && f.has("bin/rails") ? [file("config/application.rb"), file("bin/rails")] : nil
        },
        StackRule("ruby", "sinatra", confidence: 90, port: 4567) { f in needs(f, "Gemfile", "sinatra", f.gem("sinatra")) },
        StackRule("ruby", confidence: 70, port: 3000) { f in anyFile(f, ["Gemfile", "config.ru"]) },
        // Elixir
        StackRule("elixir", "phoenix", confidence: 95, port: 4000) { f in needs(f, "mix.exs", ":phoenix", f.mentions("mix.exs", ":phoenix,") || f.mentions("mix.exs", "{:phoenix,")) },
        StackRule("elixir", confidence: 70, port: 4000) { f in anyFile(f, ["mix.exs"]) },
        // Java
        StackRule("java", "spring-boot", confidence: 95, port: 8080) { f in
            guard f.javaBuild.contains("spring-boot") else { return nil }
            let manifest = f.first(["pom.xml", "build.gradle", "build.gradle.kts"]) ?? "pom.xml"
            return [file(manifest), dependency("spring-boot", in: manifest)]
        },
        StackRule("java", confidence: 70, port: 8080) { f in anyFile(f, ["pom.xml", "build.gradle", "build.gradle.kts"]) },
        // .NET
        StackRule("dotnet", "aspnet", confidence: 95, port: 8080) { f in
            guard let project = f.dotnetProject, project.text.contains("Microsoft.NET.Sdk.Web") || project.text.contains("Microsoft.AspNetCore") else { return nil }
            return [file(project.name), dependency("Microsoft.NET.Sdk.Web", in: project.name)]
        },
        StackRule("dotnet", confidence: 70, port: 8080) { f in
            let projects = f.files(endingWith: ".csproj") + f.files(endingWith: ".fsproj") + f.files(endingWith: ".sln")
            return projects.isEmpty ? nil : projects.map(file)
        },
        // Rust
        StackRule("rust", "actix-web", confidence: 90, port: 8080) { f in needs(f, "Cargo.toml", "actix-web", f.cargoDependency("actix-web")) },
        StackRule("rust", "axum", confidence: 90, port: 3000) { f in needs(f, "Cargo.toml", "axum", f.cargoDependency("axum")) },
        StackRule("rust", "rocket", confidence: 90, port: 8000) { f in needs(f, "Cargo.toml", "rocket", f.cargoDependency("rocket")) },
        StackRule("rust", confidence: 70) { f in anyFile(f, ["Cargo.toml"]) },
        // Go
        StackRule("go", "gin", confidence: 90, port: 8080) { f in needs(f, "go.mod", "github.com/gin-gonic/gin", f.goDependency("github.com/gin-gonic/gin")) },
        StackRule("go", "echo", confidence: 90, port: 1323) { f in needs(f, "go.mod", "github.com/labstack/echo", f.goDependency("github.com/labstack/echo")) },
        StackRule("go", confidence: 70) { f in anyFile(f, ["go.mod", "main.go"]) },
        // Python
        StackRule("python", "django", confidence: 95, port: 8000) { f in
            if f.pythonDependency("django") { return [file(pythonManifest(f)), dependency("django", in: pythonManifest(f))] + (f.has("manage.py") ? [file("manage.py")] : []) }
            return f.mentions("manage.py", "django") ? [file("manage.py")] : nil
        },
        StackRule("python", "fastapi", confidence: 90, port: 8000) { f in needs(f, pythonManifest(f), "fastapi", f.pythonDependency("fastapi")) },
        StackRule("python", "flask", confidence: 90, port: 5000) { f in needs(f, pythonManifest(f), "flask", f.pythonDependency("flask")) },
        StackRule("python", confidence: 70) { f in anyFile(f, ["requirements.txt", "pyproject.toml", "Pipfile", "setup.py", "uv.lock", "poetry.lock"]) },
        // Deno: before Node, as a Deno project may carry a package.json for npm compatibility.
        StackRule("deno", confidence: 85, port: 8000) { f in anyFile(f, ["deno.json", "deno.jsonc", "deno.lock"]) },
        // Node: meta-frameworks, then servers, then single-page apps.
        nodeRule("nestjs", port: 3000, packages: ["@nestjs/core"]),
        nodeRule("next", port: 3000, packages: ["next"]),
        nodeRule("nuxt", port: 3000, packages: ["nuxt", "nuxt3"]),
        nodeRule("remix", port: 3000, packages: ["@remix-run/node", "@remix-run/serve", "@remix-run/react"]),
        nodeRule("astro", port: 4321, packages: ["astro"]),
        nodeRule("sveltekit", port: 3000, packages: ["@sveltejs/kit"]),
        nodeRule("fastify", port: 3000, packages: ["fastify"]),
        nodeRule("express", port: 3000, packages: ["express"]),
        nodeRule("angular", port: 8080, packages: ["@angular/core"]),
        nodeRule("react", port: 8080, confidence: 85, packages: ["react-scripts", "react"]),
        nodeRule("vue", port: 8080, confidence: 85, packages: ["vue"]),
        nodeRule("vite", port: 8080, confidence: 80, packages: ["vite"]),
        StackRule("node", confidence: 70) { f in anyFile(f, ["package.json"]) },
        // Static sites: HTML and nothing that builds it.
        StackRule("static", confidence: 60, port: 8080) { f in anyFile(f, ["index.html", "public/index.html"]) },
    ]

    /// Single-page-app frameworks: built to static files and served by nginx.
    static let singlePageFrameworks: Set<String> = ["angular", "react", "vue", "vite"]

    /// A language's port when neither the framework, a Dockerfile nor the source names one.
    static func languagePort(_ language: String) -> Int {
        switch language {
        case "node", "ruby": 3000
        case "python", "php", "deno": 8000
        case "elixir": 4000
        default: 8080
        }
    }
}
