"""Recorded outputs: what each section printed and drew on a real run, stored beside the pages.

    docs/outputs/<chapter>/<device>/<section>.txt    printed text
    docs/outputs/<chapter>/<device>/<section>.svg    graph or figure (<section>.2.svg for a second one)
    docs/outputs/<chapter>/<device>/run.json         what the run was: its key, versions, hardware

Whether a record is still up to date is freshness.py's to say; this module reads, writes and compares them.
"""

import difflib
import json
from pathlib import Path

from course_pipeline.project import Project
from course_pipeline.sections import SnippetError

REGENERATE = ".venv/bin/python -m course_pipeline.regenerate"


def read_run(project: Project, chapter: str, device: str) -> dict | None:
    info = project.record_dir(chapter, device) / "run.json"
    return json.loads(info.read_text(encoding="utf-8")) if info.exists() else None


def files_of(runs) -> dict[str, str]:
    """File name -> content, for the records of a chapter's section runs."""
    files = {}
    for run in runs:
        if run.output:
            files[f"{run.section.name}.txt"] = run.output
        for number, svg in enumerate(run.images, 1):
            files[f"{run.section.name}{'' if number == 1 else f'.{number}'}.svg"] = svg
    return files


def section_files(project: Project, chapter: str, device: str, name: str) -> tuple[str, list[Path]]:
    """The recorded printed text and image files of one section ("" and [] if it shows nothing)."""
    folder = project.record_dir(chapter, device)
    text = folder / f"{name}.txt"
    images = sorted(folder.glob(f"{name}.*svg"), key=lambda p: int(p.suffixes[0][1:]) if len(p.suffixes) > 1 else 1)
    return (text.read_text(encoding="utf-8") if text.exists() else ""), images


def write(project: Project, chapter: str, device: str, runs, run_info: dict) -> None:
    """Replace a chapter's records on a device with these runs; `run_info` goes to run.json."""
    failed = next((run for run in runs if run.error), None)
    if failed:
        raise SnippetError(
            f"{failed.section.where}: section '{failed.section.name}' raised, so no outputs "
            f"were recorded for {chapter}:\n{failed.error}"
        )
    folder = project.record_dir(chapter, device)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, content in files_of(runs).items():
        (folder / name).write_text(content, encoding="utf-8")
    (folder / "run.json").write_text(json.dumps(run_info, indent=2) + "\n", encoding="utf-8")


def differences(project: Project, chapter: str, device: str, runs, sections=None) -> list[str]:
    """How the records of a chapter (or of some of its sections) differ from a fresh run of it."""
    folder = project.record_dir(chapter, device)
    shown = project.relative(folder)
    fix = f"if the new output is right, record it with: {REGENERATE} {chapter}"
    if read_run(project, chapter, device) is None:
        return [f"{chapter}: no outputs recorded for {device} in {shown}/; {fix}"]
    found = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.name != "run.json"}
    expected = files_of(runs)
    found_differences = []
    for name in sorted(set(found) | set(expected)):
        if sections is not None and name.split(".")[0] not in sections:
            continue
        old, new = found.get(name), expected.get(name)
        if old == new:
            continue
        if new is None:
            found_differences.append(f"{shown}/{name}: recorded, but the code no longer shows it; {fix}")
        elif old is None:
            found_differences.append(f"{shown}/{name}: the code shows it now, but it was never recorded; {fix}")
        else:
            diff = "".join(
                difflib.unified_diff(
                    old.splitlines(True), new.splitlines(True), f"{shown}/{name} (recorded)", f"{name} (this run)", n=1
                )
            )
            found_differences.append(
                f"{shown}/{name} is stale: the code now shows something else:\n{diff[:4000]}\n{fix}"
            )
    return found_differences
