"""Shared fixtures: the site, built once per test session, and served on 127.0.0.1 for the browser tests."""

import functools
import http.server
import os
import subprocess
import sys
import threading

import pytest

from snippets.pipeline.sections import ROOT


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if done.returncode:
        pytest.fail(f"mkdocs build --strict failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return site


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site, served on 127.0.0.1 (search needs http)."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
