"""The real deployotron binary on a pseudo-terminal, against a fake Messages API.

Run by scripts/test.sh after `swift build`: `python3 -m pytest Tests/pty`. The binary is
DEPLOYOTRON_BIN, else .build/debug/deployotron. Nothing here reaches the network.
"""
import glob
import json
import os
import stat
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pexpect
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("DEPLOYOTRON_BIN", os.path.join(ROOT, ".build", "debug", "deployotron"))
TIMEOUT = 30


# MARK: - SSE in the Messages API's format

def event(name, data):
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


def message_start():
    return event("message_start", {"type": "message_start", "message": {
        "id": "msg_pty", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
        "content": [], "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 12, "output_tokens": 1}}})


def text_block(index, pieces):
    out = event("content_block_start", {"type": "content_block_start", "index": index,
                                        "content_block": {"type": "text", "text": ""}})
    for piece in pieces:
        out += event("content_block_delta", {"type": "content_block_delta", "index": index,
                                             "delta": {"type": "text_delta", "text": piece}})
    return out


def block_stop(index):
    return event("content_block_stop", {"type": "content_block_stop", "index": index})


def message_end(stop_reason):
    return (event("message_delta", {"type": "message_delta",
                                    "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                                    "usage": {"input_tokens": 12, "output_tokens": 7}})
            + event("message_stop", {"type": "message_stop"}))


def text_answer(pieces):
    """A whole answer, its text split into `pieces`, each sent as its own chunk."""
    chunks = [message_start() + text_block(0, [])]
    chunks += [event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                             "delta": {"type": "text_delta", "text": p}}) for p in pieces]
    chunks.append(block_stop(0) + message_end("end_turn"))
    return {"chunks": chunks, "stall": False}


def slow_answer(first):
    """Sends `first`, then keeps the stream open (with SSE comments) until the client goes away."""
    return {"chunks": [message_start() + text_block(0, [first])], "stall": True}


def tool_use_answer(tool_id, name, tool_input):
    body = message_start()
    body += event("content_block_start", {"type": "content_block_start", "index": 0,
                                          "content_block": {"type": "tool_use", "id": tool_id, "name": name, "input": {}}})
    body += event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                          "delta": {"type": "input_json_delta", "partial_json": json.dumps(tool_input)}})
    body += block_stop(0) + message_end("tool_use")
    return {"chunks": [body], "stall": False}


# MARK: - The fake server

class FakeMessagesAPI:
    def __init__(self):
        self.queue = []
        self.requests = []
        self.lock = threading.Lock()
        self.stopping = False
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("content-length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                with api.lock:
                    api.requests.append({"path": self.path, "body": body, "headers": dict(self.headers)})
                    reply = api.queue.pop(0) if api.queue else None
                if reply is None:
                    payload = json.dumps({"type": "error", "error": {"type": "invalid_request_error",
                                                                     "message": "no scripted response left"}}).encode()
                    self.send_response(400)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    self.send_header("request-id", "req_pty_empty")
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                self.send_response(200)
                self.send_header("content-type", "text/event-stream; charset=utf-8")
                self.send_header("request-id", "req_pty")
                self.send_header("connection", "close")
                self.end_headers()
                try:
                    for chunk in reply["chunks"]:
                        self.wfile.write(chunk.encode())
                        self.wfile.flush()
                        time.sleep(0.05)
                    while reply["stall"] and not api.stopping:
                        time.sleep(0.1)
                        self.wfile.write(b": stalled\n\n")
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def enqueue(self, *replies):
        with self.lock:
            self.queue.extend(replies)

    def stop(self):
        self.stopping = True
        self.server.shutdown()


def sandbox_env(home, api_url, terminal=True):
    """The environment deployotron runs in under test: everything it keeps under `home`, the fake
    Messages API at `api_url`, a SQLite ledger, no colour."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "XDG_STATE_HOME": os.path.join(home, "state"),
        "XDG_DATA_HOME": os.path.join(home, "data"),
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "ANTHROPIC_API_KEY": "sk-ant-test-not-a-real-key",
        "ANTHROPIC_BASE_URL": api_url,
        "DEPLOYOTRON_STORE": "sqlite:" + os.path.join(home, "ledger.sqlite"),
        "NO_COLOR": "1",
        "LANG": "C.UTF-8",
    }
    if terminal:
        env["TERM"] = "xterm"
    return env


@pytest.fixture
def world():
    if not os.access(BINARY, os.X_OK):
        pytest.fail(f"no deployotron binary at {BINARY}: run `swift build` first (or set DEPLOYOTRON_BIN)")
    api = FakeMessagesAPI()
    with tempfile.TemporaryDirectory() as home:
        project = os.path.join(home, "project")
        os.makedirs(project)
        env = sandbox_env(home, api.base_url)
        yield {"api": api, "home": home, "project": project, "env": env}
    api.stop()


def prompt(child, text="> "):
    """Waits for a prompt. libedit shows it a moment before it switches the terminal to its own
    mode; a key arriving in that moment (a ^D, a ^C) is eaten by the terminal driver, so wait a
    little, as a person would, before typing."""
    child.expect_exact(text)
    time.sleep(0.1)


def spawn(world, *args):
    child = pexpect.spawn(BINARY, list(args), cwd=world["project"], env=world["env"],
                          encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 160))
    prompt(child)
    return child


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_session_on_a_real_terminal(world):
    api, state = world["api"], os.path.join(world["home"], "state", "deployotron")

    # A prompt, and the answer streamed back.
    api.enqueue(text_answer(["Hello ", "from the ", "fake server."]))
    child = spawn(world)
    child.sendline("hello there")
    child.expect_exact("Hello from the fake server.")
    prompt(child)

    # Ctrl-C during a slow stream cancels the turn; the prompt comes back and the process lives.
    api.enqueue(slow_answer("Starting a slow answer"))
    child.sendline("stream slowly")
    child.expect_exact("Starting a slow answer")
    child.sendcontrol("c")
    child.expect_exact("Cancelled")
    prompt(child)
    assert child.isalive()

    # A tool that changes something asks first; "y" lets it run.
    api.enqueue(tool_use_answer("toolu_pty", "write_file", {"path": "notes.txt", "content": "written by the test\n"}),
                text_answer(["The file is written."]))
    child.sendline("write notes.txt")
    prompt(child, "Allow?")
    child.sendline("y")
    child.expect_exact("The file is written.")
    prompt(child)
    with open(os.path.join(world["project"], "notes.txt")) as f:
        assert f.read() == "written by the test\n"

    # Ctrl-D leaves.
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    # The history and the transcript are private.
    history = os.path.join(state, "history")
    assert mode(history) == 0o600
    with open(history, encoding="utf-8", errors="replace") as f:
        assert "hello" in f.read()
    transcripts = glob.glob(os.path.join(state, "sessions", "*.jsonl"))
    assert len(transcripts) == 1
    assert mode(transcripts[0]) == 0o600
    with open(transcripts[0]) as f:
        entries = [json.loads(line) for line in f if line.strip()]
    assert entries[0]["type"] == "session"
    assert any(e["type"] == "message" and e["message"]["role"] == "assistant" for e in entries)

    # --continue brings the conversation back: the next request carries it.
    asked = len(api.requests)
    api.enqueue(text_answer(["Welcome back."]))
    child = spawn(world, "--continue")
    child.sendline("where were we?")
    child.expect_exact("Welcome back.")
    prompt(child)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    resumed = json.dumps(api.requests[asked]["body"]["messages"])
    assert "hello there" in resumed
    assert "where were we?" in resumed
    assert "The file is written." in resumed


def test_without_an_api_key_the_repl_opens_and_says_how(world):
    del world["env"]["ANTHROPIC_API_KEY"]
    child = spawn(world)
    assert "ANTHROPIC_API_KEY" in child.before
    child.sendline("/help")
    child.expect_exact("/compact")
    prompt(child)
    child.sendline("/modle")
    child.expect_exact("Did you mean /model?")
    prompt(child)
    # Ctrl-C twice on an empty line exits.
    child.sendcontrol("c")
    prompt(child)
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert world["api"].requests == []


def test_doctor_in_the_repl_prints_the_same_report_as_the_command(world):
    del world["env"]["ANTHROPIC_API_KEY"]
    child = spawn(world)
    child.sendline("/doctor")
    child.expect_exact("failure  anthropic-credentials")
    child.expect(r"ok\s+ledger\s+sqlite:")
    child.expect_exact("check this configuration needs failed.")
    prompt(child)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert world["api"].requests == []
