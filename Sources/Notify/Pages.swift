import Foundation
import JSON
import Ledger

/// The HTML of `deployotron serve`'s pages, rendered on the server so they read without
/// JavaScript; `live.js` only adds what arrives afterwards.
///
/// Every value from the ledger is escaped (`HTML`), links are made only of http(s) URLs, and the
/// pages load nothing but `/assets/pages.css` and `/assets/live.js` (the Content-Security-Policy
/// of `PageController` forbids the rest).
enum Pages {
    /// How many events a project page shows when it opens; older ones stay in the API.
    static let eventsShown = 200
    static let deploymentsShown = 50

    // MARK: - /

    static func index(summaries: [ProjectSummary], users: [String], selectedUser: String?) -> HTML {
        var options = HTML.element("option", ["value": ""], text: "All users")
        for user in users {
            options += HTML.element("option", ["value": user, "selected": user == selectedUser ? "selected" : nil], text: user)
        }
        let filter = HTML.element("form", ["class": "filter", "method": "get", "action": "/"],
            HTML.element("label", ["for": "user"], text: "User")
            + HTML.element("select", ["id": "user", "name": "user"], options)
            + HTML.element("button", ["type": "submit"], text: "Show"))
        let heading = HTML.element("div", ["class": "heading"],
            HTML.element("h1", text: selectedUser.map { "Projects of \($0)" } ?? "Projects") + filter)
        guard !summaries.isEmpty else {
            let none = selectedUser.map { "No projects for user \($0)." } ?? "No projects yet. A build agent appears here after its first notify.sh call."
            return page(title: "Projects", body: heading + HTML.element("p", ["class": "empty"], text: none))
        }
        var rows = HTML(raw: "")
        for summary in summaries {
            let project = summary.listing.project
            let nameCell = HTML.element("a", ["href": "/projects/" + pathSegment(project.guid), "class": "project-name"], text: project.name)
                + HTML.element("code", ["class": "guid"], text: project.guid)
            let lastEvent = summary.listing.lastEvent.map { event in
                badge(event.kind.rawValue) + HTML.element("span", ["class": "event-text"], text: eventText(event)) + time(event.receivedAt)
            } ?? HTML.element("span", ["class": "muted"], text: "none")
            let lastDeployment = summary.lastDeployment.map { deployment in
                badge(deployment.status.rawValue) + HTML.element("span", ["class": "target"], text: deployment.target.rawValue) + time(deployment.startedAt)
            } ?? HTML.element("span", ["class": "muted"], text: "none")
            // One element inside each cell: at phone width the cell is a grid of its label and that.
            let cell = { (content: HTML) in HTML.element("div", ["class": "cell"], content) }
            rows += HTML.element("tr", ["data-guid": project.guid],
                HTML.element("td", ["data-label": "Project"], cell(nameCell))
                + HTML.element("td", ["data-label": "User"], cell(HTML(text: project.userId)))
                + HTML.element("td", ["data-label": "Last event", "class": "last-event"], cell(lastEvent))
                + HTML.element("td", ["data-label": "Last deployment", "class": "last-deployment"], cell(lastDeployment))
                + HTML.element("td", ["data-label": "Resources", "class": "count"], cell(HTML(text: String(summary.listing.resourceCount)))))
        }
        let head = ["Project", "User", "Last event", "Last deployment", "Resources"]
            .map { HTML.element("th", ["scope": "col"], text: $0) }
        let table = HTML.element("table", ["class": "projects"],
            HTML.element("thead", HTML.element("tr", HTML.join(head))) + HTML.element("tbody", rows))
        return page(title: "Projects", body: heading + table)
    }

    // MARK: - /projects/{guid}

    struct ProjectView: Sendable {
        var guid: String
        var project: ProjectRecord?
        var resources: ResourceRecord?
        var deployments: [DeploymentRecord]
        var events: [StoredEvent]
        /// The sequence the live stream continues after.
        var lastSequence: Int64
        /// The deploy controls, when the server deploys.
        var deploys: DeployControls? = nil
    }

    struct DeployControls: Sendable {
        /// A deploy or rollback of the project running now, which the page follows.
        var runningJob: String?
        /// The environments the project has deployments in, offered in the environment field.
        var environments: [String]
    }

