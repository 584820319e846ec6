"""The pytest plugin (loaded by pytest.ini: `-p course_pipeline.pytest_plugin`) that wires pytest-markdown-docs to
the pipeline.

pytest-markdown-docs collects every python fence of every page under docs/ (all languages). Here:
- its parser also sees fences nested in tabs and admonitions (exercise solutions are folded in `???` blocks);
- its runner runs each fence's included sections as part of their whole chapter, in a fresh namespace, once per
  test session: the pages of a chapter in every language include the same sections (tests/test_pages.py proves
  it), so the second language reuses the run instead of paying for it again;
- each fence then fails if its code raised (naming the page line and the snippet line) or if what it printed
  or drew differs from the recorded output shown on the page (with a diff and the command that re-records).
"""

import collections
import functools
import json
import os
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from course_pipeline import device, records
from course_pipeline.execute import run_chapter
from course_pipeline.markdown import unindent_fences
from course_pipeline.patches.pytest_markdown_docs import runner_api
from course_pipeline.project import Project
from course_pipeline.sections import INCLUDE, SnippetError, did_you_mean, read_sections

Runner, register_runner = runner_api()

# Under pytest-xdist several chapters run at once: OpenMP threads that spin while they wait would slow them all
# several times over (set before torch is imported, here and in the workers, which inherit it; the thread count,
# which can change the last digits of a result, stays as it is).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@functools.cache
def project() -> Project:
    return Project.find()


@functools.cache
def chapter_run(chapter: str) -> dict:
    """A chapter's runs by section name, run once per test session: every fence of every language reads them."""
    return {run.section.name: run for run in run_chapter(project(), chapter)}


def chapter_device(chapter: str) -> str:
    return device.current(project().root / chapter)


def _unindent(state):
    state.src = unindent_fences(state.src)


@pytest.hookimpl(tryfirst=True)  # before pytest-markdown-docs' own parser
def pytest_markdown_docs_markdown_it():
    parser = MarkdownIt("commonmark")
    parser.core.ruler.before("block", "unindent_nested_fences", _unindent)
    return parser


class FenceFailure(Exception):
    """A fence whose code raised or whose output is stale; the message says where and how to fix it."""


@register_runner(default=True)
class ChapterRunner(Runner):
    def runtest(self, test, args):
        page = str(Path(test.source_path).resolve().relative_to(project().root))
        for number, line in enumerate(test.source.split("\n"), 1):
            if not line.strip():
                continue
            include = INCLUDE.match(line)
            where = f"{page}:{number}"
            if not include:
                raise FenceFailure(
                    f"{where}: python code written on the page; move it into a section of a "
                    f'snippets/ file and include it with --8<-- "snippets/FILE.py:SECTION"'
                )
            self.check_section(where, include["path"], include["name"])

    def check_section(self, where, chapter, name):
        try:
            names = [section.name for section in read_sections(project().root, chapter)]
            runs = chapter_run(chapter)
        except (SnippetError, FileNotFoundError) as error:
            raise FenceFailure(f"{where}: {error}") from None
        if name not in names:
            raise FenceFailure(
                f"{where}: {chapter} has no section '{name}'{did_you_mean(name, names)}; fix the include or add the "
                f"section"
            )
        if name not in runs:
            failed = list(runs.values())[-1]
            raise FenceFailure(
                f"{where}: {chapter}:{name} did not run, because section '{failed.section.name}' "
                f"({failed.section.where}) failed before it"
            )
        run = runs[name]
        if run.error:
            raise FenceFailure(
                f"{where}: the code of {chapter}:{name} (section starts at {run.section.where}) failed:\n{run.error}"
            )
        stale = records.differences(project(), chapter, chapter_device(chapter), list(runs.values()), sections={name})
        if stale:
            raise FenceFailure(
                f"{where}: the output shown under {chapter}:{name} is not what the code "
                f"produces now.\n" + "\n".join(stale)
            )

    def repr_failure(self, test, excinfo, style=None):
        if excinfo.errisinstance(FenceFailure):
            return str(excinfo.value)
        return f"{excinfo.exconly()}\n{excinfo.getrepr(style='short')}"


# Sharding and grouping: a chapter's tests (its page blocks in every language, its records, its notebook, its
# pages in the browser) stay together in one shard; under pytest-xdist (GroupScheduling) its code's tests go to
# one worker (the chapter runs once) and its pages' tests to one worker (each page is loaded once). Other tests
# are spread one by one.


def pytest_addoption(parser):
    parser.addoption(
        "--shard",
        default=None,
        metavar="K/N",
        help="run the K-th of N shards of the suite (a chapter's tests stay together); K from 1 to N",
    )


def group_of(item) -> str:
    """The chapter an item tests (snippets/<chapter>.py); else the page it tests, as its default language's twin
    (a page's checks in the browser share one visit, tests/browser_visits.py); else the group its module names
    (`pytest.mark.xdist_group`); else its own node id."""
    here = project()
    candidates = (
        [str(Path(item.path).resolve().relative_to(here.root))] if Path(item.path).is_relative_to(here.root) else []
    )
    callspec = getattr(item, "callspec", None)
    candidates += [value for value in (callspec.params.values() if callspec else ()) if isinstance(value, str)]
    for value in candidates:
        group = _group_named_by(here, value)
        if group:
            return group
    named = item.get_closest_marker("xdist_group")
    return named.args[0] if named else item.nodeid


