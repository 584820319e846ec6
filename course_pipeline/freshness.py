"""What each generated thing depends on, in one place. Everything that decides "is this still up to date?"
asks here.

| generated                      | depends on                                                                  |
|--------------------------------|-----------------------------------------------------------------------------|
| a chapter's records            | its snippet file, the chapter runner (execute.py), Python and the packages   |
| (docs/outputs/<chapter>/<dev>) | that can change what it prints (CHAPTER_PACKAGES), and the device            |
| a page's notebook              | the page, mkdocs.yml, its chapter's code and reference records, notebooks.py |
| the built site (build.py)      | every file under docs/ and snippets/, mkdocs.yml, the theme overrides, the   |
|                                | commit (pages name it), this                                                  |
|                                | package's code, the version of every installed package; and it must still    |
|                                | hold what the build wrote (built_site)                                        |
| a memo of the site build       | its step's inputs and the versions of the packages that compute it (memos.py)|
| mkdocs-jupyter's rendered      | mkdocs-jupyter's own key: the notebook's content and the plugin's settings   |
| notebooks (.cache/)            |                                                                               |

Versions are read from package metadata, never by importing the packages: a build that has nothing to do
imports no torch.
"""

import functools
import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from course_pipeline import device, records
from course_pipeline.project import Project

PACKAGE = Path(__file__).resolve().parent
CHAPTER_PACKAGES = ("torch", "numpy", "scikit-learn", "torchviz", "graphviz-pure", "matplotlib")


def digest(*parts) -> str:
    """A short hash of strings, bytes and JSON-able values."""
    hashed = hashlib.sha256()
    for part in parts:
        data = (
            part
            if isinstance(part, bytes)
            else part.encode()
            if isinstance(part, str)
            else json.dumps(part, sort_keys=True, ensure_ascii=False).encode()
        )
        hashed.update(len(data).to_bytes(8, "big") + data)
    return hashed.hexdigest()[:16]


def versions(packages=CHAPTER_PACKAGES) -> dict[str, str]:
    return {"python": platform.python_version(), **{package: installed(package) for package in packages}}


@functools.cache  # read once per process (each page's records ask): packages are not installed mid-build
def installed(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def all_versions() -> list[str]:
    """Every installed distribution with its version: what the site build can depend on."""
    return sorted(f"{dist.metadata['Name']}=={dist.version}" for dist in metadata.distributions())


# Records


def chapter_code(project: Project, chapter: str) -> str:
    """The code that makes a chapter's outputs: its snippet file and the chapter runner."""
    return digest((project.root / chapter).read_bytes(), (PACKAGE / "execute.py").read_bytes())


def record_key(project: Project, chapter: str, device_name: str) -> str:
    return digest(chapter_code(project, chapter), versions(), device_name)


def record_state(project: Project, chapter: str, device_name: str) -> str:
    """ "fresh", "missing", "other code" (the chapter or the runner changed), "edited" (a record file no longer
    matches its run.json: changed by hand) or "other versions"."""
    run = records.read_run(project, chapter, device_name)
    if run is None:
        return "missing"
    if run.get("code") != chapter_code(project, chapter):
        return "other code"
    if records.edited_by_hand(run, records.recorded_files(project.record_dir(chapter, device_name))):
        return "edited"
    return "fresh" if run.get("key") == record_key(project, chapter, device_name) else "other versions"


def stale_records(project: Project) -> list[tuple[str, str]]:
    """(chapter, device) for every record this machine should have and that is not fresh."""
    return [
        (chapter, name)
        for chapter in project.chapters()
        for name in device.devices_for(project.root / chapter)
        if record_state(project, chapter, name) != "fresh"
    ]


def shown_devices(project: Project, chapter: str) -> list[str]:
    """The devices whose records the site shows for a chapter: those made from the chapter's code as it is
    (a record from other package versions still shows what this code printed)."""
    return [name for name in device.DEVICES if record_state(project, chapter, name) in ("fresh", "other versions")]


# Notebooks


def notebook_inputs(project: Project, page: str) -> str:
    paths = [project.root / page, project.root / "mkdocs.yml", PACKAGE / "notebooks.py"]
    chapter = project.chapter_of(page)
    if chapter:
        paths += [project.root / chapter, *sorted(project.record_dir(chapter, device.REFERENCE).glob("*"))]
    return digest(
        *[
            project.relative(path) + "\0" + (path.read_text(encoding="utf-8") if path.is_file() else "missing")
            for path in paths
        ]
    )


# The site


def site_inputs(project: Project) -> str:
    """Everything the built site depends on; build.py rebuilds when it changes."""
    folders = (
        project.docs,
        project.snippets,
        PACKAGE,
        project.root / (project.config.get("theme") or {}).get("custom_dir", "overrides"),
    )
    files = [project.root / "mkdocs.yml"] + sorted(
        path
        for folder in folders
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project.root, capture_output=True, text=True).stdout
    except OSError:  # no git: no commit on the pages either
        commit = ""
    return digest(
        all_versions(), commit, *[project.relative(path).encode() + b"\0" + path.read_bytes() for path in files]
    )


def built_site(site_dir: Path, *leave_out: str) -> str:
    """A digest of a built site's files: names and contents."""
    files = sorted(path for path in site_dir.rglob("*") if path.is_file() and path.name not in leave_out)
    return digest(*[path.relative_to(site_dir).as_posix().encode() + b"\0" + path.read_bytes() for path in files])


def memo_salt(packages: tuple[str, ...]) -> list[str]:
    """What a memo of the site build depends on besides its inputs: the versions of the packages computing it."""
    return [installed(package) for package in packages]
