import Foundation

/// Small example projects, one per language and framework detection knows, written by tests.
struct ExampleProject: Sendable, CustomStringConvertible {
    var name: String
    var files: [String: String]
    var language: String
    var framework: String?
    var packageManager: String?
    var port: Int?

    var description: String { name }

    static func packageJSON(_ dependencies: [String], scripts: [String: String] = ["start": "node server.js"], extra: String = "") -> String {
        let deps = dependencies.map { "\"\($0)\": \"^1.0.0\"" }.joined(separator: ", ")
        let scriptText = scripts.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", ")
        return #"{"name": "example", "version": "1.0.0"\#(extra), "scripts": {\#(scriptText)}, "dependencies": {\#(deps)}}"#
    }

    static let all: [ExampleProject] = [
        // Node and its package managers
        .init(name: "express-npm", files: ["package.json": packageJSON(["express"]), "package-lock.json": "{}", "server.js": "require('express')().listen(process.env.PORT || 3000)"], language: "node", framework: "express", packageManager: "npm", port: 3000),
        .init(name: "fastify-pnpm", files: ["package.json": packageJSON(["fastify"]), "pnpm-lock.yaml": "lockfileVersion: '9.0'"], language: "node", framework: "fastify", packageManager: "pnpm", port: 3000),
        .init(name: "nestjs-yarn", files: ["package.json": packageJSON(["@nestjs/core", "@nestjs/common", "express"], scripts: ["build": "nest build", "start:prod": "node dist/main"]), "yarn.lock": "# yarn lockfile v1"], language: "node", framework: "nestjs", packageManager: "yarn", port: 3000),
        .init(name: "next-bun", files: ["package.json": packageJSON(["next", "react", "react-dom"], scripts: ["build": "next build", "start": "next start"]), "bun.lockb": "binary"], language: "node", framework: "next", packageManager: "bun", port: 3000),
        .init(name: "nuxt", files: ["package.json": packageJSON(["nuxt", "vue"], scripts: ["build": "nuxt build"]), "nuxt.config.ts": "export default defineNuxtConfig({})"], language: "node", framework: "nuxt", packageManager: "npm", port: 3000),
        .init(name: "remix", files: ["package.json": packageJSON(["@remix-run/node", "@remix-run/react", "react"], scripts: ["build": "remix vite:build"])], language: "node", framework: "remix", port: 3000),
        .init(name: "astro", files: ["package.json": packageJSON(["astro", "@astrojs/node"], scripts: ["build": "astro build"])], language: "node", framework: "astro", port: 4321),
        .init(name: "sveltekit", files: ["package.json": packageJSON(["@sveltejs/kit", "@sveltejs/adapter-node", "svelte", "vite"], scripts: ["build": "vite build"])], language: "node", framework: "sveltekit", port: 3000),
        .init(name: "vite-react", files: ["package.json": packageJSON(["react", "react-dom", "vite"], scripts: ["build": "vite build"]), "index.html": "<div id=root></div>"], language: "node", framework: "react", port: 8080),
        .init(name: "vue", files: ["package.json": packageJSON(["vue", "vite"], scripts: ["build": "vite build"])], language: "node", framework: "vue", port: 8080),
        .init(name: "angular", files: ["package.json": packageJSON(["@angular/core", "@angular/common", "rxjs"], scripts: ["build": "ng build"]), "angular.json": "{}"], language: "node", framework: "angular", port: 8080),
        .init(name: "vite-vanilla", files: ["package.json": packageJSON(["vite"], scripts: ["build": "vite build"])], language: "node", framework: "vite", port: 8080),
        .init(name: "plain-node", files: ["package.json": packageJSON([]), "server.js": "require('http').createServer(() => {}).listen(4100)"], language: "node", framework: nil, packageManager: "npm", port: 4100),
        // Deno
        .init(name: "deno", files: ["deno.json": #"{"tasks": {"dev": "deno run -A main.ts"}}"#, "main.ts": "Deno.serve({ port: 8000 }, () => new Response('hi'))"], language: "deno", framework: nil, packageManager: "deno", port: 8000),
        // Python and its package managers
        .init(name: "django-pip", files: ["requirements.txt": "Django==5.0\ngunicorn==22.0\n", "manage.py": "import django", "mysite/wsgi.py": "application = None", "mysite/settings.py": ""], language: "python", framework: "django", packageManager: "pip", port: 8000),
        .init(name: "flask-pipenv", files: ["Pipfile": "[packages]\nflask = \"*\"\n", "app.py": "from flask import Flask\napp = Flask(__name__)"], language: "python", framework: "flask", packageManager: "pipenv", port: 5000),
        .init(name: "fastapi-poetry", files: ["pyproject.toml": "[tool.poetry]\nname = \"api\"\n[tool.poetry.dependencies]\nfastapi = \"^0.110\"\nuvicorn = \"^0.29\"\n", "poetry.lock": "", "main.py": "from fastapi import FastAPI\napp = FastAPI()"], language: "python", framework: "fastapi", packageManager: "poetry", port: 8000),
        .init(name: "fastapi-uv", files: ["pyproject.toml": "[project]\nname = \"api\"\ndependencies = [\"fastapi>=0.110\", \"uvicorn\"]\n", "uv.lock": "version = 1", "app/main.py": "app = None"], language: "python", framework: "fastapi", packageManager: "uv", port: 8000),
        .init(name: "python-pdm", files: ["pyproject.toml": "[project]\nname = \"worker\"\ndependencies = [\"requests\"]\n[tool.pdm]\n", "pdm.lock": "", "main.py": "print('hi')"], language: "python", framework: nil, packageManager: "pdm", port: 8000),
        // Go
        .init(name: "gin", files: ["go.mod": "module example.com/api\n\ngo 1.23\n\nrequire github.com/gin-gonic/gin v1.10.0\n", "go.sum": "", "main.go": "package main\nfunc main() {}"], language: "go", framework: "gin", packageManager: "go", port: 8080),
        .init(name: "echo", files: ["go.mod": "module example.com/api\n\nrequire github.com/labstack/echo/v4 v4.12.0\n", "main.go": "package main"], language: "go", framework: "echo", port: 1323),
        .init(name: "plain-go", files: ["go.mod": "module example.com/svc\n", "cmd/svc/main.go": "package main\nimport \"net/http\"\nfunc main() { http.ListenAndServe(\":9090\", nil) }"], language: "go", framework: nil, port: 9090),
        // Ruby
        .init(name: "rails", files: ["Gemfile": "source 'https://rubygems.org'\ngem \"rails\", \"~> 7.1\"\ngem \"pg\"\n", "Gemfile.lock": "", "config/application.rb": "module Blog; end", "bin/rails": ""], language: "ruby", framework: "rails", packageManager: "bundler", port: 3000),
        .init(name: "sinatra", files: ["Gemfile": "gem 'sinatra'\n", "app.rb": "require 'sinatra'"], language: "ruby", framework: "sinatra", port: 4567),
        // PHP
        .init(name: "laravel", files: ["composer.json": #"{"require": {"php": "^8.2", "laravel/framework": "^11.0"}}"#, "artisan": "#!/usr/bin/env php", "package.json": packageJSON(["vite"], scripts: ["build": "vite build"])], language: "php", framework: "laravel", packageManager: "composer", port: 8000),
        .init(name: "symfony", files: ["composer.json": #"{"require": {"symfony/framework-bundle": "7.0.*"}}"#, "public/index.php": "<?php"], language: "php", framework: "symfony", port: 8000),
        // Java
        .init(name: "spring-maven", files: ["pom.xml": "<project><parent><artifactId>spring-boot-starter-parent</artifactId></parent></project>", "src/main/java/App.java": "class App {}"], language: "java", framework: "spring-boot", packageManager: "maven", port: 8080),
        .init(name: "spring-gradle", files: ["build.gradle.kts": "plugins { id(\"org.springframework.boot\") version \"3.3.0\" }\ndependencies { implementation(\"org.springframework.boot:spring-boot-starter-web\") }"], language: "java", framework: "spring-boot", packageManager: "gradle", port: 8080),
        // Rust
        .init(name: "actix", files: ["Cargo.toml": "[package]\nname = \"svc\"\n\n[dependencies]\nactix-web = \"4\"\n"], language: "rust", framework: "actix-web", packageManager: "cargo", port: 8080),
        .init(name: "axum", files: ["Cargo.toml": "[package]\nname = \"svc\"\n\n[dependencies]\naxum = \"0.7\"\ntokio = { version = \"1\" }\n"], language: "rust", framework: "axum", port: 3000),
        .init(name: "rocket", files: ["Cargo.toml": "[package]\nname = \"svc\"\n\n[dependencies]\nrocket = \"0.5\"\n"], language: "rust", framework: "rocket", port: 8000),
        // .NET
        .init(name: "aspnet", files: ["Api.csproj": #"<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup></Project>"#, "Program.cs": "var app = WebApplication.Create();"], language: "dotnet", framework: "aspnet", packageManager: "dotnet", port: 8080),
        // Elixir
        .init(name: "phoenix", files: ["mix.exs": "defmodule Hello.MixProject do\n  def project, do: [app: :hello]\n  defp deps, do: [{:phoenix, \"~> 1.7\"}]\nend\n", "mix.lock": ""], language: "elixir", framework: "phoenix", packageManager: "mix", port: 4000),
        // Static
        .init(name: "static", files: ["index.html": "<h1>hi</h1>", "style.css": "h1 {}"], language: "static", framework: nil, port: 8080),
    ]
}
