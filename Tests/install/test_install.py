"""scripts/install.sh as a user runs it: a release build installed into a temporary prefix, then
the installed binary run with an environment that holds no Swift toolchain.

Run by scripts/test.sh after the Swift tests: `python3 -m pytest Tests/install`. The first run
builds release from scratch into .build-release (many minutes on two cores); later runs rebuild
only what changed. Set DEPLOYOTRON_INSTALL_PREFIX to test an install made beforehand instead.
"""
import os
import shutil
import subprocess
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INSTALL = os.path.join(ROOT, "scripts", "install.sh")
TIMEOUT = 60


@pytest.fixture(scope="module")
def prefix():
    given = os.environ.get("DEPLOYOTRON_INSTALL_PREFIX")
    if given:
        yield given
        return
    folder = tempfile.mkdtemp(prefix="deployotron-install-")
    run = subprocess.run([INSTALL, folder], cwd=ROOT, capture_output=True, text=True, timeout=3 * 3600)
    assert run.returncode == 0, f"install.sh failed:\n{run.stdout}\n{run.stderr[-4000:]}"
    installed = os.path.join(folder, "bin", "deployotron")
    # It says what it installed and how to uninstall.
    assert f"  {installed} (" in run.stdout
    assert f"Uninstall: scripts/install.sh --uninstall {folder}" in run.stdout
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def world(prefix):
    """A home, XDG folders and a node project; PATH has only the system's folders."""
    with tempfile.TemporaryDirectory() as home:
        project = os.path.join(home, "shop")
        os.makedirs(project)
        with open(os.path.join(project, "package.json"), "w") as f:
            f.write('{"name":"shop","dependencies":{"express":"^4.19.0"},"scripts":{"start":"node server.js"}}')
        with open(os.path.join(project, "server.js"), "w") as f:
            f.write("require('express')().listen(process.env.PORT || 3000)\n")
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": home,
            "XDG_STATE_HOME": os.path.join(home, "state"),
            "XDG_DATA_HOME": os.path.join(home, "data"),
            "XDG_CONFIG_HOME": os.path.join(home, "config"),
            "NO_COLOR": "1",
            "LANG": "C.UTF-8",
        }
        yield {"bin": os.path.join(prefix, "bin", "deployotron"), "home": home, "project": project, "env": env}


def run(world, *args, stdin=None):
    return subprocess.run([world["bin"], *args], cwd=world["project"], env=world["env"], input=stdin,
                          capture_output=True, text=True, timeout=TIMEOUT)


def test_the_environment_holds_no_swift_toolchain(world):
    for name, value in world["env"].items():
        assert "swift" not in value.lower(), f"{name}={value}"
    assert shutil.which("swift", path=world["env"]["PATH"]) is None or not os.path.realpath(
        shutil.which("swift", path=world["env"]["PATH"])).startswith("/opt/swift")


def test_the_binary_links_nothing_from_the_toolchain_and_is_stripped(world):
    ldd = subprocess.run(["ldd", world["bin"]], capture_output=True, text=True, env=world["env"])
    assert ldd.returncode == 0, ldd.stderr
    for marker in ("libswift", "libFoundation", "libdispatch", "/opt/swift", "not found"):
        assert marker not in ldd.stdout, ldd.stdout
    dynamic = subprocess.run(["readelf", "-d", world["bin"]], capture_output=True, text=True)
    assert "/opt/swift" not in dynamic.stdout  # no RUNPATH into the toolchain
    sections = subprocess.run(["readelf", "-S", world["bin"]], capture_output=True, text=True).stdout
    assert ".symtab" not in sections and ".debug_info" not in sections


def test_it_runs_with_the_toolchain_folder_hidden(world):
    """With /opt/swift covered by an empty folder in a private mount namespace, it still starts."""
    if not os.path.isdir("/opt/swift") or os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root, unshare and a toolchain at /opt/swift to hide")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("this kernel or container does not allow a private mount namespace")
    script = 'mount -t tmpfs none /opt/swift && test ! -e /opt/swift/usr && exec "$0" --version'
    hidden = subprocess.run(["unshare", "-m", "sh", "-c", script, world["bin"]], env=world["env"],
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert hidden.returncode == 0, hidden.stderr
    assert "(commit " in hidden.stdout


def test_version(world):
    result = run(world, "--version")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith("0.") and "(commit " in line and ", built 20" in line, line
    commit = line.split("(commit ", 1)[1].split(",", 1)[0]
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode == 0:
        # A commit of this checkout (HEAD when nobody committed during the build).
        kind = subprocess.run(["git", "-C", ROOT, "cat-file", "-t", commit], capture_output=True, text=True)
        assert kind.stdout.strip() == "commit", line


def test_skills_come_from_inside_the_binary(world):
    result = run(world, "skills")
    assert result.returncode == 0, result.stderr
    assert "1-click-deploy" in result.stdout
    assert ROOT not in result.stdout  # nothing read from the checkout


def test_detect(world):
    result = run(world, "detect", "--json")
    assert result.returncode == 0, result.stderr
    assert '"framework" : "express"' in result.stdout or '"framework": "express"' in result.stdout, result.stdout
    assert ROOT not in result.stdout


def test_analyze_offline(world):
    log = 'npm ERR! Missing script: "start"\nnpm ERR! To see a list of scripts, run:\nnpm ERR!   npm run\n'
    result = run(world, "analyze", "-", "--offline", "--json", stdin=log)
    assert result.returncode == 0, result.stderr
    assert "script" in result.stdout.lower()


def test_doctor_runs_offline_and_says_what_is_missing(world):
    result = run(world, "doctor", "--offline")
    assert result.returncode == 1, result.stdout  # no key: a failure this configuration needs
    assert "failure  anthropic-credentials" in result.stdout
    assert "ok       ledger" in result.stdout


def test_completions_are_installed(prefix):
    share = os.path.join(prefix, "share")
    with open(os.path.join(share, "bash-completion", "completions", "deployotron")) as f:
        text = f.read()
        assert "_deployotron()" in text and "complete " in text and " deployotron" in text
    with open(os.path.join(share, "zsh", "site-functions", "_deployotron")) as f:
        assert f.read().startswith("#compdef deployotron")
    with open(os.path.join(share, "fish", "vendor_completions.d", "deployotron.fish")) as f:
        assert "complete -c 'deployotron'" in f.read()


def test_uninstall_removes_what_it_installed(prefix):
    if os.environ.get("DEPLOYOTRON_INSTALL_PREFIX"):
        pytest.skip("an install made beforehand is left alone")
    copy = tempfile.mkdtemp(prefix="deployotron-uninstall-")
    try:
        shutil.copytree(prefix, copy, dirs_exist_ok=True)
        keep = os.path.join(copy, "bin", "other-tool")
        open(keep, "w").close()
        result = subprocess.run([INSTALL, "--uninstall", copy], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
        assert result.returncode == 0, result.stderr
        assert f"removed {copy}/bin/deployotron" in result.stdout
        for path in ("bin/deployotron", "share/bash-completion/completions/deployotron",
                     "share/zsh/site-functions/_deployotron", "share/fish/vendor_completions.d/deployotron.fish"):
            assert not os.path.exists(os.path.join(copy, path)), path
        assert os.path.exists(keep)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