def _group_named_by(here: Project, value: str) -> str | None:
    if value.startswith("snippets/") and value.endswith(".py"):
        return value
    page = value if value.endswith(".md") and value.startswith("docs/") else here.page_of_url(value)
    if page and page.endswith(".ipynb"):  # a notebook page: its chapter page's chapter
        page = str(Path(page).parent.parent / f"{Path(page).stem}.md")
    if page and page.endswith(".md") and (here.root / page).exists():
        chapter = None if here.page_error(page) else here.chapter_of(page)
        return chapter or here.twin(page, here.default_language)  # a page without a chapter goes with its twins
    return None


@pytest.hookimpl(optionalhook=True, tryfirst=True)  # pytest-xdist's hook, asked before its own answer
def pytest_xdist_auto_num_workers(config):
    """`-n auto` (pytest.ini) is one worker per core, but no worker at all when the run concerns one chapter (the
    inner loop, `pytest docs/zh/<page>.md docs/en/<page>.md`, or a project of one chapter): its tests run in one
    process anyway, and workers would only add their start-up."""
    here, chapters = project(), set()
    for argument in config.args:
        path = Path(argument.split("::")[0]).resolve()
        if path.suffix != ".md" or not path.is_relative_to(here.root) or not path.is_file():
            chapters.update(here.chapters())  # a folder or a test module: the whole course, say
            continue
        page = here.relative(path)
        chapters.add(None if here.page_error(page) else here.chapter_of(page))
    return 0 if len(chapters) <= 1 else None


def assign_shards(groups: list[str], shards: int) -> dict[str, int]:
    """Shard (1..N) of each group: the largest groups first, each to the shard with the fewest tests so far. The
    same on every runner, since every runner collects the same tests."""
    sizes = collections.Counter(groups)
    load, assigned = [0] * shards, {}
    for group in sorted(sizes, key=lambda name: (-sizes[name], name)):
        shard = load.index(min(load))
        assigned[group], load[shard] = shard + 1, load[shard] + sizes[group]
    return assigned


def run_folder(config) -> Path:
    """A folder for the whole run, seen by every process of it: pytest's temporary folder, the one all pytest-xdist
    workers' own folders are in."""
    base = config._tmp_path_factory.getbasetemp()
    return base.parent if is_worker(config) else base


def is_worker(config) -> bool:
    """A pytest-xdist worker: told by its config, not by PYTEST_XDIST_WORKER, which a pytest started by a test
    inherits from the worker running that test."""
    return hasattr(config, "workerinput")


def groups_file(config) -> Path:
    """Where the workers leave each test's group for the scheduler."""
    return run_folder(config) / "groups.json"


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's scheduler by scope, with our groups as scopes: a group's tests go to one worker, whole.
    (`--dist loadgroup` would do it with `xdist_group` marks, but pytest-xdist 3.8 marks them by renaming node ids,
    which pytest 9.2 no longer reads.)"""
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        groups: dict[str, str] | None = None

        def __init__(self, config, log=None):
            super().__init__(config, log)
            config.option.loadscopereorder = False  # in the order of the collection (see below)

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:  # the workers wrote it when they collected, before reporting their collection
                self.groups = json.loads(groups_file(config).read_text(encoding="utf-8"))
            return self.groups.get(nodeid, nodeid)

    return GroupScheduling(config, log)


def needs_site(item) -> bool:
    return "built_site" in getattr(item, "fixturenames", ())


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    groups = {item.nodeid: group_of(item) for item in items}
    # A group's tests that need the built site are scheduled as a unit of their own, after every test that needs
    # none: those run while the site is built (tests/conftest.py), largest units first.
    units = {item.nodeid: groups[item.nodeid] + (" (site)" if needs_site(item) else "") for item in items}
    sizes = collections.Counter(units.values())
    items.sort(key=lambda item: (needs_site(item), -sizes[units[item.nodeid]], units[item.nodeid]))
    if is_worker(config):
        path = groups_file(config)
        staged = path.with_name(f"groups.{os.getpid()}.json")
        staged.write_text(json.dumps(units), encoding="utf-8")
        staged.replace(path)  # every worker collects the same tests: the last one's file is as good as the first's
    shard = config.getoption("--shard")
    if shard is None:  # an empty --shard '' is a mistake, not the whole suite
        return
    try:
        number, total = (int(part) for part in shard.split("/"))
        assert 1 <= number <= total
    except (ValueError, AssertionError):
        raise pytest.UsageError(f"--shard {shard}: write K/N, with 1 <= K <= N (e.g. --shard 2/3)") from None
    shard_of = assign_shards(list(groups.values()), total)
    kept = [item for item in items if shard_of[groups[item.nodeid]] == number]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept
