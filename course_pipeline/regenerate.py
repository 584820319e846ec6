"""Record chapters' outputs and graphs from real runs, each chapter in a fresh Python; then make the notebooks.

    .venv/bin/python -m course_pipeline.regenerate                          # every stale record
    .venv/bin/python -m course_pipeline.regenerate snippets/autograd.py     # these chapters, stale or not

A chapter is recorded on each device this machine has (device.py); a record is stale when what it depends on
changed (freshness.py). Fresh records are not made again.

Chapters are run by warm recorders (recorder.py: torch imported once, a fresh child per chapter). Each chapter
runs twice at once, with two hash seeds: outputs that differ between the two are not reproducible
(set or dict order, the time, id(), unseeded random numbers) and are refused. Records are put in place only when
both runs finished and agree; a chapter that crashes, hangs past the time limit or exits early records nothing.
"""

import argparse
import atexit
import difflib
import json
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from course_pipeline import device, freshness, project_checks, records
from course_pipeline.project import Project
from course_pipeline.record_chapter import PROGRESS
from course_pipeline.recorder import limit as recorder_limit

HASH_SEEDS = ("0", "1")


class Recorder:
    """A warm Python that records chapters (recorder.py), with one hash seed, for one device."""

    def __init__(self, project: Project, seed: str, device_name: str):
        self.project, self.seed, self.device = project, seed, device_name
        self.process = subprocess.Popen(
            [sys.executable, "-m", "course_pipeline.recorder"],
            cwd=project.root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            # Two chapter runs share the cores: OpenMP threads that spin while they wait would slow both tenfold
            # (the thread count, which can change the last digits of a result, stays as it is).
            env={**device.environment(device_name), "PYTHONHASHSEED": seed, "OMP_WAIT_POLICY": "PASSIVE"},
        )
        self.ready = False

    def alive(self) -> bool:
        return self.process.poll() is None

    def record(self, chapter: str, folder: Path) -> str | None:
        """Record a chapter into `folder`; None if it was recorded, else what went wrong."""
        log = folder.with_suffix(".log")
        if not self.ready:
            self.ready = bool(self.process.stdout.readline())
        request = {"chapter": chapter, "device": self.device, "folder": str(folder), "log": str(log)}
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            reply = json.loads(self.process.stdout.readline() or "{}")
        except (BrokenPipeError, json.JSONDecodeError):
            reply = {}
        err = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        messages = "\n".join(line for line in err.splitlines() if not line.startswith(PROGRESS)).strip()
        if not reply:
            return f"error: the recorder stopped while recording {chapter}{_where(err)}; nothing recorded\n{messages}"
        if reply.get("timed_out"):
            seconds = recorder_limit(self.project)
            return f"error: {chapter} was still running after {seconds:g} s{_where(err)}; stopped, nothing recorded"
        code = reply["code"]
        if code < 0:
            name = signal.Signals(-code).name
            return f"error: {chapter} crashed ({name}){_where(err)}; nothing recorded\n{messages}".rstrip()
        if code:
            return (
                _errors_only(messages) or f"error: {chapter} ended with exit code {code}{_where(err)}; nothing recorded"
            )
        if not (folder / "run.json").exists():
            return (
                f"error: {chapter} ended (exit code 0){_where(err)} before its records were written; nothing recorded"
            )
        return None

    def close(self) -> None:
        if self.alive():
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _errors_only(messages: str) -> str:
    """What the child said that is an error (its "recorded ..." line and warnings are not)."""
    lines = messages.splitlines()
    first = next((n for n, line in enumerate(lines) if line.startswith("error:")), None)
    return "\n".join(lines[first:]) if first is not None else messages


def _where(stderr: str) -> str:
    started = [line[len(PROGRESS) :] for line in stderr.splitlines() if line.startswith(PROGRESS)]
    return f" in section '{started[-1]}'" if started else ""


_recorders: dict[tuple, Recorder] = {}  # kept between builds under mkdocs serve


def recorder(project: Project, seed: str, device_name: str) -> Recorder:
    key = (str(project.root), seed, device_name)
    if key not in _recorders or not _recorders[key].alive():
        _recorders[key] = Recorder(project, seed, device_name)
    return _recorders[key]


@atexit.register
def close_recorders() -> None:
    for kept in _recorders.values():
        kept.close()
    _recorders.clear()


