import Foundation
import Locations
import Mustache

/// deployotron's prompt templates: bundled in `prompts/`, each overridable by a file of the same
/// name in the project's `.deployotron/prompts/`.
///
/// A template is looked up in the project's overrides, then in the install layout's `prompts/`,
/// then among the copies compiled into the binary (`BundledFiles`), so a binary with no data
/// folder beside it still has its prompts.
///
/// Templates are Mustache, rendered as plain text: prompts are not HTML, so `<`, `>` and `&` in
/// values come out as they went in. Rendering is a pure function of the template and the values,
/// so a prompt rendered each turn is byte-identical and read from the prompt cache.
public struct PromptLibrary: Sendable {
    /// Where a template was found.
    public struct Template: Sendable, Equatable {
        public var name: String
        public var url: URL
        /// Whether it is the project's own, replacing the bundled one.
        public var isOverride: Bool
        public var text: String

        /// Whether it is the copy compiled into the binary: no file had it.
        public var isBuiltIn: Bool { BundledFiles.path(of: url) != nil }
    }

    /// The bundled templates (`InstallLayout.prompts`); nil when the data folder is missing.
    public var bundled: URL?
    /// The project, whose `.deployotron/prompts/` overrides bundled templates; nil for none.
    public var projectRoot: URL?
    /// Whether a template no file holds comes from the copies compiled into the binary. Off only
    /// where a missing file must show, as in tests of the lookup.
    public var usesBuiltIn: Bool

    public init(bundled: URL?, projectRoot: URL?, usesBuiltIn: Bool = true) {
        self.bundled = bundled
        self.projectRoot = projectRoot
        self.usesBuiltIn = usesBuiltIn
    }

    /// The library of the running binary's install layout, for a project; with no layout, the
    /// built-in templates (and the project's overrides).
    public static func standard(projectRoot: URL?, layout: InstallLayout? = InstallLayout.current()) -> PromptLibrary {
        PromptLibrary(bundled: layout?.prompts, projectRoot: projectRoot)
    }

    /// The folder of the project's overrides.
    public static func overrides(projectRoot: URL) -> URL {
        projectRoot.appendingPathComponent(".deployotron/prompts", isDirectory: true)
    }

    /// The template named `name` (a file name such as `system.md`): the project's override when
    /// there is one, else the install layout's, else the built-in one.
    public func template(named name: String) throws -> Template {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw AgentError(.prompt, "'\(name)' is not a prompt name; use a file name such as system.md")
        }
        var candidates: [(URL, Bool)] = []
        if let projectRoot {
            candidates.append((Self.overrides(projectRoot: projectRoot).appendingPathComponent(name), true))
        }
        if let bundled {
            candidates.append((bundled.appendingPathComponent(name), false))
        }
        for (url, isOverride) in candidates {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            guard let text = String(data: data, encoding: .utf8) else {
                throw AgentError(.prompt, "the prompt \(url.path) is not UTF-8 text; fix or delete it")
            }
            return Template(name: name, url: url, isOverride: isOverride, text: text)
        }
        if usesBuiltIn, let text = BundledFiles.prompt(named: name) {
            let url = BundledFiles.url(for: "prompts/" + name)
            return Template(name: name, url: url, isOverride: false, text: text)
        }
        if bundled == nil && !usesBuiltIn {
            throw AgentError(.prompt, "cannot find deployotron's prompts folder for \(name); set DEPLOYOTRON_HOME to the folder holding prompts/ and skills/")
        }
        let places = candidates.map { $0.0.deletingLastPathComponent().path } + (usesBuiltIn ? ["the prompts built into deployotron"] : [])
        throw AgentError(.prompt, "no prompt \(name) in \(places.joined(separator: " or ")); add the file, or reinstall deployotron")
    }

    /// The template named `name`, rendered with `values` (strings, numbers, booleans, arrays and
    /// dictionaries of them). Missing values render as nothing.
    public func render(_ name: String, values: [String: Any]) throws -> String {
        let template = try template(named: name)
        let origin = template.isBuiltIn ? "the built-in prompts/\(name)" : template.url.path
        return try Self.render(template.text, values: values, origin: origin)
    }

    /// Renders Mustache `text` as plain text, with no HTML escaping.
    public static func render(_ text: String, values: [String: Any], origin: String = "the prompt") throws -> String {
        let parsed: MustacheTemplate
        do {
            // The pragma sits on the first line without a newline, so line numbers stay the template's.
            parsed = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + text)
        } catch let error as MustacheTemplate.ParserError {
            throw AgentError(.prompt, "\(origin) line \(error.context.lineNumber) is not valid Mustache (\(error.error)): \(error.context.line.trimmingCharacters(in: .whitespaces))")
        } catch {
            throw AgentError(.prompt, "\(origin) is not valid Mustache: \(error)")
        }
        return parsed.render(values)
    }
}
