"""`deployotron mcp` driven by the official MCP Python SDK (PyPI `mcp`) as its client.

Run by scripts/test.sh after `swift build`: `python3 -m pytest Tests/mcp`. The binary is
DEPLOYOTRON_BIN, else .build/debug/deployotron. Deploys use a fake docker (DEPLOYOTRON_DOCKER), as
the CLI tests do; nothing here reaches the network.
"""
import asyncio
import json
import os
import subprocess
import tempfile
import time

import pytest
from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("DEPLOYOTRON_BIN", os.path.join(ROOT, ".build", "debug", "deployotron"))

# A docker whose build prints a step, then runs a child that outlives it unless its process group
# is stopped; everything else succeeds.
SLOW_DOCKER = """#!/bin/sh
case "$1" in
  version) echo 5.4.2;;
  build) echo "STEP 1/3: FROM node"; sleep 47 & wait;;
  *) exit 0;;
esac
"""


@pytest.fixture
def world():
    if not os.access(BINARY, os.X_OK):
        pytest.fail(f"no deployotron binary at {BINARY}: run `swift build` first (or set DEPLOYOTRON_BIN)")
    with tempfile.TemporaryDirectory() as home:
        project = os.path.join(home, "shop")
        os.makedirs(project)
        with open(os.path.join(project, "package.json"), "w") as f:
            json.dump({"name": "shop", "dependencies": {"express": "4"}, "scripts": {"start": "node server.js"}}, f)
        with open(os.path.join(project, "server.js"), "w") as f:
            f.write("require('express')().listen(3000)\n")
        docker = os.path.join(home, "docker")
        with open(docker, "w") as f:
            f.write(SLOW_DOCKER)
        os.chmod(docker, 0o755)
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": home,
            "USER": "builder",
            "XDG_STATE_HOME": os.path.join(home, "state"),
            "XDG_DATA_HOME": os.path.join(home, "data"),
            "XDG_CONFIG_HOME": os.path.join(home, "config"),
            "DEPLOYOTRON_STORE": "sqlite:" + os.path.join(home, "ledger.sqlite"),
            "DEPLOYOTRON_DOCKER": docker,
            "NO_COLOR": "1",
        }
        yield {"home": home, "project": project, "env": env}


def server(world, *args):
    return StdioServerParameters(command=BINARY, args=["mcp", *args], env=world["env"], cwd=world["project"])


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 120))


def text_of(result):
    return "\n".join(item.text for item in result.content if item.type == "text")


def process_running(*arguments):
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                parts = [p.decode() for p in f.read().split(b"\0") if p]
        except OSError:
            continue
        if len(parts) == len(arguments) and all(p.endswith(a) for p, a in zip(parts, arguments)):
            return True
    return False


def test_initialize_lists_tools_with_annotations_and_detects_the_stack(world):
    async def scenario():
        async with stdio_client(server(world)) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                assert init.serverInfo.name == "deployotron"
                assert init.capabilities.tools is not None
                tools = {tool.name: tool for tool in (await session.list_tools()).tools}

                # The REPL's deploy tools, plus report_resources.
                for name in ["detect_stack", "generate_dockerfile", "deploy_local", "deploy_s3_cloudfront", "deploy_ecs",
                             "list_deployments", "deployment_status", "get_logs", "rollback", "analyze_logs",
                             "project_resources", "report_resources"]:
                    assert name in tools, name
                detect = tools["detect_stack"]
                assert detect.annotations.readOnlyHint is True
                assert detect.inputSchema["type"] == "object"
                assert "path" in detect.inputSchema["properties"]
                deploy = tools["deploy_local"]
                assert deploy.annotations.readOnlyHint is False
                assert deploy.annotations.destructiveHint is False
                assert tools["remove_deployment"].annotations.destructiveHint is True
                assert tools["remove_deployment"].annotations.idempotentHint is True
                assert tools["deploy_ecs"].annotations.openWorldHint is True

                result = await session.call_tool("detect_stack", {})
                assert result.isError is False
                detected = json.loads(text_of(result))
                assert detected["language"] == "node"

                # A call that breaks the schema is an error result saying what was wrong.
                bad = await session.call_tool("detect_stack", {"path": 7})
                assert bad.isError is True
                assert "input.path" in text_of(bad)
    run(scenario())


