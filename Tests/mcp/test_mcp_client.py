"""deployotron as an MCP client: a stdio server written with the official Python SDK
(fixtures/notes_server.py), configured in the project's .mcp.json, used from the REPL on a real
pseudo-terminal and from `-p`, both against the pty tests' fake Messages API.

Run by scripts/test.sh after `swift build`: `python3 -m pytest Tests/mcp`.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import pexpect
import pytest

from test_repl import FakeMessagesAPI, prompt, sandbox_env, text_answer, tool_use_answer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("DEPLOYOTRON_BIN", os.path.join(ROOT, ".build", "debug", "deployotron"))
SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "notes_server.py")
TIMEOUT = 30


@pytest.fixture
def world():
    if not os.access(BINARY, os.X_OK):
        pytest.fail(f"no deployotron binary at {BINARY}: run `swift build` first (or set DEPLOYOTRON_BIN)")
    api = FakeMessagesAPI()
    with tempfile.TemporaryDirectory() as home:
        project = os.path.join(home, "project")
        os.makedirs(project)
        pidfile = os.path.join(home, "notes.pid")
        # The project's server (asked about before it starts), and one of the user's that cannot start.
        with open(os.path.join(project, ".mcp.json"), "w") as f:
            json.dump({"mcpServers": {
                "notes": {"command": sys.executable, "args": [SERVER], "env": {"NOTES_PIDFILE": pidfile}},
            }}, f)
        os.makedirs(os.path.join(home, "config", "deployotron"))
        with open(os.path.join(home, "config", "deployotron", "mcp.json"), "w") as f:
            json.dump({"mcpServers": {"broken": {"command": "no-such-mcp-server-program"}}}, f)
        env = sandbox_env(home, api.base_url)
        yield {"api": api, "home": home, "project": project, "env": env, "pidfile": pidfile}
    api.stop()


def tool_names(request):
    return [tool["name"] for tool in request["body"].get("tools", [])]


def tool_results(request):
    results = []
    for message in request["body"]["messages"]:
        if isinstance(message["content"], list):
            results += [block for block in message["content"] if block.get("type") == "tool_result"]
    return results


def result_text(block):
    content = block["content"]
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


def kill_server(world):
    with open(world["pidfile"]) as f:
        pid = int(f.read())
    os.kill(pid, signal.SIGKILL)


def test_the_repl_offers_an_mcp_servers_tools_asks_before_a_changing_one_and_survives_its_death(world):
    api = world["api"]
    child = pexpect.spawn(BINARY, [], cwd=world["project"], env=world["env"], encoding="utf-8", timeout=TIMEOUT,
                          dimensions=(40, 200))
    # The project's server starts only once the user says so; "always" is remembered.
    child.expect_exact("MCP server 'notes': start `")
    prompt(child, "Allow?")
    child.sendline("a")
    # The server that cannot start is one line; the REPL opens anyway.
    child.expect_exact("MCP server 'broken' did not start")
    prompt(child)

    child.sendline("/mcp")
    child.expect_exact("/deployotron/mcp.json): failed")
    child.expect_exact("notes (.mcp.json): running")
    child.expect_exact("mcp__notes__add_note, mcp__notes__crash, mcp__notes__read_note")
    prompt(child)

    # A read-only tool runs without a question; a changing one asks first.
    api.enqueue(tool_use_answer("toolu_read", "mcp__notes__read_note", {"name": "staging"}),
                tool_use_answer("toolu_add", "mcp__notes__add_note", {"name": "db", "text": "db-7 is staging"}),
                text_answer(["Noted: db-7."]))
    child.sendline("what do the notes say, and save one")
    prompt(child, "Allow?")
    child.sendline("y")
    child.expect_exact("Noted: db-7.")
    prompt(child)
    with open(os.path.join(world["project"], "note-db.txt")) as f:
        assert f.read() == "db-7 is staging"

    first, second, third = api.requests[0], api.requests[1], api.requests[2]
    names = tool_names(first)
    mcp_names = [n for n in names if n.startswith("mcp__")]
    assert mcp_names == ["mcp__notes__add_note", "mcp__notes__crash", "mcp__notes__read_note"]
    assert names[-3:] == mcp_names  # after deployotron's own tools, sorted
    schema = next(t for t in first["body"]["tools"] if t["name"] == "mcp__notes__add_note")["input_schema"]
    assert schema["type"] == "object" and set(schema["required"]) == {"name", "text"}
    # The tools are the same bytes on every request: the prefix stays cacheable.
    assert json.dumps(first["body"]["tools"]) == json.dumps(second["body"]["tools"]) == json.dumps(third["body"]["tools"])
    assert json.dumps(first["body"]["system"]) == json.dumps(third["body"]["system"])
    read_result = next(b for b in tool_results(second) if b["tool_use_id"] == "toolu_read")
    assert "the staging database is db-7" in result_text(read_result)
    add_result = next(b for b in tool_results(third) if b["tool_use_id"] == "toolu_add")
    assert "saved note db" in result_text(add_result)
    # The same redaction as every tool's output: the key the server returned never reaches Claude.
    assert "sk-ant-api03-" not in json.dumps(third["body"])

    # The server dies: one line, and the session goes on without its tools.
    kill_server(world)
    child.expect_exact("MCP server 'notes' stopped")
    asked = len(api.requests)
    api.enqueue(text_answer(["Still here."]))
    child.sendline("are you still there?")
    child.expect_exact("Still here.")
    prompt(child)
    later = api.requests[asked]
    assert not [n for n in tool_names(later) if n.startswith("mcp__")]
    assert "read_file" in tool_names(later)

    child.sendline("/mcp")
    child.expect_exact("notes (.mcp.json): stopped: killed by signal 9")
    prompt(child)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    # Approved with "always": the next session starts it without asking, and so does -p.
    child = pexpect.spawn(BINARY, [], cwd=world["project"], env=world["env"], encoding="utf-8", timeout=TIMEOUT,
                          dimensions=(40, 200))
    prompt(child)
    assert "Allow?" not in child.before
    child.sendline("/mcp")
    child.expect_exact("notes (.mcp.json): running")
    prompt(child)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    api.enqueue(text_answer(["ok"]))
    approved = run_print(world, "-p", "hi")
    assert "not approved" not in approved.stderr
    assert "mcp__notes__read_note" in tool_names(api.requests[-1])


def run_print(world, *args):
    return subprocess.run([BINARY, *args], cwd=world["project"], env=world["env"], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def test_print_mode_calls_an_allowed_mcp_tool_and_goes_on_when_the_server_dies_mid_call(world):
    api = world["api"]
    api.enqueue(tool_use_answer("toolu_add", "mcp__notes__add_note", {"name": "a", "text": "alpha"}),
                tool_use_answer("toolu_crash", "mcp__notes__crash", {}),
                text_answer(["Saved, then the notes server crashed."]))
    result = run_print(world, "-p", "save a note", "--allow", "mcp__notes__add_note")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Saved, then the notes server crashed."
    assert "MCP server 'broken' did not start" in result.stderr
    assert result.stderr.count("MCP server 'notes' stopped") == 1
    assert os.path.exists(os.path.join(world["project"], "note-a.txt"))

    assert "mcp__notes__add_note" in tool_names(api.requests[0])
    add_result = next(b for b in tool_results(api.requests[1]) if b["tool_use_id"] == "toolu_add")
    assert "saved note a" in result_text(add_result) and not add_result.get("is_error")
    crash_result = next(b for b in tool_results(api.requests[2]) if b["tool_use_id"] == "toolu_crash")
    assert crash_result["is_error"] is True
    assert "stopped during the call" in result_text(crash_result)
    # The third request no longer offers the dead server's tools.
    assert not [n for n in tool_names(api.requests[2]) if n.startswith("mcp__")]


def test_print_mode_refuses_a_changing_mcp_tool_that_was_not_allowed(world):
    api = world["api"]
    api.enqueue(tool_use_answer("toolu_add", "mcp__notes__add_note", {"name": "b", "text": "beta"}),
                text_answer(["I was not allowed."]))
    result = run_print(world, "-p", "save a note", "--allow", "mcp__notes__read_note")
    assert result.returncode == 0, result.stderr
    assert "--allow mcp__notes__add_note" in result.stderr
    assert not os.path.exists(os.path.join(world["project"], "note-b.txt"))
    refused = next(b for b in tool_results(api.requests[1]) if b["tool_use_id"] == "toolu_add")
    assert refused["is_error"] is True


def test_print_mode_does_not_start_a_project_server_nobody_approved(world):
    api = world["api"]
    api.enqueue(text_answer(["No notes today."]))
    result = run_print(world, "-p", "any notes?")
    assert result.returncode == 0, result.stderr
    assert "MCP server 'notes' of the project's .mcp.json not started: not approved" in result.stderr
    assert "--allow mcp__notes__TOOL or --yes" in result.stderr
    assert not os.path.exists(world["pidfile"])
    assert not [n for n in tool_names(api.requests[0]) if n.startswith("mcp__")]
