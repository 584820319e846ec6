"""Record chapters' outputs and graphs from real runs, each chapter in a fresh Python; then make the notebooks.

    .venv/bin/python -m course_pipeline.regenerate                          # every stale record
    .venv/bin/python -m course_pipeline.regenerate snippets/autograd.py     # these chapters, stale or not

A chapter is recorded on each device this machine has (device.py); a record is stale when what it depends on
changed (freshness.py). Fresh records are not made again.
"""

import argparse
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from course_pipeline import device, freshness
from course_pipeline.project import Project


def record_in_fresh_python(project: Project, chapter: str, device_name: str) -> tuple[bool, str]:
    done = subprocess.run(
        [sys.executable, "-m", "course_pipeline.record_chapter", chapter, device_name],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**device.environment(device_name), "PYTHONHASHSEED": "0"},
    )
    return done.returncode == 0, (done.stdout + done.stderr).strip()


def record_all(project: Project, stale: list[tuple[str, str]], jobs: int = 2) -> bool:
    """Record each (chapter, device), two at a time; print what each did. True if all were recorded."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda pair: record_in_fresh_python(project, *pair), stale))
    for ok, message in results:
        print(message, file=sys.stdout if ok else sys.stderr)
    return all(ok for ok, _ in results)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("chapters", nargs="*", help="snippet files to record (default: every stale record)")
    args = parser.parse_args(argv)
    project = Project.find()
    stale = (
        [(chapter, name) for chapter in args.chapters for name in device.devices_for(project.root / chapter)]
        if args.chapters
        else freshness.stale_records(project)
    )
    ok = record_all(project, stale) if stale else True
    if not stale:
        print("every chapter's outputs are fresh; nothing to run")
    from course_pipeline import notebooks  # nbformat takes a while to import: not before the chapters start

    for written in notebooks.write_stale(project):
        print(f"wrote {written}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
