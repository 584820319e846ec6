"""A warm Python that records chapters: it imports what the chapters import (of PRELOAD: torch above all, which
alone takes a second or two) once, then forks a child per chapter, which runs the chapter as a fresh Python would
and exits. regenerate.py talks to it over its standard input and output, one JSON line per chapter; `mkdocs
serve` keeps one alive between saves.

    request:  {"chapter": "snippets/tensors.py", "device": "cpu", "folder": "/tmp/...", "log": "/tmp/....log"}
    reply:    {"code": 0}                       the child's exit code, or -N for signal N
              {"code": null, "timed_out": 1}    stopped at the time limit

The child writes its records into `folder` (record_chapter.record) and its messages, with a line per section
started, into `log`. The hash seed is the recorder's: start one recorder per seed.

What a forked or spawned child needs, here and in warm_kernels.py and the notebook renderers of
patches/mkdocs_jupyter_cache.py, is here too: random states of its own (draw_new_seeds), and an end when what
it lives for has gone (exit_when, alive).
"""

import ast
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

PRELOAD = (
    "numpy",
    "torch",
    "torch._dynamo",  # a fresh Python imports it on its first optimizer (800 modules, sympy too: about 1.2 s)
    "matplotlib",
    "matplotlib.pyplot",
    "sklearn.datasets",
    "sklearn.model_selection",
    "sklearn.metrics",
    "torchviz",
)
GRACE = 30  # seconds past a chapter's time limit (which the child keeps itself) before the recorder stops it


def limit(project) -> float:
    return project.time_limit + GRACE


def preload(project) -> None:
    """Import what the project's chapters import, of PRELOAD (a project whose chapters need no torch loads none)."""
    imported = set()
    for chapter in project.chapters():
        with contextlib.suppress(OSError, SyntaxError):  # the chapter's run will say what is wrong
            for node in ast.walk(ast.parse((project.root / chapter).read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    imported.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    imported.add(node.module.split(".")[0])
    for name in PRELOAD:
        if name.split(".")[0] in imported:
            with contextlib.suppress(ImportError):  # a chapter that needs it will say so
                __import__(name)


def draw_new_seeds() -> None:
    """In a forked child: random states of its own, as a fresh Python's (Python's, NumPy's and torch's default
    generators are seeded from the operating system at import; a child would share its parent's)."""
    import random

    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    if "torch" in sys.modules:  # the CPU's; a GPU's generators start in the child, as in a fresh Python
        sys.modules["torch"].default_generator.seed()


def alive(pid: int) -> bool:
    """Whether a process is there and not a zombie (one that ended, not yet reaped by its parent)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):  # Linux; elsewhere a zombie counts until its parent reaps it
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def exit_when(gone, every: float = 0.2) -> None:
    """In a child: end the process as soon as `gone()` says what it lives for has gone (checked by a thread)."""

    def watch():
        while not gone():
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def run_child(request: dict, scratch: str) -> None:
    """In the forked child: become the chapter's fresh Python, record it, exit."""
    from course_pipeline.project import Project
    from course_pipeline.record_chapter import end_with_parent, record
    from course_pipeline.sections import SnippetError

    os.setsid()  # its own process group, so that the recorder can stop it with whatever it started
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.stdout = os.fdopen(1, "w", buffering=1)
    sys.stderr = os.fdopen(2, "w", buffering=1)
    end_with_parent()
    draw_new_seeds()
    code = 0
    try:
        print(record(Project.find(), request["chapter"], request["device"], Path(request["folder"]), scratch))
    except SnippetError as error:
        print(f"error: {error}", file=sys.stderr)
        code = 1
    except BaseException as error:
        print(f"error: {request['chapter']}: {type(error).__name__}: {error}", file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def wait(child: int, limit: float, parent: int) -> dict:
    deadline = time.monotonic() + limit
    while True:
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            return {"code": os.waitstatus_to_exitcode(status)}
        if os.getppid() != parent:  # whoever asked has gone (mkdocs serve stopped): no orphans
            os.killpg(child, signal.SIGKILL)
            sys.exit(1)
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child, signal.SIGKILL)
            os.waitpid(child, 0)
            return {"code": None, "timed_out": 1}
        time.sleep(0.01)


def main() -> int:
    """Record each chapter asked for on standard input; end when it closes (the process that started this one
    ended, or was done with it). No PR_SET_PDEATHSIG here: it fires when the *thread* that started this process
    ends, and regenerate.py starts recorders from threads that end while it keeps them."""
    from course_pipeline.project import Project

    parent = os.getppid()
    project = Project.find()
    preload(project)
    from course_pipeline import freshness, record_chapter  # noqa: F401  (what each child runs, imported once)

    freshness.versions()  # read once (it is kept), not in every child
    print(json.dumps({"ready": 1}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        scratch = tempfile.mkdtemp(prefix="chapter-")  # the chapter's working folder, removed here: its child
        child = os.fork()  # may crash before removing it
        if child == 0:
            run_child(request, scratch)
        try:
            print(json.dumps(wait(child, limit(project), parent)), flush=True)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
