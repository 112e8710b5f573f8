"""The pages of a real `deployotron serve` in headless Chromium, and the API against its OpenAPI
document with schemathesis, on both stores (SQLite; DynamoDB on moto_server when
scripts/moto.sh started one).

Run by scripts/test.sh after `swift build`: `python3 -m pytest Tests/pages`. The binary is
DEPLOYOTRON_BIN, else .build/debug/deployotron; the browser is Debian's `chromium`, driven over
its DevTools protocol. Screenshots go to DEPLOYOTRON_SCREENSHOTS (default
/tmp/deployotron-pages-screenshots), never into the repository.
"""
import json
import os
import queue
import re
import shutil
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("DEPLOYOTRON_BIN", os.path.join(ROOT, ".build", "debug", "deployotron"))
NOTIFY_SH = os.path.join(ROOT, "notify", "notify.sh")
FAKE_DOCKER = os.path.join(ROOT, "Tests", "fixtures", "serve-docker.sh")
MOTO = os.environ.get("DEPLOYOTRON_TEST_MOTO_ENDPOINT")
SCREENSHOTS = os.environ.get("DEPLOYOTRON_SCREENSHOTS", "/tmp/deployotron-pages-screenshots")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HOSTILE_SCRIPT = "<script>window.__pwned = 'script'</script>"
HOSTILE_IMAGE = "<img src=x onerror=\"window.__pwned = 'image'\">"


# MARK: - The server

def lines_of(stream):
    """The lines of a child's output, read on a thread so the child never blocks on a full pipe."""
    lines = queue.Queue()

    def pump():
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def wait_for_line(lines, pattern, what, timeout=60):
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if line is None:
            break
        seen.append(line)
        match = re.search(pattern, line)
        if match:
            return match
    raise AssertionError(f"{what} did not start; it said:\n{''.join(seen)}")


