"""The suite splits across CI runners (`--shard K/N`, .github/workflows/ci.yml): together the shards run every
test exactly once, and a chapter's tests stay in one shard (the chapter runs once there)."""

import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from course_pipeline.pytest_plugin import project

SHARDS = 3
pytestmark = pytest.mark.xdist_group("shards")  # one worker collects once for all (functools.cache)


@functools.cache  # each collection once for all the tests here
def collected(*arguments) -> tuple[str, ...]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-n0", *arguments],
        cwd=project().root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return tuple(line for line in done.stdout.splitlines() if "::" in line or line.endswith(".md"))


def test_the_shards_run_every_test_exactly_once():
    everything = collected()
    shards = [collected("--shard", f"{number}/{SHARDS}") for number in range(1, SHARDS + 1)]
    together = [test for shard in shards for test in shard]
    assert sorted(together) == sorted(everything), "a test is lost or run twice across the shards"
    assert all(shards), "a shard with nothing to run"


def test_a_chapter_s_tests_stay_in_one_shard():
    """Every chapter's page blocks (both languages) and notebook tests are in one shard only."""
    shards = [collected("--shard", f"{number}/{SHARDS}") for number in range(1, SHARDS + 1)]
    for page in project().chapter_pages():
        stem = Path(page).stem
        holding = [number for number, shard in enumerate(shards, 1) if any(f"/{stem}.md" in test for test in shard)]
        assert len(holding) == 1, f"the tests of {page} and its twins are in shards {holding}, not in one"


@pytest.mark.parametrize("shard", ["4/3", ""])
def test_a_wrong_shard_is_refused(shard):
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-n0", "--shard", shard, "tests/test_shards.py"],
        cwd=project().root,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and f"--shard {shard}: write K/N" in done.stdout + done.stderr


@pytest.mark.parametrize("page", ["docs/zh/tensors.md", "docs/en/tensors.md"])
def test_a_page_belongs_to_its_chapter(page):
    from course_pipeline.pytest_plugin import _group_named_by

    assert _group_named_by(project(), page) == "snippets/tensors.py"
    assert _group_named_by(project(), project().page_url(page)) == "snippets/tensors.py"
    assert _group_named_by(project(), project().notebook_url(page)) == "snippets/tensors.py"


def test_a_page_without_a_chapter_goes_with_its_twins():
    from course_pipeline.pytest_plugin import _group_named_by

    assert _group_named_by(project(), "en/glossary/") == "docs/zh/glossary.md"  # with its twin
    assert _group_named_by(project(), "no/such/page/") is None


def test_a_chapter_s_code_runs_in_one_worker(tmp_path):
    """Under pytest-xdist, each chapter's page blocks (both languages) go to one worker, so that it runs once
    (pytest_plugin.py: GroupScheduling; pytest-xdist's own grouping does nothing under pytest 9.2). Here as in a
    pytest started by a test in a worker, with its environment, beside another run's groups."""
    pages = [f"docs/{language}/{page}.md" for page in ("tensors", "losses") for language in ("zh", "en")]
    (tmp_path / "groups.json").write_text("{}")  # what another run, in the folder above, might leave
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-n", "2", f"--basetemp={tmp_path / 'run'}"]
        + pages,
        cwd=project().root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTEST_XDIST_WORKER": "gw0"},
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for page in ("tensors", "losses"):
        workers = set(re.findall(rf"\[(gw\d+)\].*PASSED docs/\w+/{page}\.md", done.stdout))
        assert len(workers) == 1, f"the blocks of {page}.md ran in workers {workers}, not in one"


def test_one_chapter_s_pages_start_no_workers():
    """The inner loop (`pytest docs/zh/<page>.md docs/en/<page>.md`) runs in this process: workers would only add
    their start-up (pytest_plugin.py: pytest_xdist_auto_num_workers, asked before pytest-xdist's own answer)."""
    pages = [f"docs/{language}/losses.md" for language in ("zh", "en")]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-k", "no_such_test"] + pages,
        cwd=project().root,
        capture_output=True,
        text=True,
    )
    assert "workers" not in done.stdout, done.stdout[-2000:]
