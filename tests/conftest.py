"""Shared fixtures: the project, and its site, built once per test session and served on 127.0.0.1 for the
browser tests, and the browser (Debian's Chromium, installed by .ci/setup)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course_pipeline.links import serve
from course_pipeline.pytest_plugin import project as the_project

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def project():
    return the_project()


@pytest.fixture(scope="session")
def built_site(project, tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    # The site, then its offline copy, zipped into it (course_pipeline/offline.py), as .ci/run builds them.
    for step in (["mkdocs", "build", "--strict", "--site-dir"], ["course_pipeline.offline"]):
        done = subprocess.run(
            [sys.executable, "-m", *step, str(site)],
            cwd=project.root,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        if done.returncode:
            pytest.fail(f"{' '.join(step[:3])} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return site


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site, served on 127.0.0.1 (search needs http)."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium, one for the whole session (Playwright drives one at a time)."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install it with `bash .ci/setup` (Debian's chromium package)")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()