def aws_environment():
    return {
        "AWS_ENDPOINT_URL": MOTO, "AWS_ENDPOINT_URL_DYNAMODB": MOTO, "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": os.environ["DEPLOYOTRON_TEST_MOTO_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": os.environ["DEPLOYOTRON_TEST_MOTO_SECRET_ACCESS_KEY"],
    }


class Server:
    def __init__(self, kind, tmp_path, token=None):
        self.kind = kind
        self.token = token
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith("AWS_") and key not in ("DEPLOYOTRON_NOTIFY_TOKEN", "DEPLOYOTRON_STORE")}
        self.env.update({"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
                         "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CONFIG_HOME": str(tmp_path / "config")})
        # Deploys go to the fake docker of Tests/fixtures: fast, and its build can be held.
        self.docker_state = tmp_path / "docker"
        self.docker_state.mkdir(exist_ok=True)
        self.env.update({"DEPLOYOTRON_DOCKER": FAKE_DOCKER, "DEPLOYOTRON_FAKE_DOCKER_STATE": str(self.docker_state)})
        if kind == "sqlite":
            self.path = str(tmp_path / "ledger.sqlite")
            self.store = f"sqlite:{self.path}"
        else:
            self.table = f"pages-{uuid.uuid4().hex[:12]}"
            self.store = f"dynamodb:{self.table}?region=us-east-1"
            self.env.update(aws_environment())
            subprocess.run([BINARY, "store", "init", "--store", self.store], env=self.env, check=True,
                           capture_output=True, timeout=120)
        self.log = tmp_path / "serve.log"
        with open(self.log, "w") as log:
            extra = ["--token", token] if token else []
            self.process = subprocess.Popen([BINARY, "serve", "--port", "0", "--store", self.store, *extra], cwd=tmp_path,
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        match = None
        while match is None and time.monotonic() < deadline and self.process.poll() is None:
            match = re.search(r"listening address=127\.0\.0\.1:(\d+)", self.log.read_text())
            time.sleep(0.1)
        assert match, f"deployotron serve did not start; it said:\n{self.log.read_text()}"
        self.url = f"http://127.0.0.1:{match.group(1)}"

    def log_tail(self):
        return self.log.read_text()[-4000:]

    def stop(self):
        self.release_builds()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        # The fake containers' HTTP servers, which the fake docker started.
        servers = self.docker_state / "servers"
        for pid_file in servers.glob("*.pid") if servers.exists() else []:
            try:
                os.kill(int(pid_file.read_text().strip()), 15)
            except (OSError, ValueError):
                pass

    def hold_builds(self):
        (self.docker_state / "hold-build").touch()

    def release_builds(self):
        (self.docker_state / "hold-build").unlink(missing_ok=True)

    def get(self, path):
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def notify(self, *arguments, guid):
        """notify.sh itself, as a build agent runs it."""
        env = dict(self.env, DEPLOYOTRON_NOTIFY_URL=self.url, DEPLOYOTRON_NOTIFY_GUID=guid)
        if self.token:
            env["DEPLOYOTRON_NOTIFY_TOKEN"] = self.token
        result = subprocess.run(["bash", NOTIFY_SH, *arguments], env=env, capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr

    def save_deployment(self, **fields):
        """A deployment row as the ledger keeps it; the deploy commands write these, the server only reads them."""
        if self.kind == "sqlite":
            connection = sqlite3.connect(self.path, timeout=30)
            with connection:
                connection.execute(
                    'INSERT INTO deployment (id, projectId, name, target, status, url, startedAt, finishedAt, error, rollbackOf) '
                    'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                    (fields["id"], fields["projectId"], "app", fields["target"], fields["status"], fields.get("url"),
                     fields["startedAt"], fields.get("finishedAt"), fields.get("error"), fields.get("rollbackOf")))
            connection.close()
        else:
            import boto3
            table = boto3.resource("dynamodb", endpoint_url=MOTO, region_name="us-east-1",
                                   aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
                                   aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"]).Table(f"{self.table}-deployments")
            stamp = lambda seconds: time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(seconds))
            item = {"id": fields["id"], "projectId": fields["projectId"], "name": "app", "target": fields["target"],
                    "status": fields["status"], "startedAt": stamp(fields["startedAt"])}
            for key in ("url", "error", "rollbackOf"):
                if fields.get(key):
                    item[key] = fields[key]
            if fields.get("finishedAt"):
                item["finishedAt"] = stamp(fields["finishedAt"])
            table.put_item(Item=item)


STORES = ["sqlite", "dynamodb"]


@pytest.fixture(params=STORES)
def server(request, tmp_path):
    if request.param == "dynamodb" and not MOTO:
        pytest.skip("needs moto_server: run scripts/test.sh")
    running = Server(request.param, tmp_path)
    yield running
    running.stop()


# MARK: - The browser

class Browser:
    """Headless Chromium over its DevTools protocol: one page, navigated, read and photographed."""

    def __init__(self, profile):
        import websocket
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        match = wait_for_line(lines_of(self.process.stderr), r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", "chromium")
        port = match.group(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as response:
            page = next(target for target in json.load(response) if target["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        self.next_id = 0
        self.console = []
        self.call("Page.enable")
        self.call("Runtime.enable")

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})
            if message.get("method") in ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded"):
                self.console.append(message)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_until(self, expression, what, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(expression):
                return
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}: {expression}")

    def open(self, url, width=1280):
        self.resize(width)
        self.call("Page.navigate", url=url)
        self.wait_until(f"document.readyState === 'complete' && location.href === {json.dumps(url)}", f"{url} to load")

    def resize(self, width, height=900):
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=width < 500)

    def screenshot(self, path, width):
        self.resize(width)
        height = self.evaluate("Math.ceil(document.documentElement.scrollHeight)")
        self.resize(width, max(600, min(int(height), 4000)))
        data = self.call("Page.captureScreenshot", format="png")["data"]
        import base64
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))
        assert os.path.getsize(path) > 1000
        self.resize(width)

    def close(self):
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def browser(tmp_path):
    if not CHROMIUM:
        pytest.skip("needs chromium: scripts/setup.sh --test installs it")
    running = Browser(tmp_path / "chromium-profile")
    yield running
    running.close()


# MARK: - The pages in a browser

def seed_project(server, guid):
    server.notify("ack", "started", guid=guid)
    server.notify("status", "building " + HOSTILE_SCRIPT, guid=guid)
    server.notify("resources", json.dumps({
        "s3Bucket": f"tmux-builder-{guid}", "cloudFrontUrl": "https://d123.cloudfront.net", "region": "us-east-1",
        "rdsEndpoint": HOSTILE_IMAGE, "dashboard": "javascript:window.__pwned='link'",
        "extra": {"ports": [80, 443], "note": "nested"}}), guid=guid)
    now = time.time()
    server.save_deployment(id=f"{guid}-d1", projectId=guid, target="s3-cloudfront", status="failed",
                           startedAt=now - 600, finishedAt=now - 560, error="build failed " + HOSTILE_SCRIPT,
                           url="javascript:window.__pwned='url'")
    server.save_deployment(id=f"{guid}-d2", projectId=guid, target="s3-cloudfront", status="running",
                           startedAt=now - 300, finishedAt=now - 250, url="https://d123.cloudfront.net", rollbackOf=f"{guid}-d0")


