import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The AWS Query protocol: `POST /` with a form body `Action=...&Version=...&...` and an XML answer,
/// as EC2, IAM and ELBv2 speak it.
public struct AWSQueryClient: Sendable {
    public var transport: AWSServiceClient
    /// The API version every request names: `2016-11-15` (EC2), `2010-05-08` (IAM).
    public var version: String

    public init(transport: AWSServiceClient, version: String) {
        self.transport = transport
        self.version = version
    }

    /// Calls `action` with `parameters` (already flattened: `Filter.1.Name`...); the answer's XML root.
    @discardableResult
    public func call(_ action: String, _ parameters: [(String, String)] = []) async throws -> XMLTree {
        let pairs = [("Action", action), ("Version", version)] + parameters
        let body = pairs.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&")
        let response = try await transport.send(
            operation: action, headers: [("content-type", "application/x-www-form-urlencoded; charset=utf-8")], body: Array(body.utf8))
        guard let root = XMLTree.parse(response.body) else {
            throw AWSError(
                .invalidResponse, "the answer was not XML (\(response.body.count) bytes)", operation: "\(transport.displayName) \(action)",
                status: response.status, requestId: response.header("x-amzn-requestid"))
        }
        return root
    }

    /// Form encoding as the AWS SDKs send it: unreserved characters as they are, a space as `+`,
    /// everything else percent-encoded (moto checks the signature against this spelling).
    static func formEncode(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false).map { SigV4Signer.uriEncode(String($0)) }.joined(separator: "+")
    }
}

/// A parsed XML element: enough of a tree to read AWS Query answers.
public struct XMLTree: Sendable, Equatable {
    public var name: String
    public var text: String
    public var children: [XMLTree]

    public init(name: String, text: String = "", children: [XMLTree] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// The first direct child named `name`.
    public func child(_ name: String) -> XMLTree? {
        children.first { $0.name == name }
    }

    /// The text of the first direct child named `name`, nil when there is none.
    public subscript(_ name: String) -> String? {
        child(name)?.text
    }

    /// The first element named `name` anywhere below this one, depth first.
    public func first(_ name: String) -> XMLTree? {
        for child in children {
            if child.name == name { return child }
            if let found = child.first(name) { return found }
        }
        return nil
    }

    /// The `<item>` (EC2) or `<member>` (IAM, ELBv2) children of the first element named `list`.
    public func items(of list: String) -> [XMLTree] {
        (first(list)?.children ?? []).filter { $0.name == "item" || $0.name == "member" }
    }

    public static func parse(_ bytes: [UInt8]) -> XMLTree? {
        let delegate = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = delegate
        guard parser.parse() else { return nil }
        return delegate.root
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [XMLTree] = []
        var root: XMLTree?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            stack.append(XMLTree(name: elementName))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard var element = stack.popLast() else { return }
            element.text = element.text.trimmingCharacters(in: .whitespacesAndNewlines)
            if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
        }
    }
}
