"""Run a chapter's sections in order, in one fresh namespace, and capture what each one shows.

What a section shows is what a reader sees when running it: its printed text (warnings included, as
"UserWarning: ..." lines), the torchviz graph its last line evaluates to, and the matplotlib figures it draws.

A chapter runs as a reader's fresh Python would, and cannot harm the run around it: in a scratch working
directory (a file it writes, changes or removes in the project is an error), within the project's time limit,
with os._exit() turned into an error, and with the global state it changes (default dtype, print options, grad mode,
deterministic mode, warning filters, environment...) put back afterwards. A section that prints more than the
output limit, or text no terminal could print, is an error.
"""

import ast
import contextlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from course_pipeline.project import Project
from course_pipeline.sections import Section, SnippetError, read_sections

os.environ.setdefault("MPLBACKEND", "Agg")


@dataclass
class SectionRun:
    section: Section
    output: str = ""
    images: list[str] = field(default_factory=list)  # SVG documents, in the order they were drawn
    error: str | None = None  # traceback of an exception the section raised, framed on the snippet file


class _Stop(BaseException):
    """Ends a chapter's run from outside its code: the time limit, or os._exit(); the message says which."""


def run_chapter(project: Project, chapter: str, progress=None, scratch: str | None = None) -> list[SectionRun]:
    """Run every section of a snippet file in file order; stop at the first that raises. `progress(section)`,
    if given, is told which section starts (a parent process reports it if this one dies). The chapter works in
    `scratch` if given (its owner removes it: recorder.py, whose child may crash), else in a temporary folder;
    a chapter that writes into the project is an error (SnippetError)."""
    namespace = {"__name__": "__main__"}
    runs = []
    _fresh_matplotlib()
    before = project_files(project.root)
    with _working_folder(scratch), _global_state_kept(), _no_process_exit():
        for section in read_sections(project.root, chapter):
            run = SectionRun(section)
            runs.append(run)
            if progress:
                progress(section)
            try:
                with _time_limit(project.time_limit, section):
                    _run_section(project, section, namespace, run)
            except SnippetError:
                raise
            except _Stop as stop:
                run.error = str(stop)
            except BaseException as error:
                run.error = _format_error(project.root, section, error)
            if not run.error:
                run.error = _output_problem(project, section, run.output)
            if run.error:
                break
    changed = changes(before, project_files(project.root))
    if changed:
        raise SnippetError(
            f"{chapter} changed the project: {', '.join(changed)} since it started. A chapter writes its files "
            f"into its working folder or a temporary one: fix the chapter (git shows what it changed); if another "
            f"program changed them meanwhile, run again"
        )
    return runs


# Folders of tools and caches, by name anywhere or by path from the project's root: not the project's content.
IGNORED = {".git", ".venv", ".cache", "site", "__pycache__", "node_modules", ".pytest_cache", ".ci/screenshots"}


def project_files(root: Path) -> dict[str, tuple[int, int]]:
    """Every file of the project, with its size and modification time, the folders of IGNORED left out."""
    found = {}
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [
            name for name in subfolders if name not in IGNORED and _relative(folder, name, root) not in IGNORED
        ]
        for name in files:
            with contextlib.suppress(FileNotFoundError):  # removed meanwhile
                stat = os.stat(os.path.join(folder, name))
                found[_relative(folder, name, root)] = (stat.st_size, stat.st_mtime_ns)
    return found


def _relative(folder: str, name: str, root: Path) -> str:
    return Path(os.path.relpath(os.path.join(folder, name), root)).as_posix()


def changes(before: dict, after: dict) -> list[str]:
    """The files new, changed or removed between two project_files(), each saying which."""
    return sorted(
        [f"{path} (new)" for path in after.keys() - before.keys()]
        + [f"{path} (changed)" for path in after.keys() & before.keys() if after[path] != before[path]]
        + [f"{path} (removed)" for path in before.keys() - after.keys()]
    )