def test_the_project_page_shows_resources_and_deployments_and_takes_live_events(server, browser):
    guid = f"page-{uuid.uuid4().hex[:8]}"
    seed_project(server, guid)
    browser.open(f"{server.url}/projects/{guid}")

    # What the server rendered is in the DOM.
    assert browser.evaluate("document.querySelector('#resources [data-key=\"s3Bucket\"] dd').textContent") == f"tmux-builder-{guid}"
    assert browser.evaluate("document.querySelector('#resources [data-key=\"cloudFrontUrl\"] a').href") == "https://d123.cloudfront.net/"
    assert browser.evaluate("document.querySelectorAll('#deployments li.deployment').length") == 2
    assert browser.evaluate("document.querySelector('#deployments li.deployment').dataset.status") == "running"
    assert browser.evaluate("document.querySelectorAll('#events li.event').length") == 3
    # The hostile values are text, and no link leads anywhere but http(s).
    assert HOSTILE_IMAGE in browser.evaluate("document.querySelector('#resources [data-key=\"rdsEndpoint\"] dd').textContent")
    assert browser.evaluate("[...document.querySelectorAll('a')].every(a => a.protocol === 'http:' || a.protocol === 'https:')")
    assert browser.evaluate("document.querySelectorAll('main img, main script').length") == 0

    # The live stream is open; what notify.sh sends now appears without a reload.
    browser.wait_until("!document.getElementById('live').hidden", "the live stream to open")
    browser.evaluate("window.__samePage = 'yes'")
    server.notify("status", "deploying " + HOSTILE_SCRIPT, guid=guid)
    server.notify("resources", json.dumps({"ecsCluster": "live-cluster", "note": HOSTILE_IMAGE}), guid=guid)
    browser.wait_until("document.querySelectorAll('#events li.event').length === 5", "the two new events")
    browser.wait_until("document.querySelector('#resources [data-key=\"ecsCluster\"]') !== null", "the new resource")
    assert browser.evaluate("document.querySelector('#resources [data-key=\"ecsCluster\"] dd').textContent") == "live-cluster"
    assert browser.evaluate("document.querySelector('#resources [data-key=\"s3Bucket\"] dd').textContent") == f"tmux-builder-{guid}"
    assert browser.evaluate("window.__samePage") == "yes", "the page reloaded"
    texts = browser.evaluate("[...document.querySelectorAll('#events .event-text')].map(e => e.textContent)")
    assert texts[3] == "deploying " + HOSTILE_SCRIPT
    assert HOSTILE_IMAGE in texts[4]
    assert browser.evaluate("document.querySelectorAll('main img, main script').length") == 0
    assert browser.evaluate("window.__pwned") is None

    browser.screenshot(os.path.join(SCREENSHOTS, f"{server.kind}-project-1280.png"), 1280)
    browser.screenshot(os.path.join(SCREENSHOTS, f"{server.kind}-project-390.png"), 390)
    assert browser.evaluate("document.documentElement.scrollWidth <= 390"), "the page scrolls sideways at phone width"
    # The system's dark scheme is followed.
    light = browser.evaluate("getComputedStyle(document.body).backgroundColor")
    browser.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": "dark"}])
    assert browser.evaluate("getComputedStyle(document.body).backgroundColor") != light
    browser.screenshot(os.path.join(SCREENSHOTS, f"{server.kind}-project-390-dark.png"), 390)
    browser.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": "light"}])


def test_the_projects_page_lists_the_project_and_filters_by_user(server, browser):
    guid = f"list-{uuid.uuid4().hex[:8]}"
    seed_project(server, guid)
    browser.open(f"{server.url}/")
    row = f"document.querySelector('tr[data-guid=\"{guid}\"]')"
    assert browser.evaluate(f"{row}.querySelector('.count').textContent") == "6"
    assert browser.evaluate(f"{row}.querySelector('.last-deployment .badge').textContent") == "running"
    assert browser.evaluate(f"{row}.querySelector('.last-event .badge').textContent") == "resources"
    assert browser.evaluate("window.__pwned") is None
    browser.screenshot(os.path.join(SCREENSHOTS, f"{server.kind}-projects-1280.png"), 1280)
    browser.screenshot(os.path.join(SCREENSHOTS, f"{server.kind}-projects-390.png"), 390)
    assert browser.evaluate("document.documentElement.scrollWidth <= 390"), "the page scrolls sideways at phone width"
    # The filter works without script: a plain GET form.
    browser.open(f"{server.url}/?user=somebody-else")
    assert browser.evaluate(f"{row}") is None
    browser.open(f"{server.url}/?user=unknown")
    assert browser.evaluate(f"{row} !== null")