def record(project: Project, chapter: str, device_name: str, pool: ThreadPoolExecutor) -> tuple[bool, str]:
    """Record one chapter on one device: two runs at once (one per hash seed), compared, then put in place."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="records-") as scratch:
        folders = [Path(scratch) / seed for seed in HASH_SEEDS]
        failures = list(
            pool.map(
                lambda pair: recorder(project, pair[0], device_name).record(chapter, pair[1]), zip(HASH_SEEDS, folders)
            )
        )
        if any(failures):
            return False, next(failure for failure in failures if failure)
        first, second = (records.recorded_files(folder) for folder in folders)
        if first != second:
            differing = runs_differ(first, second, project.relative(project.record_dir(chapter, device_name)))
            return False, (
                f"error: {chapter} printed something else on a second run (with PYTHONHASHSEED={HASH_SEEDS[1]} "
                f"instead of {HASH_SEEDS[0]}), so its output is not reproducible: it depends on the order of a set "
                f"(or of a dict built from one), the time, id(), or random numbers drawn without a seed. Make it "
                f"print the same on every run; nothing recorded.\n" + "\n".join(differing)
            )
        records.install(project, chapter, device_name, folders[0])
    return True, f"recorded {chapter} on {device_name} in {time.perf_counter() - started:.1f} s"


def runs_differ(first: dict[str, str], second: dict[str, str], shown: str) -> list[str]:
    """How the record files of the two runs (one per hash seed) differ, file by file."""
    seeds = [f"PYTHONHASHSEED={seed}" for seed in HASH_SEEDS]
    return [
        f"{shown}/{name}: only the run with {seeds[name in second]} made it"
        if name not in first or name not in second
        else "".join(
            difflib.unified_diff(
                first[name].splitlines(True),
                second[name].splitlines(True),
                f"{name} ({seeds[0]})",
                f"{name} ({seeds[1]})",
                n=1,
            )
        )[:4000]
        for name in sorted(first.keys() | second.keys())
        if first.get(name) != second.get(name)
    ]


def record_all(project: Project, stale: list[tuple[str, str]], keep: bool = False) -> bool:
    """Record each (chapter, device), one after the other, each by two warm recorders at once; print what each
    did. True if all were recorded. `keep` leaves the recorders running for the next call (mkdocs serve)."""
    try:
        with ThreadPoolExecutor(max_workers=len(HASH_SEEDS)) as pool:
            results = [record(project, chapter, name, pool) for chapter, name in stale]
    finally:
        if not keep:
            close_recorders()
    for ok, message in results:
        print(message, file=sys.stdout if ok else sys.stderr)
    return all(ok for ok, _ in results)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("chapters", nargs="*", help="snippet files to record (default: every stale record)")
    args = parser.parse_args(argv)
    project = Project.find()
    problems = project_checks.problems(project)
    if problems:
        print("\n".join(f"error: {problem}" for problem in problems), file=sys.stderr)
        print("error: nothing recorded and no notebook made; fix the above first", file=sys.stderr)
        return 1
    unknown = [chapter for chapter in args.chapters if chapter not in project.chapters()]
    if unknown:
        print(
            f"error: {', '.join(unknown)}: no page shows such a chapter; name a snippets/ file that a page includes",
            file=sys.stderr,
        )
        return 1
    stale = (
        [(chapter, name) for chapter in args.chapters for name in device.devices_for(project.root / chapter)]
        if args.chapters
        else freshness.stale_records(project)
    )
    if not stale:
        print("every chapter's outputs are fresh; nothing to run")
    elif not record_all(project, stale):
        print("error: some chapters were not recorded (above); notebooks not made", file=sys.stderr)
        return 1
    for chapter in sorted({chapter for chapter, _ in stale}):  # records this machine cannot make again
        for name in set(device.DEVICES) - set(device.devices_for(project.root / chapter)):
            if freshness.record_state(project, chapter, name) in ("other code", "edited"):
                print(
                    f"note: {project.relative(project.record_dir(chapter, name))}/ no longer matches {chapter}: the "
                    f"site leaves it out until a machine with {name} records it (.ci/gpu)"
                )
    from course_pipeline import notebooks  # nbformat takes a while to import: not before the chapters start

    for written in notebooks.write_stale(project):
        print(f"wrote {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
