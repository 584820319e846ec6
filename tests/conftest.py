"""Shared fixtures: the project, and its site, built once per test session and served on 127.0.0.1 for the
browser tests."""

import os
import subprocess
import sys

import pytest

from course_pipeline.links import serve
from course_pipeline.pytest_plugin import project as the_project


@pytest.fixture(scope="session")
def project():
    return the_project()


@pytest.fixture(scope="session")
def built_site(project, tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    if done.returncode:
        pytest.fail(f"mkdocs build --strict failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return site


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site, served on 127.0.0.1 (search needs http)."""
    with serve(built_site) as url:
        yield url