@contextlib.contextmanager
def _time_limit(seconds: float, section: Section):
    """Stop a section that runs past the chapter's time limit (in the main thread; elsewhere the process that
    started this one keeps the limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise _Stop(
            f"{section.where}: section '{section.name}' of {section.path} was still running after {seconds:g} s, the "
            f"time limit of a chapter; make it faster, or raise `time_limit` of the course plugin in mkdocs.yml "
            f"(or COURSE_TIME_LIMIT)"
        )

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _no_process_exit():
    """os._exit() would end this process at once, tests and all, with the exit code it is given (0 passes)."""
    real_exit, this_process = os._exit, os.getpid()

    def refuse(code=0):
        if os.getpid() != this_process:  # a process the chapter started (a DataLoader worker) ends as it should
            real_exit(code)
        raise _Stop(f"the chapter called os._exit({code}), which would end the reader's Python at once; remove it")

    os._exit = refuse
    try:
        yield
    finally:
        os._exit = real_exit


@contextlib.contextmanager
def _working_folder(scratch: str | None):
    """Files a chapter writes go to `scratch` or a temporary folder, not into the project."""
    before = os.getcwd()
    with contextlib.ExitStack() as stack:
        os.chdir(scratch or stack.enter_context(tempfile.TemporaryDirectory(prefix="chapter-")))
        try:
            yield
        finally:
            os.chdir(before)


@contextlib.contextmanager
def _global_state_kept():
    """Put back the process-wide settings a chapter may change, so that the next chapter run in this process
    starts as a fresh Python would (the tests run every chapter in one process)."""
    import numpy  # the chapters' own first import, cheap: its print options can then be put back as they were

    environ, path, filters = dict(os.environ), list(sys.path), list(warnings.filters)
    numpy_print = numpy.get_printoptions()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(environ)
        sys.path[:] = path
        warnings.filters[:] = filters
        numpy.set_printoptions(**numpy_print)
        if "torch" in sys.modules:
            _reset_torch(sys.modules["torch"])


def _reset_torch(torch) -> None:
    """The torch settings a fresh Python starts with."""
    torch.set_default_dtype(torch.float32)
    torch.set_printoptions(profile="default")
    torch.set_grad_enabled(True)
    torch.use_deterministic_algorithms(False)
    torch.set_anomaly_enabled(False)


def _output_problem(project: Project, section: Section, output: str) -> str | None:
    """Why a section's printed text cannot be shown, or None."""
    try:
        size = len(output.encode("utf-8"))
    except UnicodeEncodeError as error:
        return (
            f"{section.where}: section '{section.name}' prints {output[error.start : error.end]!r}, which cannot be "
            f"written as UTF-8 (a reader's terminal would raise UnicodeEncodeError); print something else"
        )
    if size > project.output_limit_kb * 1000:
        return (
            f"{section.where}: section '{section.name}' prints {size / 1000:.0f} kB, over the limit of "
            f"{project.output_limit_kb} kB for one section; print less (a summary, every Nth line), or raise "
            f"`output_limit_kb` of the course plugin in mkdocs.yml (or COURSE_OUTPUT_LIMIT_KB)"
        )
    return None


def _fresh_matplotlib() -> None:
    """Matplotlib as a fresh Python has it: an earlier chapter in this process may have changed its settings
    or left a figure open."""
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib

        _take_figures()
        matplotlib.rcdefaults()


def show_warnings_as_python_does() -> None:
    """Show the warnings a fresh `python` shows, every time: deprecations only when the reader's code causes them.
    (The notebook tests set up their kernels with this too.)"""
    warnings.simplefilter("always")
    for quiet in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.filterwarnings("ignore", category=quiet)
    warnings.filterwarnings("always", category=DeprecationWarning, module="__main__")


