"""How fast the contributor's loop is, measured on this machine, in a scratch copy of the repository, against the
targets the project has set (ratios to the floor compare across machines):

- floor: every chapter's code run once, in one process (what execution alone costs);
- the README's test command from a clean state: at most 5x the floor; with its time by group (page blocks,
  notebooks, browser, pipeline and unit tests, the site build);
- one chapter's inner loop (`pytest docs/zh/<page>.md docs/en/<page>.md`): at most its own run + 2 s;
- an edit under `mkdocs serve` until the page shows it: at most the chapter's own run + 1 s;
- a cold build (no records, notebooks or memos): at most 2x the floor; a warm build: under 1 s, no torch import;
- the heaviest page with everything it loads: at most 1 MB.

    .venv/bin/python -m course_pipeline.benchmark [--runs 3]
"""

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

from course_pipeline.project import Project
from course_pipeline.record_chapter import hardware

FLOOR = (
    "import torch\n"
    "from course_pipeline.execute import run_chapter\n"
    "from course_pipeline.project import Project\n"
    "project = Project.find()\n"
    "for chapter in project.chapters(): run_chapter(project, chapter)\n"
)
ONE_CHAPTER = (
    "import sys, torch\n"
    "from course_pipeline.execute import run_chapter\n"
    "from course_pipeline.project import Project\n"
    "run_chapter(Project.find(), sys.argv[1])\n"
)
EDITED_CHAPTER, EDITED_PAGE = "snippets/linear_regression.py", "linear-regression"
EDIT = ('print("training:", x_train.shape', 'print("training set {}:", x_train.shape')  # a new label each run
GROUPS = {  # test files by group, for the breakdown of the test command
    "notebooks (fresh kernels)": ("tests/test_notebooks.py",),
    "browser": (
        "tests/test_browser.py",
        "tests/test_accessibility.py",
        "tests/test_code_blocks.py",
        "tests/test_furniture.py",
        "tests/test_notebook_pages.py",
        "tests/test_search.py",
        "tests/test_offline.py",
    ),
    "pipeline (fixture projects)": ("tests/test_pipeline.py", "tests/test_shards.py"),
}


def timed(command, cwd, check=True, **environment):
    started = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1", **environment},
    )
    if check and done.returncode:
        sys.exit(f"failed: {' '.join(map(str, command))}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return time.perf_counter() - started, done.stdout + done.stderr


def scratch_copy(root: Path) -> Path:
    """The repository's tracked files, without recorded outputs, notebooks or caches: a clean state."""
    copy = Path(tempfile.mkdtemp(prefix="benchmark-"))
    files = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if name.startswith("docs/outputs/") or "/notebooks/" in name:
            continue  # made by the cold build
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, copy / name)
    subprocess.run(["git", "init", "-q"], cwd=copy, check=True)  # the pages name a commit when there is one
    return copy


def test_groups(junit: Path, site_seconds: float) -> dict[str, float]:
    """Seconds of test time per group, from pytest's JUnit XML (the site build is counted on its own)."""
    totals = dict.fromkeys(["page blocks (every language)", *GROUPS, "other unit tests", "site build (once)"], 0.0)
    # (a test's time includes its set-up: a browser test that starts before the site is built waits there)
    for case in ET.parse(junit).iter("testcase"):
        name = case.get("file") or case.get("classname", "").replace(".", "/") + ".py"
        group = (
            "page blocks (every language)"
            if name.startswith("docs/")
            else next((group for group, files in GROUPS.items() if name in files), "other unit tests")
        )
        totals[group] += float(case.get("time", 0))
    totals["site build (once)"] = site_seconds  # in the background, while the tests that need no site run
    return totals


def page_weights(site: Path) -> tuple[int, str, int]:
    """(total site bytes, heaviest page, its bytes with everything it loads)"""
    from playwright.sync_api import sync_playwright

    from course_pipeline.links import launch_chromium, serve

    heaviest = ("", 0)
    with serve(site) as address, sync_playwright() as driver:
        browser = launch_chromium(driver)
        for html in sorted(site.rglob("index.html")):
            path = html.parent.relative_to(site).as_posix()
            url = "" if path == "." else path + "/"
            page, loaded = browser.new_page(), []
            page.on("response", lambda response, loaded=loaded: loaded.append(response))
            page.goto(address + url, wait_until="networkidle")
            weight = sum(len(response.body()) for response in loaded if response.ok)
            heaviest = max(heaviest, (f"/{url}", weight), key=lambda item: item[1])
            page.close()
        browser.close()
    total = sum(path.stat().st_size for path in site.rglob("*") if path.is_file())
    return total, heaviest[0], heaviest[1]


def serve_edit(copy: Path, runs: int) -> list[float]:
    """Seconds from saving an edited snippet to `mkdocs serve` serving the page with the new output."""
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{free.getsockname()[1]}"
    url = f"http://{address}/{Project(copy).site_url.split('/', 3)[3]}en/{EDITED_PAGE}/"
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", address],
        cwd=copy,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    snippet, seconds = copy / EDITED_CHAPTER, []
    original = snippet.read_text(encoding="utf-8")

    def page_shows(text, limit=300):
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            try:
                if text in urllib.request.urlopen(url, timeout=5).read().decode():
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    try:
        if not page_shows("training:"):
            sys.exit("mkdocs serve did not serve the page")
        for run in range(runs):
            label = f"served edit {run}"
            started = time.perf_counter()
            snippet.write_text(original.replace(EDIT[0], f'print("{label}:", x_train.shape'), encoding="utf-8")
            if not page_shows(f"{label}:"):
                sys.exit("mkdocs serve never showed the edit")
            seconds.append(time.perf_counter() - started)
            time.sleep(2)  # let the server settle
    finally:
        server.terminate()
        server.wait(timeout=30)
        snippet.write_text(original, encoding="utf-8")
    return seconds


