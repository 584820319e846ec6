"""Every chapter's notebook, in both languages, is what the generator makes from its page now, and runs top to
bottom in a fresh Jupyter kernel printing and drawing exactly the outputs it holds."""

import difflib
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import course_pipeline
from course_pipeline import notebooks, warm_kernels
from course_pipeline.pytest_plugin import project
from course_pipeline.records import REGENERATE

PROJECT = project()
ROOT = PROJECT.root
KERNEL_BIN = Path(course_pipeline.__file__).parent / "dot"  # a `dot` that renders like the recorded graphs

# Run silently before a notebook's cells: show warnings as the recorded outputs do ("UserWarning: ..." on stdout,
# the same filters as execute.py) and draw figures as SVG the way they were recorded.
PREAMBLE = """
import warnings
from course_pipeline.execute import show_warnings_as_python_does
show_warnings_as_python_does()
warnings.showwarning = lambda message, category, *args, **kwargs: print(f"{category.__name__}: {message}")
del warnings, show_warnings_as_python_does
%config InlineBackend.figure_formats = ["svg"]
%config InlineBackend.print_figure_kwargs = {"bbox_inches": None, "metadata": {"Date": None}}
%config InlineBackend.rc = {"svg.hashsalt": "every-line-runs"}
"""


def shown(cell) -> tuple[str, list[str]]:
    """What a code cell shows: its printed text and its SVG images."""
    text = "".join(output.text for output in cell.outputs if output.output_type == "stream")
    images = [output.data["image/svg+xml"] for output in cell.outputs if "image/svg+xml" in output.get("data", {})]
    return text, images


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


KERNEL_ENVIRONMENT = {
    **os.environ,
    "PATH": os.pathsep.join([str(KERNEL_BIN), str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}


@pytest.fixture(scope="session")
def warm_kernels_options():
    """Kernels forked by a warm Python (course_pipeline/warm_kernels.py): fresh, without seconds of imports."""
    with warm_kernels.started(KERNEL_ENVIRONMENT) as options:
        yield options


def run_in_fresh_kernel(notebook, scratch, kernels):
    runnable = nbformat.v4.new_notebook(metadata=notebook.metadata)
    runnable.cells = [nbformat.v4.new_code_cell(PREAMBLE)] + [
        nbformat.v4.new_code_cell(cell.source) for cell in code_cells(notebook)
    ]
    client = NotebookClient(
        runnable, **kernels, timeout=PROJECT.time_limit, allow_errors=True, resources={"metadata": {"path": scratch}}
    )
    client.execute(env=KERNEL_ENVIRONMENT)
    return runnable.cells[1:]


@pytest.mark.parametrize("page", PROJECT.chapter_pages())
def test_notebook_is_made_from_its_page(page):
    path = PROJECT.notebook_path(page)
    shown_path = path.relative_to(ROOT)
    assert path.exists(), f"{shown_path} is missing; make it with: {REGENERATE}"
    old, new = path.read_text(encoding="utf-8"), notebooks.notebook_text(PROJECT, page)
    if old != new:
        diff = "".join(
            list(
                difflib.unified_diff(
                    old.splitlines(True),
                    new.splitlines(True),
                    f"{shown_path} (committed)",
                    "(made from the page now)",
                    n=1,
                )
            )[:40]
        )
        pytest.fail(
            f"{shown_path} is out of date with {page} or its records (never edit a notebook by hand); "
            f"make it with: {REGENERATE}\n{diff}"
        )


@pytest.mark.parametrize("page", [page for page in PROJECT.chapter_pages() if PROJECT.language_of(page).default])
def test_notebooks_run_top_to_bottom_in_a_fresh_kernel(page, tmp_path, warm_kernels_options):
    """Run the default language's notebook; another language's too, unless its code cells are the same (a chapter
    whose plots are drawn by a section per language): every cell of every notebook runs in a kernel, and a
    notebook that another one covers is not run twice."""
    paths = [PROJECT.notebook_path(PROJECT.twin(page, language)) for language in PROJECT.languages]
    if not all(path.exists() for path in paths):
        pytest.skip("a notebook is missing (test_notebook_is_made_from_its_page says so)")
    to_run, codes = [], []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        code = [cell.source for cell in code_cells(notebook)]
        if code not in codes:
            to_run.append((path, notebook))
            codes.append(code)
    for path, notebook in to_run:
        for number, (expected, ran) in enumerate(
            zip(code_cells(notebook), run_in_fresh_kernel(notebook, str(tmp_path), warm_kernels_options)), 1
        ):
            where = f"{path.relative_to(ROOT)}, code cell {number}"
            error = next((output for output in ran.outputs if output.output_type == "error"), None)
            assert error is None, f"{where} raised {error.ename}: {error.evalue}\n{expected.source}"
            (old_text, old_images), (new_text, new_images) = shown(expected), shown(ran)
            assert new_text == old_text, (
                f"{where} printed something else in a fresh kernel than the notebook shows:\n"
                + "".join(
                    difflib.unified_diff(
                        old_text.splitlines(True), new_text.splitlines(True), "notebook", "fresh kernel", n=1
                    )
                )
            )
            assert new_images == old_images, f"{where} drew other images in a fresh kernel than the notebook shows"