# MARK: - Deploying from the page

def make_app(tmp_path):
    app = tmp_path / "shop"
    app.mkdir(exist_ok=True)
    (app / "package.json").write_text(json.dumps({"name": "shop", "dependencies": {"express": "4"}, "scripts": {"start": "node server.js"}}))
    (app / "server.js").write_text("require('express')().listen(3000)\n")
    return str(app)


def deploy_from_the_page(server, browser, guid, app, shots):
    """Deploy twice from the page's controls, watching the first one's progress live, then roll back."""
    deployments = "document.querySelectorAll('#deployments li.deployment').length"
    settled = "document.getElementById('deploy').dataset.state === 'succeeded' && !document.getElementById('deploy-button').disabled"
    browser.wait_until("!document.getElementById('deploy').hidden", "the deploy controls")
    server.hold_builds()
    browser.evaluate(f"document.getElementById('deploy-source').value = {json.dumps(app)}")
    browser.evaluate("document.getElementById('deploy-button').click()")
    browser.wait_until("document.getElementById('deploy-log').textContent.includes('STEP 1/2')", "the build's progress, live")
    assert browser.evaluate("document.getElementById('deploy-button').disabled")
    assert browser.evaluate("document.getElementById('deploy').dataset.state") == "running"
    assert 0 < browser.evaluate("document.getElementById('deploy-bar').value") < 1
    browser.screenshot(os.path.join(SCREENSHOTS, f"{shots}-deploying-390.png"), 390)
    assert browser.evaluate("document.documentElement.scrollWidth <= 390"), "the controls scroll sideways at phone width"
    server.release_builds()
    browser.wait_until(f"{settled} && {deployments} === 1", "the first deploy to go live", timeout=60)
    assert "is live at http://localhost:" in browser.evaluate("document.getElementById('deploy-outcome').textContent")
    assert browser.evaluate("document.querySelector('#deployments li.deployment').dataset.status") == "running"

    browser.evaluate("document.getElementById('deploy-button').click()")
    browser.wait_until(f"{settled} && {deployments} === 2", "the second deploy to go live", timeout=60)
    browser.evaluate("document.getElementById('rollback-button').click()")
    browser.wait_until(f"{settled} && {deployments} === 3", "the rollback", timeout=60)
    assert browser.evaluate("document.querySelector('#deployments li.deployment').textContent").count("rollback to") == 1
    statuses = browser.evaluate("[...document.querySelectorAll('#deployments li.deployment')].map(li => li.dataset.status)")
    assert statuses == ["running", "rolled_back", "stopped"], statuses
    assert browser.evaluate("window.__pwned") is None

    browser.screenshot(os.path.join(SCREENSHOTS, f"{shots}-deployed-1280.png"), 1280)
    browser.screenshot(os.path.join(SCREENSHOTS, f"{shots}-deployed-390.png"), 390)
    assert browser.evaluate("document.documentElement.scrollWidth <= 390"), "the page scrolls sideways at phone width"
    light = browser.evaluate("getComputedStyle(document.getElementById('deploy-log')).backgroundColor")
    browser.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": "dark"}])
    assert browser.evaluate("getComputedStyle(document.getElementById('deploy-log')).backgroundColor") != light
    browser.screenshot(os.path.join(SCREENSHOTS, f"{shots}-deployed-390-dark.png"), 390)
    browser.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": "light"}])


