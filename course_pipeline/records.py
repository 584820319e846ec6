"""Recorded outputs: what each section printed and drew on a real run, stored beside the pages.

    docs/outputs/<chapter>/<device>/<section>.txt    printed text, byte for byte as printed
    docs/outputs/<chapter>/<device>/<section>.svg    graph or figure (<section>.2.svg for a second one)
    docs/outputs/<chapter>/<device>/run.json         what the run was: its key, versions, hardware, and a digest
                                                     of the files above (a file edited by hand no longer matches)

A chapter's records are written whole or not at all: into a folder beside them, which then takes their place.
Whether a record is still up to date is freshness.py's to say; this module reads, writes and compares them.
"""

import difflib
import hashlib
import json
import os
import shutil
from pathlib import Path

from course_pipeline.project import Project
from course_pipeline.sections import SnippetError

REGENERATE = ".venv/bin/python -m course_pipeline.regenerate"


def read_run(project: Project, chapter: str, device: str) -> dict | None:
    info = project.record_dir(chapter, device) / "run.json"
    if not info.exists():
        return None
    try:
        return json.loads(info.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SnippetError(
            f"{project.relative(info)} is damaged ({error}); record the chapter again with: {REGENERATE} {chapter}"
        ) from None


def read_text(path: Path) -> str:
    """A recorded text as it was printed: no newline translation (a printed "\\r" stays one)."""
    with path.open(encoding="utf-8", newline="") as file:
        return file.read()


def files_of(runs) -> dict[str, str]:
    """File name -> content, for the records of a chapter's section runs."""
    files = {}
    for run in runs:
        if run.output:
            files[f"{run.section.name}.txt"] = run.output
        for number, svg in enumerate(run.images, 1):
            files[f"{run.section.name}{'' if number == 1 else f'.{number}'}.svg"] = svg
    return files


def recorded_files(folder: Path) -> dict[str, str]:
    """File name -> content of a record folder, run.json left out."""
    return {path.name: read_text(path) for path in sorted(folder.iterdir()) if path.name != "run.json"}


def digest_of(files: dict[str, str]) -> str:
    hashed = hashlib.sha256()
    for name, content in sorted(files.items()):
        hashed.update(name.encode() + b"\0" + content.encode("utf-8") + b"\0")
    return hashed.hexdigest()[:16]


def edited_by_hand(run: dict, files: dict[str, str]) -> bool:
    """Whether a record's files no longer match the digest its run.json holds."""
    return run.get("outputs") != digest_of(files)


def section_files(project: Project, chapter: str, device: str, name: str) -> tuple[str, list[Path]]:
    """The recorded printed text and image files of one section ("" and [] if it shows nothing)."""
    folder = project.record_dir(chapter, device)
    text = folder / f"{name}.txt"
    images = sorted(folder.glob(f"{name}.*svg"), key=lambda p: int(p.suffixes[0][1:]) if len(p.suffixes) > 1 else 1)
    return (read_text(text) if text.exists() else ""), images


def write_folder(folder: Path, runs, run_info: dict) -> None:
    """Write a chapter's records into an empty folder; run.json, with the digest of the others, comes last."""
    failed = next((run for run in runs if run.error), None)
    if failed:
        raise SnippetError(
            f"{failed.section.where}: section '{failed.section.name}' failed, so no outputs were recorded for "
            f"{failed.section.path}:\n{failed.error}"
        )
    files = files_of(runs)
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as file:
            file.write(content)
    info = {**run_info, "outputs": digest_of(files)}
    (folder / "run.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def install(project: Project, chapter: str, device: str, staged: Path) -> None:
    """Put a folder of records written by write_folder() in the place of a chapter's records on a device."""
    target = project.record_dir(chapter, device)
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming, old = (
        target.with_name(f".{device}.incoming-{os.getpid()}"),
        target.with_name(f".{device}.old-{os.getpid()}"),
    )
    shutil.copytree(staged, incoming)  # the staging folder may be on another file system: copy, then rename
    if target.exists():
        os.replace(target, old)
    os.replace(incoming, target)
    shutil.rmtree(old, ignore_errors=True)


def differences(project: Project, chapter: str, device: str, runs, sections=None) -> list[str]:
    """How the records of a chapter (or of some of its sections) differ from a fresh run of it."""
    folder = project.record_dir(chapter, device)
    shown = project.relative(folder)
    fix = f"if the new output is right, record it with: {REGENERATE} {chapter}"
    run = read_run(project, chapter, device)
    if run is None:
        return [f"{chapter}: no outputs recorded for {device} in {shown}/; {fix}"]
    found = recorded_files(folder)
    if edited_by_hand(run, found):
        why = (
            "was changed by hand (the records no longer match their run.json); outputs are never typed, the code shows"
        )
        fix = f"record it with: {REGENERATE} {chapter}"
        return compare(found, files_of(runs), shown, fix, sections, why)
    return compare(found, files_of(runs), shown, fix, sections)


def compare(
    found: dict[str, str], expected: dict[str, str], shown: str, fix: str, sections=None, why=None
) -> list[str]:
    """What differs between two sets of record files, one line (or diff) per file; `why` a recorded file differs
    (by default: the code now shows something else)."""
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
                f"{shown}/{name} {why or 'is stale: the code now shows something else'}:\n{diff[:4000]}\n{fix}"
            )
    return found_differences