def _run_section(project: Project, section: Section, namespace: dict, run: SectionRun) -> None:
    filename = str(project.root / section.path)
    try:
        tree = ast.parse(section.code, filename=filename)
    except SyntaxError as error:
        line = section.first_line + (error.lineno or 1) - 1
        raise _Stop(
            f'  File "{section.path}", line {line}\n    {section.code.splitlines()[(error.lineno or 1) - 1].strip()}\n'
            f"SyntaxError: {error.msg} ({section.path}:{line}, in section '{section.name}')"
        ) from None
    ast.increment_lineno(tree, section.first_line - 1)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    shown = io.StringIO()

    def show_warning(message, category, *args, **kwargs):
        shown.write(f"{category.__name__}: {message}\n")

    try:
        # what it writes to stderr shows in a reader's terminal and notebook too
        with contextlib.redirect_stdout(shown), contextlib.redirect_stderr(shown), warnings.catch_warnings():
            show_warnings_as_python_does()
            warnings.showwarning = show_warning
            exec(compile(tree, filename, "exec"), namespace)
            value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace) if last else None
            run.images += _take_figures()  # drawing may warn too (a missing glyph, say): part of the output
    finally:
        run.output = shown.getvalue()
    address = re.search(r"\bat 0x[0-9a-fA-F]{6,}", run.output)  # as in "<object at 0x7f3a2c1b4d30>"
    if address:
        start, end = run.output.rfind("\n", 0, address.start()) + 1, run.output.find("\n", address.end())
        raise SnippetError(
            f"{section.where}: section '{section.name}' prints a memory address, which changes on "
            f"every run: {run.output[start : end if end >= 0 else None].strip()[:200]!r}; print something stable "
            f"instead"
        )
    if value is None:
        return
    if type(value).__name__ != "Digraph":
        raise SnippetError(
            f"{section.where}: section '{section.name}' ends with an expression worth "
            f"{type(value).__name__}; a page shows only what is printed, so print() it "
            f"(only a torchviz graph may be the last line, to draw it)"
        )
    run.images.append(graph_svg(value))


def graph_svg(graph) -> str:
    """Draw a torchviz graph as SVG, the same bytes on every run and every machine.

    torchviz names nodes by id(), which changes on every run, so nodes are renumbered in order of appearance.
    graphviz-pure renders it: one renderer everywhere, with its own fonts.
    """
    return render_dot(graph.source, ["-Tsvg"]).decode()


def render_dot(source: str, arguments: list[str]) -> bytes:
    """Run graphviz-pure on DOT source whose torchviz node ids are renumbered in order of appearance."""
    names = {}

    def rename(match):
        return match["lead"] + names.setdefault(match["id"], f"node{len(names)}")

    source = re.sub(r"(?m)(?P<lead>^\s*|-> )(?P<id>\d+)(?= \[| ->|$)", rename, source)
    renderer = shutil.which("graphviz-pure", path=os.path.dirname(sys.executable)) or "graphviz-pure"
    return subprocess.run([renderer, *arguments], input=source.encode(), capture_output=True, check=True).stdout


def _take_figures() -> list[str]:
    """The matplotlib figures a section left open, as SVG; closed afterwards, as Jupyter does."""
    if "matplotlib.pyplot" not in sys.modules:
        return []
    import matplotlib.pyplot as plt

    svgs = []
    for number in plt.get_fignums():
        figure = plt.figure(number)
        buffer = io.StringIO()
        with plt.rc_context({"svg.hashsalt": "every-line-runs"}):
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        svgs.append(buffer.getvalue())
        plt.close(figure)
    return svgs


def _format_error(root, section: Section, error: BaseException) -> str:
    """The traceback from the snippet's own frame on, with file names relative to the project."""
    frames = traceback.extract_tb(error.__traceback__)
    filename = str(root / section.path)
    start = next((i for i, frame in enumerate(frames) if frame.filename == filename), 0)
    lines = traceback.format_list(frames[start:]) + traceback.format_exception_only(type(error), error)
    return "Traceback (most recent call last):\n" + "".join(lines).replace(str(root) + os.sep, "")
