"""Browser tests, following Streamlit's own e2e_playwright/conftest.py: start `streamlit run`
headless on a free port with usage statistics off, poll /_stcore/health, log to a file printed at
teardown, and wait for the script to finish running before each assertion.

Drives Debian's Chromium (/usr/bin/chromium) through Playwright's sync API; skipped with a reason
when Chromium or Playwright is missing."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboard"))

from abri_fixture import build_home  # noqa: E402

CHROMIUM = os.environ.get("ABRI_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
SCREENS = Path(os.environ.get("ABRI_SCREENS", "/tmp/abri_screens"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def e2e_home(tmp_path_factory) -> Path:
    return build_home(tmp_path_factory.mktemp("abri_e2e") / "home", with_audit=True).home


@pytest.fixture(scope="session")
def app_url(e2e_home, tmp_path_factory):
    from dashboard.cli import streamlit_args

    port = _free_port()
    log_path = tmp_path_factory.mktemp("streamlit_log") / "streamlit.log"
    env = {**os.environ, "ABRI_HOME": str(e2e_home), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    with log_path.open("w") as log:
        proc = subprocess.Popen([*streamlit_args(port), "--server.address", "127.0.0.1",
                                 "--server.fileWatcherType", "none"],
                                env=env, stdout=log, stderr=subprocess.STDOUT, cwd=e2e_home)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        print(f"\n--- streamlit log ({log_path}) ---\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium introuvable à {CHROMIUM} (apt-get install -y chromium) : tests navigateur ignorés")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright n'est pas installé (pip install playwright)")
    pw = sync_api.sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
    yield b
    b.close()
    pw.stop()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    p = context.new_page()
    p.set_default_timeout(15_000)
    yield p
    context.close()


@pytest.fixture(scope="session")
def screens() -> Path:
    shutil.rmtree(SCREENS, ignore_errors=True)
    SCREENS.mkdir(parents=True, exist_ok=True)
    return SCREENS