    static func project(_ view: ProjectView) -> HTML {
        let name = view.project?.name ?? view.resources?.projectName ?? ProjectRecord.unnamedProject
        let user = view.project?.userId ?? view.resources?.userId ?? ProjectRecord.unknownUser
        let heading = HTML.element("div", ["class": "heading"], HTML.element("div",
            HTML.element("h1", text: name)
            + HTML.element("p", ["class": "meta"],
                HTML.element("code", ["class": "guid"], text: view.guid)
                + HTML.element("span", text: "user ")
                + HTML.element("a", ["href": "/?user=" + queryValue(user)], text: user))))
        let body = heading
            + HTML.element("div", ["class": "columns"],
                HTML.element("div", ["class": "column"],
                    (view.deploys.map(deploySection) ?? HTML(raw: "")) + resourcesSection(view.resources)
                    + deploymentsSection(view.deployments, logs: view.deploys != nil)
                    + (view.deploys != nil ? logsSection : HTML(raw: "")))
                + eventsSection(view.events))
        return page(title: name, body: body, mainAttributes: ["data-guid": view.guid, "data-after": String(view.lastSequence)])
    }

    /// Deploy and Rollback, and the progress of the running job. Hidden until live.js shows it:
    /// the controls need the script, the rest of the page does not.
    static func deploySection(_ controls: DeployControls) -> HTML {
        let field = { (id: String, label: String, input: HTML) in
            HTML.element("div", ["class": "field"], HTML.element("label", ["for": id], text: label) + input)
        }
        let input = { (id: String, name: String, placeholder: String, extra: String) in
            HTML(raw: "<input id=\"\(id)\" name=\"\(name)\" type=\"text\" placeholder=\"\(HTML.escape(placeholder))\" autocomplete=\"off\" autocapitalize=\"off\" spellcheck=\"false\"\(extra)>")
        }
        var targets = HTML(raw: "")
        for kind in DeployTargetKind.allCases {
            targets += HTML.element("option", ["value": kind.rawValue], text: kind.rawValue)
        }
        let environments = HTML.element("datalist", ["id": "deploy-environments"],
            HTML.join(controls.environments.map { HTML.element("option", ["value": $0], HTML(raw: "")) }))
        let form = HTML.element("form", ["id": "deploy-form", "class": "deploy-form"],
            field("deploy-source", "Source", input("deploy-source", "source", "/srv/app, or https://host/repo.git", " required"))
            + HTML.element("div", ["class": "fields"],
                field("deploy-ref", "Git ref", input("deploy-ref", "ref", "main (git only)", ""))
                + field("deploy-target", "Target", HTML.element("select", ["id": "deploy-target", "name": "target"], targets))
                + field("deploy-environment", "Environment", input("deploy-environment", "environment", DeploymentRecord.defaultEnvironment, " list=\"deploy-environments\"")))
            + HTML.element("div", ["class": "actions"],
                HTML.element("button", ["type": "submit", "id": "deploy-button"], text: "Deploy")
                + HTML.element("button", ["type": "button", "id": "rollback-button", "class": "secondary"], text: "Roll back")))
        let progress = HTML.element("div", ["id": "deploy-progress", "class": "deploy-progress", "hidden": "hidden", "aria-live": "polite"],
            HTML.element("div", ["class": "progress-head"],
                HTML.element("span", ["id": "deploy-state", "class": "badge badge-in_progress"], text: "running")
                + HTML.element("span", ["id": "deploy-step", "class": "progress-step"], text: "")
                + HTML.element("span", ["id": "deploy-percent", "class": "progress-percent"], text: ""))
            + HTML(raw: "<progress id=\"deploy-bar\" max=\"1\" value=\"0\"></progress>")
            + HTML.element("ol", ["id": "deploy-log", "class": "deploy-log"], HTML(raw: ""))
            + HTML.element("p", ["id": "deploy-outcome", "class": "deploy-outcome"], text: ""))
        return HTML.element("section", ["id": "deploy", "class": "card", "hidden": "hidden", "data-job": controls.runningJob],
            HTML.element("h2", text: "Deploy") + form + environments
            + HTML.element("p", ["id": "deploy-error", "class": "error", "role": "alert", "hidden": "hidden"], text: "")
            + progress)
    }

    static func resourcesSection(_ record: ResourceRecord?) -> HTML {
        let title = HTML.element("h2", text: "Resources")
        guard let record, !record.awsResources.isEmpty else {
            return HTML.element("section", ["id": "resources", "class": "card"],
                title + HTML.element("p", ["class": "empty"], text: "No resources reported yet. An agent reports them with notify.sh resources '{...}'."))
        }
        var entries = HTML(raw: "")
        let known = knownResources.filter { record.awsResources[$0.key] != nil }
        let knownKeys = Set(known.map(\.key))
        for entry in known {
            entries += resourceEntry(label: entry.label, key: entry.key, value: record.awsResources[entry.key]!)
        }
        for key in record.awsResources.keys.sorted() where !knownKeys.contains(key) {
            entries += resourceEntry(label: nil, key: key, value: record.awsResources[key]!)
        }
        let updated = HTML.element("p", ["class": "meta"], HTML(text: "Updated ") + time(record.updatedAt))
        return HTML.element("section", ["id": "resources", "class": "card"],
            title + HTML.element("dl", ["class": "resources"], entries) + updated)
    }

