import Foundation

/// Markup built from text that may hold anything a build agent sent: every value goes through
/// `escape`, and only http(s) URLs become links.
struct HTML: Sendable, CustomStringConvertible {
    /// Markup, already safe to put in a page.
    private(set) var markup: String

    init(raw markup: String) {
        self.markup = markup
    }

    /// The text, escaped for an element's content or a quoted attribute.
    init(text: String) {
        markup = Self.escape(text)
    }

    var description: String { markup }

    static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(raw: lhs.markup + rhs.markup) }

    static func += (lhs: inout HTML, rhs: HTML) { lhs.markup += rhs.markup }

    static func join(_ parts: [HTML], separator: String = "") -> HTML {
        HTML(raw: parts.map(\.markup).joined(separator: separator))
    }

    /// `<`, `>`, `&`, both quotes and the backtick become references; nothing else can start markup
    /// or end a quoted attribute.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "`": escaped += "&#96;"
            case "\u{0}": escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// An element with escaped attribute values around `content`.
    static func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], _ content: HTML = HTML(raw: "")) -> HTML {
        var markup = "<" + name
        for (attribute, value) in attributes {
            guard let value else { continue }
            markup += " \(attribute)=\"\(escape(value))\""
        }
        return HTML(raw: markup + ">" + content.markup + "</\(name)>")
    }

    static func element(_ name: String, _ content: HTML) -> HTML {
        element(name, [:], content)
    }

    static func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], text: String) -> HTML {
        element(name, attributes, HTML(text: text))
    }

    /// The URL when it is an absolute http or https URL with a host; nil for anything else
    /// (`javascript:`, `data:`, relative paths, other schemes), which is then shown as text.
    static func linkableURL(_ text: String) -> URL? {
        guard text.count <= 2048, !text.contains(where: { $0.isWhitespace || $0.isNewline }),
              let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty,
              let url = components.url
        else { return nil }
        return url
    }

    /// A link when `text` is an http(s) URL, else the text itself.
    static func linkOrText(_ text: String, className: String? = nil) -> HTML {
        guard linkableURL(text) != nil else { return element("span", ["class": className], text: text) }
        return element("a", ["href": text, "class": className, "rel": "noopener noreferrer"], text: text)
    }
}
