import Foundation

/// A fake `docker` executable: a shell script that records every call's arguments and plays back
/// scripted output and exit codes per command (`build`, `compose-up`, `compose-ps`, `inspect`,
/// `logs`, `image-inspect`, `image-ls`, `rmi`...), optionally per call number (`inspect.2`).
struct FakeDocker {
    let folder: URL
    var executable: URL { folder.appendingPathComponent("docker") }
    var responses: URL { folder.appendingPathComponent("responses", isDirectory: true) }

    init(in parent: URL) throws {
        folder = parent.appendingPathComponent("fake-docker", isDirectory: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("responses"), withIntermediateDirectories: true)
        let script = """
        #!/bin/sh
        # Fake docker for deployotron's tests: records argv, replays scripted answers.
        dir='\(folder.path)'
        sep=$(printf '\\037')
        line=""
        for a in "$@"; do line="$line$a$sep"; done
        printf '%s\\n' "$line" >> "$dir/calls.log"
        case "$1" in
          compose)
            key=compose
            for a in "$@"; do
              case "$a" in up|down|ps|stop|start|restart|logs) key="compose-$a"; break;; esac
            done;;
          image) key="image-$2";;
          *) key="$1";;
        esac
        n=$(cat "$dir/$key.count" 2>/dev/null || echo 0)
        n=$((n + 1))
        echo "$n" > "$dir/$key.count"
        base="$dir/responses/$key.$n"
        if [ ! -e "$base.out" ] && [ ! -e "$base.err" ] && [ ! -e "$base.code" ]; then base="$dir/responses/$key"; fi
        # A scripted pause (seconds), for cancellation tests: the pause is a child of this script.
        [ -e "$dir/responses/$key.sleep" ] && sleep "$(cat "$dir/responses/$key.sleep")"
        [ -e "$base.out" ] && cat "$base.out"
        [ -e "$base.err" ] && cat "$base.err" >&2
        code=0
        [ -e "$base.code" ] && code=$(cat "$base.code")
        exit "$code"
        """
        try script.write(to: executable, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: executable.path)
    }

    /// Scripts the answer to `key` (for every call, or only call `call`).
    func respond(_ key: String, call: Int? = nil, stdout: String? = nil, stderr: String? = nil, exitCode: Int32 = 0) throws {
        let base = call.map { "\(key).\($0)" } ?? key
        for ext in ["out", "err", "code"] { try? FileManager.default.removeItem(at: responses.appendingPathComponent("\(base).\(ext)")) }
        if let stdout { try stdout.write(to: responses.appendingPathComponent("\(base).out"), atomically: true, encoding: .utf8) }
        if let stderr { try stderr.write(to: responses.appendingPathComponent("\(base).err"), atomically: true, encoding: .utf8) }
        try String(exitCode).write(to: responses.appendingPathComponent("\(base).code"), atomically: true, encoding: .utf8)
    }

    /// Makes every `key` call pause this many seconds before answering.
    func pause(_ key: String, seconds: Int) throws {
        try String(seconds).write(to: responses.appendingPathComponent("\(key).sleep"), atomically: true, encoding: .utf8)
    }

    /// Whether a `sleep SECONDS` process (a scripted pause) is still running on this machine.
    static func isSleeping(seconds: Int) -> Bool {
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return processes.contains { pid in
            guard pid.allSatisfy(\.isNumber),
                  let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return arguments.count == 2 && arguments[0].hasSuffix("sleep") && arguments[1] == String(seconds)
        }
    }

    /// Every call's arguments, in order.
    func calls() -> [[String]] {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("calls.log"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map { line in
            line.split(separator: "\u{1F}", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
    }

    /// The calls whose first arguments are `prefix` (e.g. ["compose"]), or that contain `verb`.
    func calls(_ first: String, containing verb: String? = nil) -> [[String]] {
        calls().filter { $0.first == first && (verb.map($0.contains) ?? true) }
    }

    // MARK: - Realistic answers

    static func buildOutput(tag: String) -> String {
        """
        #0 building with "default" instance using docker driver
        #1 [internal] load build definition from Dockerfile
        #1 transferring dockerfile: 612B done
        #5 [deps 1/4] FROM docker.io/library/node:22-bookworm-slim
        #7 [deps 3/4] COPY package.json package-lock.json ./
        #8 [deps 4/4] RUN npm ci
        #8 2.913 added 64 packages, and audited 65 packages in 3s
        #10 [runtime 3/4] COPY --from=build --chown=node:node /app ./
        #12 exporting to image
        #12 naming to docker.io/library/\(tag) done
        #12 DONE 0.4s
        """
    }

    static func state(status: String, running: Bool, exitCode: Int = 0, health: String?, probe: String? = nil) -> String {
        let healthJSON = health.map { #","Health":{"Status":"\#($0)","FailingStreak":\#($0 == "unhealthy" ? 3 : 0),"Log":[{"Start":"2026-11-22T02:00:00Z","End":"2026-11-22T02:00:01Z","ExitCode":\#($0 == "healthy" ? 0 : 1),"Output":"\#(probe ?? "")"}]}"# } ?? ""
        return #"{"Status":"\#(status)","Running":\#(running),"Paused":false,"Restarting":false,"OOMKilled":false,"Dead":false,"Pid":4242,"ExitCode":\#(exitCode),"Error":"","StartedAt":"2026-11-22T02:00:00.000000000Z","FinishedAt":"0001-01-01T00:00:00Z"\#(healthJSON)}"#
    }
}
