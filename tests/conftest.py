"""Shared fixtures: the project, and its site, built once per test session and served on 127.0.0.1 for the
browser tests, and the browser (Debian's Chromium, installed by .ci/setup)."""

import contextlib
import fcntl
import os
import shlex
import signal
import subprocess
import sys
import time

import pytest

from course_pipeline.links import launch_chromium, serve
from course_pipeline.pytest_plugin import is_worker, needs_site, run_folder
from course_pipeline.pytest_plugin import project as the_project


@pytest.fixture(scope="session")
def project():
    return the_project()


SITE_STEPS = (["mkdocs", "build", "--strict", "--site-dir"], ["course_pipeline.offline"])
SITE_BUILD_LIMIT = 1200  # seconds


def start_site_build(config) -> None:
    """Start building the site, then its offline copy zipped into it (course_pipeline/offline.py), as .ci/run
    builds them, in the background, once for the whole run (the first process to ask starts it): the tests that
    need no site run meanwhile."""
    shared = run_folder(config)
    with (shared / "site.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (shared / "site.started").exists():
            return
        (shared / "site.started").touch()
    site, log, status = (shlex.quote(str(shared / name)) for name in ("site", "site.log", "site.status"))
    steps = " && ".join(f"{shlex.quote(sys.executable)} -m {' '.join(step)} {site}" for step in SITE_STEPS)
    build = subprocess.Popen(
        # the exit code and the seconds it took, written whole
        ["bash", "-c", f"({steps}) > {log} 2>&1; echo $? $SECONDS > {status}.tmp && mv {status}.tmp {status}"],
        cwd=the_project().root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        start_new_session=True,
    )
    (shared / "site.pid").write_text(str(build.pid))


@pytest.hookimpl(trylast=True)  # after --shard has chosen this shard's tests
def pytest_collection_modifyitems(config, items):
    if not config.option.collectonly and any(needs_site(item) for item in items):
        start_site_build(config)


def pytest_unconfigure(config):
    """The whole run is over (this is not a pytest-xdist worker): stop a build that is still going."""
    shared = run_folder(config)
    if is_worker(config) or not (shared / "site.pid").exists():
        return
    if not (shared / "site.status").exists():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(int((shared / "site.pid").read_text()), signal.SIGKILL)


@pytest.fixture(scope="session")
def built_site(pytestconfig):
    """The built site (see start_site_build), once it is there."""
    start_site_build(pytestconfig)
    shared = run_folder(pytestconfig)
    deadline = time.monotonic() + SITE_BUILD_LIMIT
    while not (shared / "site.status").exists():
        if time.monotonic() > deadline:
            pytest.fail(f"the site was not built after {SITE_BUILD_LIMIT} s; see {shared / 'site.log'}")
        time.sleep(0.2)
    if (shared / "site.status").read_text().split()[0] != "0":
        pytest.fail(f"building the site failed:\n{(shared / 'site.log').read_text()[-6000:]}")
    return shared / "site"


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site, served on 127.0.0.1 (search needs http)."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (course_pipeline/links.py), one for the whole session (Playwright drives one at a time)."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        try:
            launched = launch_chromium(driver)
        except FileNotFoundError as error:
            pytest.fail(str(error))
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def visits(browser, site_url, project):
    """Each page visited once per screen for all its checks (tests/browser_visits.py)."""
    from tests.browser_visits import Visits

    seen = Visits(browser, site_url, {project.page_url(page) for page in project.pages()})
    yield seen
    seen.close()


@pytest.fixture(scope="session")
def desktop_tab(browser):
    """A desktop tab (tests/browser_visits.py: watched), one per process."""
    from tests.browser_visits import watched

    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"]
    )
    yield watched(context.new_page())
    context.close()


@pytest.fixture
def tab(desktop_tab):
    """The desktop tab, blank, with nothing noted yet."""
    desktop_tab.goto("about:blank")
    desktop_tab.problems.clear()
    desktop_tab.requests.clear()
    return desktop_tab
