"""Run a chapter's sections in order, in one fresh namespace, and capture what each one shows.

What a section shows is what a reader sees when running it: its printed text (warnings included, as
"UserWarning: ..." lines), the torchviz graph its last line evaluates to, and the matplotlib figures it draws.
"""

import ast
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import traceback
import warnings
from dataclasses import dataclass, field

from course_pipeline.project import Project
from course_pipeline.sections import Section, SnippetError, read_sections

os.environ.setdefault("MPLBACKEND", "Agg")


@dataclass
class SectionRun:
    section: Section
    output: str = ""
    images: list[str] = field(default_factory=list)  # SVG documents, in the order they were drawn
    error: str | None = None  # traceback of an exception the section raised, framed on the snippet file


def run_chapter(project: Project, chapter: str) -> list[SectionRun]:
    """Run every section of a snippet file in file order; stop at the first that raises."""
    namespace = {"__name__": "__main__"}
    runs = []
    _fresh_matplotlib()
    for section in read_sections(project.root, chapter):
        run = SectionRun(section)
        runs.append(run)
        try:
            _run_section(project.root, section, namespace, run)
        except SnippetError:
            raise
        except BaseException as error:
            run.error = _format_error(project.root, section, error)
            break
    return runs


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


def _run_section(root, section: Section, namespace: dict, run: SectionRun) -> None:
    filename = str(root / section.path)
    tree = ast.parse(section.code, filename=filename)
    ast.increment_lineno(tree, section.first_line - 1)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    shown = io.StringIO()

    def show_warning(message, category, *args, **kwargs):
        shown.write(f"{category.__name__}: {message}\n")

    try:
        with contextlib.redirect_stdout(shown), warnings.catch_warnings():
            show_warnings_as_python_does()
            warnings.showwarning = show_warning
            exec(compile(tree, filename, "exec"), namespace)
            value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace) if last else None
            run.images += _take_figures()  # drawing may warn too (a missing glyph, say): part of the output
    finally:
        run.output = shown.getvalue()
    address = re.search(r".*\bat 0x[0-9a-fA-F]+.*", run.output)
    if address:
        raise SnippetError(
            f"{section.where}: section '{section.name}' prints a memory address, which changes on "
            f"every run: {address[0].strip()!r}; print something stable instead"
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
