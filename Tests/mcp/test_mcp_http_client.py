"""deployotron's MCP client over streamable HTTP: a server written with the official Python SDK
(fixtures/web_server.py, FastMCP on a loopback port), configured by URL in the project's .mcp.json
and used from `-p` against the pty tests' fake Messages API.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import pytest

from test_mcp_client import BINARY, result_text, run_print, tool_names, tool_results
from test_repl import FakeMessagesAPI, sandbox_env, text_answer, tool_use_answer

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "web_server.py")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, process, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the web MCP server exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the web MCP server did not listen on {port} within {seconds} s")


@pytest.fixture
def world():
    if not os.access(BINARY, os.X_OK):
        pytest.fail(f"no deployotron binary at {BINARY}: run `swift build` first (or set DEPLOYOTRON_BIN)")
    api = FakeMessagesAPI()
    with tempfile.TemporaryDirectory() as home:
        project = os.path.join(home, "project")
        os.makedirs(project)
        port = free_port()
        server = subprocess.Popen([sys.executable, SERVER, str(port)], cwd=project,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(port, server)
            # The project's server by URL, and one of the user's where nothing listens.
            with open(os.path.join(project, ".mcp.json"), "w") as f:
                json.dump({"mcpServers": {"web": {"url": f"http://127.0.0.1:{port}/mcp"}}}, f)
            os.makedirs(os.path.join(home, "config", "deployotron"))
            with open(os.path.join(home, "config", "deployotron", "mcp.json"), "w") as f:
                json.dump({"mcpServers": {"gone": {"url": f"http://127.0.0.1:{free_port()}/mcp"}}}, f)
            env = sandbox_env(home, api.base_url, terminal=False)
            yield {"api": api, "project": project, "env": env, "server": server}
        finally:
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=10)
            api.stop()


def test_print_mode_calls_a_streamable_http_servers_tools(world):
    api = world["api"]
    api.enqueue(tool_use_answer("toolu_look", "mcp__web__lookup", {"name": "db"}),
                tool_use_answer("toolu_set", "mcp__web__set_record", {"name": "db", "value": "web-3"}),
                text_answer(["db is served by web-3, and saved."]))
    result = run_print(world, "-p", "look db up and save it", "--allow", "mcp__web__set_record")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "db is served by web-3, and saved."
    # The user's server where nothing listens is one line; the session went on.
    assert result.stderr.count("MCP server 'gone' did not start") == 1
    assert "/mcp does not answer: connection refused" in result.stderr
    # lookup's progress notification, which arrives on the answer's event stream before the result.
    assert "looking up db" in result.stderr

    mcp_names = [n for n in tool_names(api.requests[0]) if n.startswith("mcp__")]
    assert mcp_names == ["mcp__web__crash", "mcp__web__lookup", "mcp__web__set_record"]
    # The read-only tool answered over an event stream (progress first), and its result reached Claude.
    looked = next(b for b in tool_results(api.requests[1]) if b["tool_use_id"] == "toolu_look")
    assert "record db: served by web-3" in result_text(looked) and not looked.get("is_error")
    saved = next(b for b in tool_results(api.requests[2]) if b["tool_use_id"] == "toolu_set")
    assert "saved record db" in result_text(saved) and not saved.get("is_error")
    with open(os.path.join(world["project"], "record-db.txt")) as f:
        assert f.read() == "web-3"


def test_print_mode_goes_on_when_the_http_server_dies_mid_call(world):
    api = world["api"]
    api.enqueue(tool_use_answer("toolu_look", "mcp__web__lookup", {"name": "a"}),
                tool_use_answer("toolu_crash", "mcp__web__crash", {}),
                text_answer(["Looked, then the web server went away."]))
    result = run_print(world, "-p", "look a up", "--yes")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Looked, then the web server went away."
    assert world["server"].wait(timeout=10) == 3
    assert result.stderr.count("MCP server 'web' stopped") == 1
    assert "/mcp broke off its answer" in result.stderr

    looked = next(b for b in tool_results(api.requests[1]) if b["tool_use_id"] == "toolu_look")
    assert "record a: served by web-3" in result_text(looked)
    crashed = next(b for b in tool_results(api.requests[2]) if b["tool_use_id"] == "toolu_crash")
    assert crashed["is_error"] is True
    assert "stopped during the call" in result_text(crashed)
    # The third request no longer offers the dead server's tools.
    assert not [n for n in tool_names(api.requests[2]) if n.startswith("mcp__")]


def test_print_mode_does_not_reach_a_project_http_server_nobody_approved(world):
    api = world["api"]
    api.enqueue(text_answer(["Nothing looked up."]))
    result = run_print(world, "-p", "anything?")
    assert result.returncode == 0, result.stderr
    assert "MCP server 'web' of the project's .mcp.json not started: not approved" in result.stderr
    assert not [n for n in tool_names(api.requests[0]) if n.startswith("mcp__")]