    /// The keys agents report most (seed 003's and deployotron's own targets'), in reading order.
    static let knownResources: [(key: String, label: String)] = [
        ("cloudFrontUrl", "Distribution URL"),
        ("url", "URL"),
        ("s3Bucket", "Bucket"),
        ("cloudFrontId", "Distribution"),
        ("ecrRepository", "Repository"),
        ("ecrRepositories", "Repositories"),
        ("ecsCluster", "Cluster"),
        ("ecsService", "Service"),
        ("rdsEndpoint", "Database endpoint"),
        ("region", "Region"),
    ]

    static func resourceEntry(label: String?, key: String, value: JSONValue) -> HTML {
        let term = label.map { HTML.element("span", ["class": "label"], text: $0) + HTML.element("code", ["class": "key"], text: key) }
            ?? HTML.element("code", ["class": "label key-only"], text: key)
        return HTML.element("div", ["class": "resource", "data-key": key],
            HTML.element("dt", term) + HTML.element("dd", jsonValue(value, depth: 0)))
    }

    /// A value of any shape, readable: strings as text (or a link), objects as nested lists.
    static func jsonValue(_ value: JSONValue, depth: Int) -> HTML {
        switch value {
        case .string(let text):
            return HTML.linkOrText(text, className: "value")
        case .object(let members) where depth < 8:
            guard !members.isEmpty else { return HTML.element("span", ["class": "muted"], text: "{}") }
            return HTML.element("dl", ["class": "nested"], HTML.join(members.keys.sorted().map { key in
                HTML.element("dt", text: key) + HTML.element("dd", jsonValue(members[key]!, depth: depth + 1))
            }))
        case .array(let elements) where depth < 8:
            guard !elements.isEmpty else { return HTML.element("span", ["class": "muted"], text: "[]") }
            return HTML.element("ul", ["class": "nested"], HTML.join(elements.map { HTML.element("li", jsonValue($0, depth: depth + 1)) }))
        default:
            return HTML.element("code", ["class": "value"], text: value.encodedString())
        }
    }

    /// `logs`: the server deploys, so a running deployment's row links to its logs (live.js opens
    /// them in the Logs panel; without the script the link stays hidden).
    static func deploymentsSection(_ deployments: [DeploymentRecord], logs: Bool = false) -> HTML {
        let title = HTML.element("h2", text: "Deployments")
        guard !deployments.isEmpty else {
            return HTML.element("section", ["id": "deployments", "class": "card"],
                title + HTML.element("p", ["class": "empty"], text: "No deployments recorded."))
        }
        let items = deployments.map { deployment in
            var details = HTML.element("span", ["class": "target"], text: deployment.target.rawValue)
            if deployment.environment != nil {
                details += HTML.element("span", ["class": "environment"], text: deployment.environmentName)
            }
            details += time(deployment.startedAt)
            if let finishedAt = deployment.finishedAt {
                details += HTML.element("span", ["class": "muted"], text: "finished") + time(finishedAt)
            }
            var lines = HTML.element("div", ["class": "deployment-head"], badge(deployment.status.rawValue) + details)
            if let url = deployment.url {
                lines += HTML.element("div", ["class": "deployment-url"], HTML.linkOrText(url))
            }
            if let rollbackOf = deployment.rollbackOf {
                lines += HTML.element("div", ["class": "muted"], HTML(text: "rollback to ") + HTML.element("code", text: rollbackOf))
            }
            if let error = deployment.error {
                lines += HTML.element("div", ["class": "deployment-error"], text: error)
            }
            var idLine = HTML(text: "id ") + HTML.element("code", text: deployment.id)
            // A static site on S3 + CloudFront has no log to follow.
            if logs, deployment.status == .running, deployment.target != .s3CloudFront {
                idLine += HTML.element("a", ["class": "logs-link", "href": "/api/deployments/\(pathSegment(deployment.id))/logs", "data-deployment": deployment.id], text: "Logs")
            }
            lines += HTML.element("div", ["class": "muted small deployment-id"], idLine)
            return HTML.element("li", ["class": "deployment", "data-id": deployment.id, "data-status": deployment.status.rawValue], lines)
        }
        return HTML.element("section", ["id": "deployments", "class": "card"],
            title + HTML.element("ul", ["class": "deployments"], HTML.join(items)))
    }

