"""How fast the contributor's loop is, measured on this machine, in a scratch copy of the repository:

1. floor: every chapter's code run once, in one process (what execution alone costs);
2. the README's test command from a clean state, and its page-blocks part (every code block of every page in both
   languages, outputs checked), as ratios to the floor;
3. a cold build of everything (outputs, graphs, notebooks, site) and a warm build with nothing changed;
4. an edit: one printed value changed in one chapter's snippet, then the build;
5. the built site's size and its heaviest page with everything it loads (measured in Chromium).

    .venv/bin/python -m course_pipeline.benchmark [--runs 5]

Prints a table of medians; ratios make the numbers comparable across machines.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
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
EDITED_CHAPTER = "snippets/linear_regression.py"
EDIT = ('print("training:", x_train.shape', 'print("training set {}:", x_train.shape')  # a new label each run


def timed(command, cwd, check=True):
    started = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if check and done.returncode:
        sys.exit(f"failed: {' '.join(command)}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
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
    return copy


def page_weights(site: Path) -> tuple[int, str, int]:
    """(total site bytes, heaviest page, its bytes with everything it loads)"""
    from playwright.sync_api import sync_playwright

    from course_pipeline.links import serve

    heaviest = ("", 0)
    with serve(site) as address, sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for html in sorted(site.rglob("index.html")):
            path = html.parent.relative_to(site).as_posix()
            page, loaded = browser.new_page(), []
            page.on("response", loaded.append)
            page.goto(f"{address}{'' if path == '.' else path + '/'}", wait_until="networkidle")
            weight = sum(len(response.body()) for response in loaded if response.ok)
            heaviest = max(heaviest, (f"/{'' if path == '.' else path + '/'}", weight), key=lambda item: item[1])
            page.close()
        browser.close()
    total = sum(path.stat().st_size for path in site.rglob("*") if path.is_file())
    return total, heaviest[0], heaviest[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs of each quick measurement (median shown)")
    args = parser.parse_args(argv)
    python, rows = sys.executable, []
    copy = scratch_copy(Project.find().root)
    site = copy / "site"
    try:
        median = lambda command, runs=args.runs: statistics.median(timed(command, copy)[0] for _ in range(runs))
        floor = median([python, "-c", FLOOR])
        rows.append(("floor: every chapter's code once, one process", floor, None, ""))

        cold, _ = timed([python, "-m", "course_pipeline.build", "--site-dir", str(site)], copy)
        rows.append(("cold build: outputs, graphs, notebooks, site", cold, None, ""))
        warm = median([python, "-m", "course_pipeline.build", "--site-dir", str(site)])
        _, importtime = timed(
            [python, "-X", "importtime", "-m", "course_pipeline.build", "--site-dir", str(site)], copy
        )
        torch_imported = "| torch" in importtime
        rows.append(
            (
                "warm build, nothing changed",
                warm,
                None,
                f"target <= 3 s, torch {'imported' if torch_imported else 'not imported'}: "
                f"{'met' if warm <= 3 and not torch_imported else 'NOT met'}",
            )
        )

        snippet = copy / EDITED_CHAPTER
        original, chapter_runs, edits, reran = snippet.read_text(encoding="utf-8"), [], [], set()
        for run in range(args.runs):  # the chapter's own run, then a new edit and the build, in turns
            chapter_runs.append(timed([python, "-m", "course_pipeline.regenerate", EDITED_CHAPTER], copy)[0])
            snippet.write_text(original.replace(EDIT[0], EDIT[1].format(run)), encoding="utf-8")
            seconds, output = timed([python, "-m", "course_pipeline.build", "--site-dir", str(site)], copy)
            edits.append(seconds)
            reran.update(line.split()[1] for line in output.splitlines() if line.startswith("recorded "))
        snippet.write_text(original, encoding="utf-8")
        timed([python, "-m", "course_pipeline.build", "--site-dir", str(site)], copy)  # back as cloned
        chapter, edit = statistics.median(chapter_runs), statistics.median(edits)
        rows.append(
            (
                f"edit {Path(EDITED_CHAPTER).name}, then build (re-ran: "
                f"{', '.join(Path(path).name for path in sorted(reran))})",
                edit,
                None,
                f"target <= its run {chapter:.1f} s + 3 s: {'met' if edit <= chapter + 3 else 'NOT met'}",
            )
        )

        blocks, _ = timed([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "docs"], copy)
        rows.append(
            (
                "every code block of every page, both languages, outputs checked",
                blocks,
                blocks / floor,
                f"target <= 2x floor: {'met' if blocks <= 2 * floor else 'NOT met'}",
            )
        )
        shutil.rmtree(copy / ".cache")  # as in a fresh clone (whose records and notebooks the builds remade)
        whole, _ = timed([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], copy, check=False)
        rows.append(("the README's test command, clean state", whole, whole / floor, "reported"))

        total, heaviest, weight = page_weights(site)
        rows.append(
            (
                f"site size; heaviest page {heaviest} with all it loads",
                None,
                None,
                f"{total / 1e6:.1f} MB; {weight / 1e6:.2f} MB (target <= 1.5 MB: "
                f"{'met' if weight <= 1.5e6 else 'NOT met'})",
            )
        )
    finally:
        shutil.rmtree(copy, ignore_errors=True)

    print(
        f"machine: {hardware('cpu')}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"medians of {args.runs} runs for the floor, the warm build, the chapter's run and the edit\n"
    )
    print(f"| {'measurement':<72} | {'seconds':>7} | {'x floor':>7} | result")
    print(f"|{'-' * 74}|{'-' * 9}|{'-' * 9}|{'-' * 40}")
    for name, seconds, ratio, result in rows:
        print(
            f"| {name:<72} | {'' if seconds is None else f'{seconds:7.1f}'} | "
            f"{'' if ratio is None else f'{ratio:7.2f}'} | {result}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