def report(row: tuple) -> None:
    """Print a row of the table as soon as it is measured: (what, seconds, ratio to the floor, result)."""
    name, seconds, ratio, result = row
    print(
        f"| {name:<72} | {'' if seconds is None else f'{seconds:7.1f}'} | "
        f"{'' if ratio is None else f'{ratio:7.2f}'} | {result}",
        flush=True,
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs of each quick measurement (median shown)")
    args = parser.parse_args(argv)
    python = sys.executable
    print(
        f"machine: {hardware('cpu')}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"medians of {args.runs} runs for the floor, the warm build, the chapter's run and the inner loops\n"
    )
    print(f"| {'measurement':<72} | {'seconds':>7} | {'x floor':>7} | result")
    print(f"|{'-' * 74}|{'-' * 9}|{'-' * 9}|{'-' * 40}")

    copy = scratch_copy(Project.find().root)
    # pytest's folder, outside the project: a chapter's run fails if files appear in the project meanwhile
    basetemp = Path(tempfile.mkdtemp(prefix="benchmark-pytest-"))
    site = copy / "site"
    build = [python, "-m", "course_pipeline.build", "--site-dir", str(site)]

    def median(command, runs=args.runs, **environment):
        return statistics.median(timed(command, copy, **environment)[0] for _ in range(runs))

    # The floor and a chapter's own run with OpenMP threads waiting passively, as every run of the pipeline and the
    # tests does (pytest_plugin.py, regenerate.py): the same conditions as what they are compared with.
    passive = {"OMP_WAIT_POLICY": "PASSIVE"}

    try:
        floor = median([python, "-c", FLOOR], **passive)
        report(("floor: every chapter's code once, one process", floor, None, ""))

        cold, _ = timed(build, copy)
        report(
            (
                "cold build: outputs, graphs, notebooks, site",
                cold,
                cold / floor,
                f"target <= 2x floor: {verdict(cold <= 2 * floor)}",
            )
        )
        warm = median(build)
        torch_imported = "| torch" in timed([python, "-X", "importtime", *build[1:]], copy)[1]
        report(
            (
                "warm build, nothing changed",
                warm,
                None,
                f"target < 1 s, torch {'imported' if torch_imported else 'not imported'}: "
                f"{verdict(warm < 1 and not torch_imported)}",
            )
        )

        chapter = median([python, "-c", ONE_CHAPTER, EDITED_CHAPTER], **passive)
        report((f"{Path(EDITED_CHAPTER).name}'s own run, fresh Python", chapter, None, ""))
        inner = median(
            [
                python,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                f"docs/zh/{EDITED_PAGE}.md",
                f"docs/en/{EDITED_PAGE}.md",
            ]
        )
        report(
            (
                f"inner loop: pytest docs/zh|en/{EDITED_PAGE}.md",
                inner,
                None,
                f"target <= its run + 2 s ({chapter + 2:.1f} s): {verdict(inner <= chapter + 2)}",
            )
        )
        served = statistics.median(serve_edit(copy, args.runs))
        report(
            (
                f"edit {Path(EDITED_CHAPTER).name} under mkdocs serve -> page shows it",
                served,
                None,
                f"target <= its run + 1 s ({chapter + 1:.1f} s): {verdict(served <= chapter + 1)}",
            )
        )
        timed(build, copy)  # back as cloned

        shutil.rmtree(copy / ".cache")  # as in a fresh clone (whose records and notebooks the builds remade)
        junit = copy / "junit.xml"
        whole, said = timed(
            [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--basetemp={basetemp}", f"--junitxml={junit}"],
            copy,
            check=False,
        )
        summary = said.strip().splitlines()[-1] if said.strip() else "no output"
        if " failed" in summary or " error" in summary:  # a target is not met by a run that fails: say why
            log = Path(tempfile.mkstemp(prefix="benchmark-tests-", suffix=".log")[1])
            log.write_text(said, encoding="utf-8")
            failed = [line[:300] for line in said.splitlines() if line.startswith(("FAILED ", "ERROR "))]
            print("\n".join(f"  {line}" for line in failed) + f"\n  (the tests' whole output: {log})", file=sys.stderr)
        report(
            (
                "the README's test command, clean state",
                whole,
                whole / floor,
                f"target <= 5x floor: {verdict(whole <= 5 * floor and ' failed' not in summary)} ({summary})",
            )
        )
        status = basetemp / "site.status"  # the exit code and seconds of the tests' site build (tests/conftest.py)
        seconds = float(status.read_text().split()[1]) if status.exists() else 0.0
        for group, total in test_groups(junit, seconds).items():
            report((f"  of which (test time, all workers): {group}", total, total / floor, ""))

        total, heaviest, weight = page_weights(site)
        report(
            (
                f"site size; heaviest page {heaviest} with all it loads",
                None,
                None,
                f"{total / 1e6:.1f} MB; {weight / 1e6:.2f} MB (target <= 1 MB: {verdict(weight <= 1e6)})",
            )
        )
    finally:
        shutil.rmtree(copy, ignore_errors=True)
        shutil.rmtree(basetemp, ignore_errors=True)

    return 0


if __name__ == "__main__":
    sys.exit(main())