def test_a_changing_tool_is_refused_then_runs_when_allowed_at_start(world):
    dockerfile = os.path.join(world["project"], "Dockerfile")

    async def call(*args):
        async with stdio_client(server(world, *args)) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await session.call_tool("generate_dockerfile", {})

    refused = run(call())
    assert refused.isError is True
    assert "--allow generate_dockerfile" in text_of(refused)
    assert "--yes" in text_of(refused)
    assert not os.path.exists(dockerfile)

    allowed = run(call("--allow", "generate_dockerfile"))
    assert allowed.isError is False, text_of(allowed)
    assert os.path.exists(dockerfile)
    with open(dockerfile) as f:
        assert "FROM node" in f.read()


def test_an_unknown_allowed_tool_stops_the_server_at_start(world):
    result = subprocess.run([BINARY, "mcp", "--allow", "deploy_everything"], cwd=world["project"], env=world["env"],
                            input="", capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "deploy_everything" in result.stderr
    assert result.stdout == ""


def test_report_resources_lands_in_the_ledger_and_deployotron_resources_shows_it(world):
    async def scenario():
        async with stdio_client(server(world, "--allow", "report_resources")) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                first = await session.call_tool("report_resources", {"resources": {"s3Bucket": "shop-assets"}})
                assert first.isError is False, text_of(first)
                second = await session.call_tool("report_resources", {"resources": {"cloudFrontUrl": "https://d1.example.net"}})
                merged = json.loads(text_of(second))
                assert merged["resources"] == {"s3Bucket": "shop-assets", "cloudFrontUrl": "https://d1.example.net"}
                shown = json.loads(text_of(await session.call_tool("project_resources", {})))
                assert shown["found"] is True
                return merged["guid"]

    guid = run(scenario())
    with open(os.path.join(world["project"], ".deployotron", "project.json")) as f:
        assert json.load(f)["guid"] == guid
    listed = subprocess.run([BINARY, "resources", guid], cwd=world["project"], env=world["env"],
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert "s3Bucket: shop-assets" in listed.stdout
    assert "cloudFrontUrl: https://d1.example.net" in listed.stdout
    mine = subprocess.run([BINARY, "resources"], cwd=world["project"], env=world["env"],
                          capture_output=True, text=True, timeout=60)
    assert "shop" in mine.stdout and "user builder" in mine.stdout


def test_a_deploy_reports_progress_and_cancelling_it_cleans_up_as_ctrl_c_does(world):
    progress = []
    step_seen = asyncio.Event()

    async def on_progress(value, total, message):
        progress.append((value, message))
        if message and "STEP 1/3" in message:
            step_seen.set()

    async def scenario():
        async with stdio_client(server(world, "--allow", "deploy_local")) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                request_id = session._request_id  # the id the next request gets (the Python SDK numbers them)
                call = asyncio.create_task(session.call_tool("deploy_local", {}, progress_callback=on_progress))
                await asyncio.wait_for(step_seen.wait(), 60)
                assert process_running("sleep", "47")
                # What a client sends when its user cancels: the server answers nothing more for it.
                await session.send_notification(types.ClientNotification(types.CancelledNotification(
                    params=types.CancelledNotificationParams(requestId=request_id, reason="the user cancelled"))))
                # The server is still there, and the deploy is recorded as cancelled once it has cleaned up.
                record = None
                for _ in range(300):
                    listed = json.loads(text_of(await session.call_tool("list_deployments", {})))
                    record = listed["deployments"][0] if listed.get("deployments") else None
                    if record and record["status"] != "in_progress":
                        break
                    await asyncio.sleep(0.1)
                assert not call.done()  # no answer to a cancelled request
                call.cancel()
                return record

    record = run(scenario())
    assert [v for v, _ in progress] == sorted(v for v, _ in progress)
    assert any("build" in (m or "") for _, m in progress), progress
    assert record["status"] == "cancelled", record
    for _ in range(50):
        if not process_running("sleep", "47"):
            break
        time.sleep(0.1)
    assert not process_running("sleep", "47")