    /// The panel live.js follows a deployment's log in, from a row's Logs link until it is closed.
    static var logsSection: HTML {
        let live = HTML.element("span", ["id": "logs-live", "class": "live", "hidden": "hidden"], text: "live")
        return HTML.element("section", ["id": "logs", "class": "card", "hidden": "hidden", "aria-live": "polite"],
            HTML.element("div", ["class": "logs-head"],
                HTML.element("h2", HTML(text: "Logs ") + live)
                + HTML.element("button", ["type": "button", "id": "logs-close", "class": "secondary"], text: "Close"))
            + HTML.element("p", ["class": "meta small"], HTML(text: "deployment ") + HTML.element("code", ["id": "logs-deployment"], text: ""))
            + HTML.element("ol", ["id": "logs-lines", "class": "log-lines"], HTML(raw: ""))
            + HTML.element("p", ["id": "logs-status", "class": "muted small"], text: ""))
    }

    static func eventsSection(_ events: [StoredEvent]) -> HTML {
        let empty = HTML.element("p", ["class": "empty", "id": "no-events", "hidden": events.isEmpty ? nil : "hidden"], text: "No events yet.")
        let list = HTML.element("ol", ["id": "events", "class": "events"], HTML.join(events.map(eventItem)))
        let live = HTML.element("span", ["id": "live", "class": "live", "hidden": "hidden"], text: "live")
        return HTML.element("section", ["id": "activity", "class": "card column"],
            HTML.element("h2", HTML(text: "Activity ") + live) + empty + list)
    }

    /// One event; live.js builds the same markup for events that arrive later.
    static func eventItem(_ event: StoredEvent) -> HTML {
        HTML.element("li", ["class": "event kind-\(event.kind.rawValue)", "data-sequence": String(event.sequence)],
            time(event.receivedAt) + badge(event.kind.rawValue) + HTML.element("span", ["class": "event-text"], text: eventText(event)))
    }

    /// What an event says: its message, or the keys a resources event reported.
    static func eventText(_ event: StoredEvent) -> String {
        if let data = event.data {
            return data.keys.sorted().map { key in "\(key): \(data[key]!.stringValue ?? data[key]!.encodedString())" }.joined(separator: ", ")
        }
        return event.message ?? ""
    }

    // MARK: - /signin

    static func signIn(next: String, failed: Bool) -> HTML {
        var body = HTML.element("h1", text: "Sign in")
            + HTML.element("p", text: "This server asks for its token (the one build agents send as DEPLOYOTRON_NOTIFY_TOKEN). It is sent once, in this form; the browser then keeps a session cookie.")
        if failed {
            body += HTML.element("p", ["class": "error", "role": "alert"], text: "That token is not this server's. Check it and try again.")
        }
        body += HTML.element("form", ["class": "signin card", "method": "post", "action": "/signin"],
            HTML.element("label", ["for": "token"], text: "Token")
            + HTML(raw: "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required autofocus>")
            + HTML(raw: "<input type=\"hidden\" name=\"next\" value=\"\(HTML.escape(next))\">")
            + HTML.element("button", ["type": "submit"], text: "Sign in"))
        return page(title: "Sign in", body: body, showsNavigation: false)
    }

    static func message(title: String, text: String) -> HTML {
        page(title: title, body: HTML.element("h1", text: title) + HTML.element("p", text: text)
            + HTML.element("p", HTML.element("a", ["href": "/"], text: "All projects")))
    }

    // MARK: - Parts

    static func page(title: String, body: HTML, mainAttributes: KeyValuePairs<String, String?> = [:], showsNavigation: Bool = true) -> HTML {
        let navigation = showsNavigation
            ? HTML.element("nav", HTML.element("a", ["href": "/"], text: "Projects") + HTML.element("a", ["href": "/openapi.json"], text: "API"))
            : HTML(raw: "")
        return HTML(raw: """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <title>\(HTML.escape(title)) · deployotron</title>
            <link rel="stylesheet" href="/assets/pages.css">
            <script src="/assets/live.js" defer></script>
            </head>
            <body>
            <header class="bar"><a class="brand" href="/">deployotron</a>\(navigation)</header>

            """)
            + HTML.element("main", mainAttributes, body)
            + HTML(raw: "\n</body>\n</html>\n")
    }

    static func badge(_ text: String) -> HTML {
        HTML.element("span", ["class": "badge badge-\(text)"], text: text)
    }

    static func time(_ date: Date) -> HTML {
        let iso = LedgerTime.string(date)
        return HTML.element("time", ["datetime": iso], text: String(iso.prefix(19)).replacingOccurrences(of: "T", with: " ") + " UTC")
    }

    /// A guid as one path segment: `ProjectGuid` allows only letters, digits, `.`, `_` and `-`, but
    /// a guid read from another client's item may hold anything.
    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func queryValue(_ text: String) -> String {
        pathSegment(text)
    }
}