def test_the_project_page_deploys_and_rolls_back_with_live_progress(server, browser, tmp_path):
    guid = f"deploy-{uuid.uuid4().hex[:8]}"
    server.notify("ack", "started " + HOSTILE_SCRIPT, guid=guid)
    browser.open(f"{server.url}/projects/{guid}")
    deploy_from_the_page(server, browser, guid, make_app(tmp_path), f"{server.kind}-deploy")

    # A second deploy while one runs is refused, and the page says so in a line.
    server.hold_builds()
    browser.evaluate("document.getElementById('deploy-button').click()")
    browser.wait_until("document.getElementById('deploy-log').textContent.includes('STEP 1/2')", "the held build")
    request = urllib.request.Request(f"{server.url}/api/projects/{guid}/deploy", method="POST",
                                     data=json.dumps({"source": {"path": make_app(tmp_path)}}).encode(),
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 409
    assert "already running" in json.loads(refused.value.read())["error"]
    server.release_builds()


def test_a_signed_in_browser_deploys_and_another_site_cannot(browser, tmp_path):
    running = Server("sqlite", tmp_path, token="page-token-123")
    try:
        guid = f"signed-{uuid.uuid4().hex[:8]}"
        running.notify("ack", "started", guid=guid)
        browser.open(f"{running.url}/signin?next=/projects/{guid}")
        browser.evaluate("document.getElementById('token').value = 'page-token-123'")
        browser.evaluate("document.querySelector('form.signin').submit()")
        browser.wait_until(f"location.pathname === '/projects/{guid}' && document.readyState === 'complete'", "the project page after signing in")
        deploy_from_the_page(running, browser, guid, make_app(tmp_path), "signed-in")
        # The session cookie is no use to another site's page (its Origin is not the server's).
        cookies = browser.call("Network.getCookies", urls=[running.url])["cookies"]
        session = next(cookie for cookie in cookies if cookie["name"] == "deployotron_session")
        assert session["httpOnly"] and session["sameSite"] == "Strict"
        request = urllib.request.Request(f"{running.url}/api/projects/{guid}/rollback", method="POST", data=b"{}",
                                         headers={"Content-Type": "application/json", "Origin": "http://evil.example",
                                                  "Cookie": f"deployotron_session={session['value']}"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 401
        assert "page-token-123" not in running.log.read_text()
    finally:
        running.stop()


# MARK: - Following a deployment's logs from the page

def deploy_by_api(server, guid, app):
    """A deploy through the API, waited for; the new deployment's id."""
    request = urllib.request.Request(f"{server.url}/api/projects/{guid}/deploy", method="POST",
                                     data=json.dumps({"source": {"path": app}}).encode(),
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        job = json.load(response)["job"]["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, body = server.get(f"/api/jobs/{job}")
        answer = json.loads(body)["job"]
        if answer["state"] != "running":
            assert answer["state"] == "succeeded", answer
            return answer["deploymentId"]
        time.sleep(0.2)
    raise AssertionError("the deploy did not end")


def test_the_logs_panel_follows_a_live_deployment_until_it_is_closed(server, browser, tmp_path):
    guid = f"logs-{uuid.uuid4().hex[:8]}"
    server.notify("ack", "started", guid=guid)
    deployment = deploy_by_api(server, guid, make_app(tmp_path))
    log = server.docker_state / "app.log"
    with open(log, "a") as file:
        file.write("listening on :3000\n")
    browser.open(f"{server.url}/projects/{guid}")
    link = f"document.querySelector('#deployments li[data-id=\"{deployment}\"] a.logs-link')"
    browser.wait_until(f"{link} && {link}.offsetParent !== null", "the Logs link of the running deployment")
    browser.evaluate(f"{link}.click()")
    lines = "document.getElementById('logs-lines').textContent"
    browser.wait_until(f"!document.getElementById('logs').hidden && {lines}.includes('listening on :3000')", "the backlog in the panel")
    browser.wait_until("!document.getElementById('logs-live').hidden", "the panel to say it follows")
    assert browser.evaluate("document.getElementById('logs-deployment').textContent") == deployment
    pid = int((server.docker_state / "logs-follow.pid").read_text().strip())
    os.kill(pid, 0)

    # New lines appear as they are written, inert and redacted.
    with open(log, "a") as file:
        file.write("GET / 200 " + HOSTILE_IMAGE + "\n")
        file.write("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
    browser.wait_until(f"{lines}.includes('AWS_SECRET_ACCESS_KEY=[REDACTED]')", "new lines, live")
    assert browser.evaluate("document.querySelectorAll('#logs-lines li').length") == 3
    assert "onerror" in browser.evaluate(lines)
    assert browser.evaluate("document.querySelectorAll('#logs-lines img').length") == 0
    assert "wJalrXUtnFEMI" not in browser.evaluate(lines)
    assert browser.evaluate("window.__pwned") is None

    browser.screenshot(os.path.join(SCREENSHOTS, f"{server.kind}-logs-1280.png"), 1280)
    browser.screenshot(os.path.join(SCREENSHOTS, f"{server.kind}-logs-390.png"), 390)
    assert browser.evaluate("document.documentElement.scrollWidth <= 390"), "the logs panel scrolls sideways at phone width"
    light = browser.evaluate("getComputedStyle(document.getElementById('logs-lines')).backgroundColor")
    browser.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": "dark"}])
    assert browser.evaluate("getComputedStyle(document.getElementById('logs-lines')).backgroundColor") != light
    browser.screenshot(os.path.join(SCREENSHOTS, f"{server.kind}-logs-390-dark.png"), 390)
    browser.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": "light"}])

    # Closing the panel ends the stream, and the server stops the docker logs child.
    browser.evaluate("document.getElementById('logs-close').click()")
    assert browser.evaluate("document.getElementById('logs').hidden")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("docker logs --follow still runs after the panel was closed")


# MARK: - Seed 003's Python client

def test_a_project_seed_003s_client_wrote_is_found_by_guid_alone(server):
    if server.kind != "dynamodb":
        pytest.skip("seed 003's client writes DynamoDB")
    import boto3
    # Seed 003's DynamoDBClient.save_project_resources, under a user deployotron never saw.
    table = boto3.resource("dynamodb", endpoint_url=MOTO, region_name="us-east-1",
                           aws_access_key_id=server.env["AWS_ACCESS_KEY_ID"],
                           aws_secret_access_key=server.env["AWS_SECRET_ACCESS_KEY"]).Table(server.table)
    guid = str(uuid.uuid4())
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S.123456", time.gmtime())
    table.put_item(Item={"userId": "seed-user-7", "projectId": guid, "projectName": "Seed app",
                         "awsResources": {"s3Bucket": f"tmux-builder-{guid}", "cloudFrontUrl": "https://d777.cloudfront.net"},
                         "createdAt": stamp, "updatedAt": stamp})
    status, body = server.get(f"/api/projects/{guid}/resources")
    assert status == 200, body
    resources = json.loads(body)["resources"]
    assert resources["userId"] == "seed-user-7"
    assert resources["awsResources"]["s3Bucket"] == f"tmux-builder-{guid}"

    shown = subprocess.run([BINARY, "resources", guid, "--store", server.store], env=server.env,
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert f"tmux-builder-{guid}" in shown.stdout and "seed-user-7" in shown.stdout
    as_json = subprocess.run([BINARY, "resources", guid, "--json", "--store", server.store], env=server.env,
                             capture_output=True, text=True, timeout=60)
    assert json.loads(as_json.stdout)["resources"]["projectName"] == "Seed app"


# MARK: - The contract, fuzzed

def test_schemathesis_finds_no_5xx_and_no_answer_outside_the_document(server, tmp_path):
    pytest.importorskip("schemathesis")
    guid = f"fuzz-{uuid.uuid4().hex[:8]}"
    seed_project(server, guid)
    checks = "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance"
    # On moto, fuzzed resources reports (POST /notify) leave items that moto itself cannot read back
    # (its own Scan answer is malformed; boto3 fails on it too), so there the write route is left to
    # the SQLite run and to NotifyContractTests, and the read routes are fuzzed over seeded data.
    only_reads = ["--exclude-path", "/notify"] if server.kind == "dynamodb" else []
    # The deploy API's changes reach a container engine or AWS, which a server may lack (a 503 that
    # says so, documented); those operations are checked for everything but that.
    changes = "^/api/(projects/[^/]+/(deploy|rollback)|deployments/[^/]+(/stop|/restart)?|jobs/[^/]+/cancel)$"
    # (Fuzzed ids of deployments and jobs are mostly unknown: schemathesis warns of the 404s it gets.)
    runs = [
        (checks, ["--exclude-path-regex", changes], "passed"),
        (checks.replace("not_a_server_error,", ""), ["--include-path-regex", changes], "passed"),
    ]
    for selected, selection, verdict in runs:
        result = subprocess.run(
            ["schemathesis", "run", f"{server.url}/openapi.json", "--checks", selected, "--max-examples", "40",
             "--request-timeout", "20", "--max-redirects", "0", "--workers", "2", "--seed", "17",
             "--suppress-health-check", "too_slow", *only_reads, *selection],
            cwd=tmp_path, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:] + "\nserve said:\n" + server.log_tail()
        assert verdict in result.stdout
