"""Recorded outputs: what each section printed and drew on a real run, stored beside the pages.

    docs/outputs/<chapter>/<device>/<section>.txt    printed text
    docs/outputs/<chapter>/<device>/<section>.svg    graph or figure (<section>.2.svg for a second one)
    docs/outputs/<chapter>/<device>/run.json         what the run was: versions, hardware, and its key

<device> is "cpu" or "cuda". The key is a hash of everything that can change an output: the snippet file,
this pipeline's execution code, the Python and package versions, and the device. A record whose key differs
from the current one is stale; it is computed without importing torch, so builds stay fast.
"""

import ast
import difflib
import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path

from snippets.pipeline.sections import ROOT, SnippetError

OUTPUTS = ROOT / "docs" / "outputs"
REGENERATE = ".venv/bin/python -m snippets.pipeline.regenerate"
PACKAGES = ("torch", "numpy", "scikit-learn", "torchviz", "graphviz-pure", "matplotlib")


def uses_torch(path: str) -> bool:
    """Whether a chapter imports torch; a chapter that does not has the same output on every device."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        if any(name.split(".")[0] in ("torch", "torchviz") for name in names):
            return True
    return False


def device_of(path: str) -> str:
    """The device a chapter runs on here: cuda if it uses torch and a GPU is there (imports torch to know)."""
    if not uses_torch(path):
        return "cpu"
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def code_hash(path: str) -> str:
    """Hash of the code that makes a chapter's outputs: its snippet file and the execution code."""
    digest = hashlib.sha256()
    for source in (ROOT / path, Path(__file__).with_name("execute.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def key(path: str, device: str) -> str:
    """Hash of everything that can change a chapter's outputs on this machine."""
    return hashlib.sha256(json.dumps([code_hash(path), versions(), device]).encode()).hexdigest()[:16]


def guess_device(path: str) -> str:
    """The device a chapter will record on here, guessed without importing torch (the run decides)."""
    has_gpu = any(Path("/dev").glob("nvidia[0-9]*"))
    return "cuda" if has_gpu and uses_torch(path) else "cpu"


def record_dir(path: str, device: str) -> Path:
    return OUTPUTS / Path(path).stem / device


def read_run(path: str, device: str) -> dict | None:
    info = record_dir(path, device) / "run.json"
    return json.loads(info.read_text(encoding="utf-8")) if info.exists() else None


def is_stale(path: str, device: str) -> bool:
    run = read_run(path, device)
    return run is None or run["key"] != key(path, device)


def code_changed(path: str, device: str) -> bool:
    """Whether a record exists but was made from other code (versions are not compared: no torch needed)."""
    run = read_run(path, device)
    return run is not None and run["code"] != code_hash(path)


def expected_files(runs) -> dict[str, str]:
    """File name -> content, for the records of a chapter's section runs."""
    files = {}
    for run in runs:
        if run.output:
            files[f"{run.section.name}.txt"] = run.output
        for number, svg in enumerate(run.images, 1):
            files[f"{run.section.name}{'' if number == 1 else f'.{number}'}.svg"] = svg
    return files


def section_files(path: str, device: str, name: str) -> tuple[str, list[Path]]:
    """The recorded printed text and image files of one section ("" and [] if it shows nothing)."""
    folder = record_dir(path, device)
    text = folder / f"{name}.txt"
    images = sorted(folder.glob(f"{name}.*svg"), key=lambda p: int(p.suffixes[0][1:]) if len(p.suffixes) > 1 else 1)
    return (text.read_text(encoding="utf-8") if text.exists() else ""), images


def write(path: str, device: str, runs, hardware: str) -> None:
    failed = next((run for run in runs if run.error), None)
    if failed:
        raise SnippetError(f"{failed.section.where}: section '{failed.section.name}' raised, so no outputs "
                           f"were recorded for {path}:\n{failed.error}")
    folder = record_dir(path, device)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, content in expected_files(runs).items():
        (folder / name).write_text(content, encoding="utf-8")
    info = {"key": key(path, device), "code": code_hash(path), "device": device, "hardware": hardware, **versions()}
    (folder / "run.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def problems(path: str, device: str, runs, sections=None) -> list[str]:
    """How the records of a chapter (or of some of its sections) differ from a fresh run of it."""
    folder = record_dir(path, device)
    shown = folder.relative_to(ROOT)
    fix = f"if the new output is right, record it with: {REGENERATE} {path}"
    run = read_run(path, device)
    if run is None:
        return [f"{path}: no outputs recorded for {device} in {shown}/; {fix}"]
    found = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.name != "run.json"}
    expected = expected_files(runs)
    issues = []
    for name in sorted(set(found) | set(expected)):
        if sections is not None and name.split(".")[0] not in sections:
            continue
        old, new = found.get(name), expected.get(name)
        if old == new:
            continue
        if new is None:
            issues.append(f"{shown}/{name}: recorded, but the code no longer shows it; {fix}")
        elif old is None:
            issues.append(f"{shown}/{name}: the code shows it now, but it was never recorded; {fix}")
        else:
            diff = "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                                f"{shown}/{name} (recorded)", f"{name} (this run)", n=1))
            issues.append(f"{shown}/{name} is stale: the code now shows something else:\n{diff[:4000]}\n{fix}")
    if sections is None and not issues and run["key"] != key(path, device):
        now = versions()
        changed = [f"{name} {run.get(name)} -> {now[name]}" for name in now if run.get(name) != now[name]]
        issues.append(f"{shown}/run.json: recorded for other code or versions ({', '.join(changed) or path + ' changed'}); "
                      f"outputs are unchanged, but the stamp must say what they were verified with; {fix}")
    return issues
