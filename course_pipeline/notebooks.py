"""Each chapter page as a Jupyter notebook: its prose as markdown cells, its code blocks as code cells holding
the included sections, and the reference device's recorded outputs of those sections as the cells' outputs. The
first code cell, before the chapter's own, sets up Google Colab (COLAB_SETUP) and does nothing anywhere else.

    docs/<language>/notebooks/<page>.ipynb    made by `regenerate`; never edit by hand

Page-only syntax becomes what Jupyter and Colab show: a folded block (`??? success "答案"`) becomes HTML
`<details>` around its prose, and the code cells inside it are folded too (nbformat's `source_hidden` and
`outputs_hidden`); tabs and admonitions become a bold title with their content; a heading's id (`{ #id }`) becomes
an empty `<a id>` at its end, so that the site's notebook page keeps the chapter page's anchors
(notebook_pages.py); links to other pages point to the published site.
"""

import html
import os
import re
from dataclasses import dataclass

import nbformat

from course_pipeline import device, freshness, records
from course_pipeline.labels import labels
from course_pipeline.markdown import fences, join_cjk_lines
from course_pipeline.project import Project
from course_pipeline.sections import section

BLOCK = re.compile(r'^(?P<indent>\s*)(?P<marker>\?\?\?\+?|!!!|===)\s*(?P<kind>[\w-]*)\s*(?:"(?P<title>[^"]*)")?\s*$')
HEADING = re.compile(r"^(?P<hashes>#{1,6}\s.*?)\s*(?:\{\s*#(?P<id>[\w-]+)\s*\})?\s*$")
PAGE_LINK = re.compile(r"\]\((?:(?P<page>[\w-]+)\.md)?(?P<anchor>#[^)]*)?\)")  # page.md#anchor, or #anchor
ANNOTATION = re.compile(r"\s*# \(\d+\)!?$")  # Material's code-annotation markers, if a snippet ever has them
# The first code cell of every notebook: on Colab (and only there) it installs what the course needs beyond
# Colab's own packages, and registers the CJK fonts with matplotlib, whose font list was built before they
# existed. matplotlib < 3.11 registers only the first face of a .ttc file, which it names "Noto Sans CJK JP";
# a Chinese plot therefore lists that family after "Noto Sans CJK SC". Outside Colab it prints nothing.
COLAB_SETUP = """\
import sys

if "google.colab" in sys.modules:  # on Google Colab only
    import glob
    import subprocess

    from matplotlib import font_manager

    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "torchviz"],
                   check=True)
    apt = "apt-get -qq update && apt-get -qq -y install fonts-noto-cjk"
    subprocess.run(apt, shell=True, check=True, stdout=subprocess.DEVNULL)
    fonts = "/usr/share/fonts/opentype/noto/NotoSansCJK-*.ttc"
    for path in glob.glob(fonts):
        font_manager.fontManager.addfont(path)"""


def make_notebook(project: Project, page: str) -> nbformat.NotebookNode:
    language = project.language_of(page)
    lines = (project.root / page).read_text(encoding="utf-8").split("\n")
    title = lines[0].lstrip("# ").strip()
    fence_at = {fence.start: fence for fence in fences("\n".join(lines), page)}
    includes = project.includes(page)
    intro = labels(language.code)["notebook-intro"].format(title=title, url=project.published_url(page))
    cells = [
        _markdown([f"# {title}", "", intro]),
        {"cell_type": "code", "metadata": {}, "execution_count": None, "source": COLAB_SETUP, "outputs": []},
    ]
    prose, blocks, number = [], [], 1
    while number < len(lines):
        line = lines[number]
        while blocks and line.strip() and not line.startswith(blocks[-1].indent):
            _add(prose, blocks.pop().close())
        dedent = blocks[-1].indent if blocks else ""
        fence = fence_at.get(number)
        if fence and fence.is_python:
            _add(prose, [text for block in reversed(blocks) for text in block.close()])
            code = _code(project, [i for i in includes if fence.start < i.line - 1 < fence.end])
            if any(block.summary for block in blocks):  # an answer: folded until the reader opens it
                code["metadata"]["jupyter"] = {"source_hidden": True, "outputs_hidden": True}
            cells += [_markdown(prose), code]
            prose, number = [], fence.end + 1
            continue
        if line.strip():
            _add(prose, [text for block in blocks for text in block.open()])
        if fence:  # another fence (bash, text): keep it, verbatim, in the prose
            prose += [text[len(dedent) :] for text in lines[fence.start : fence.end + 1]]
            number = fence.end + 1
            continue
        line = line[len(dedent) :]
        block = BLOCK.match(line)
        heading = HEADING.match(line)
        if block and (block["title"] or block["kind"]):
            title = block["title"] or block["kind"].capitalize()
            if block["marker"].startswith("???"):
                blocks.append(_Fold(dedent + block["indent"] + "    ", title, block["kind"], block["marker"] == "???+"))
            else:
                prose += [f"**{title}**", ""]
                blocks.append(_Fold(dedent + block["indent"] + "    "))
        elif heading:
            anchor = f' <a id="{heading["id"]}"></a>' if heading["id"] else ""
            prose.append(
                PAGE_LINK.sub(lambda link: f"]({_published(project, page, link)})", heading["hashes"]) + anchor
            )
        else:
            prose.append(PAGE_LINK.sub(lambda link: f"]({_published(project, page, link)})", line))
        number += 1
    _add(prose, [text for block in reversed(blocks) for text in block.close()])
    cells.append(_markdown(prose))
    cells = [cell for cell in cells if cell["source"].strip()]
    for number, cell in enumerate(cells, 1):
        cell["id"] = f"cell-{number}"
    # Plain dicts, validated once as a whole when written: nbformat.v4.new_*() validate every cell, 10x slower.
    return nbformat.from_dict(
        {
            "nbformat": 4,
            "nbformat_minor": nbformat.v4.nbformat_minor,
            "cells": cells,
            "metadata": {
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                "language_info": {"name": "python"},
            },
        }
    )


@dataclass
class _Fold:
    """A block of the page whose content is indented: a folded one (`???`, with a summary) becomes <details>
    in the markdown cells, opened before its first prose and closed before a code cell and at its end."""

    indent: str  # its content's indentation in the page
    summary: str = ""  # a folded block's title
    kind: str = ""  # its admonition type (success): Material's look for it on the site
    expanded: bool = False  # ???+: open at first
    is_open: bool = False  # its <details> is open in the current markdown cell

    def open(self) -> list[str]:
        if not self.summary or self.is_open:
            return []
        self.is_open = True
        css = f' class="{html.escape(self.kind)}"' if self.kind else ""
        return [
            "",
            f"<details{css}{' open' if self.expanded else ''}>",
            f"<summary>{html.escape(self.summary)}</summary>",
            "",
        ]

    def close(self) -> list[str]:
        if not self.is_open:
            return []
        self.is_open = False
        return ["", "</details>", ""]


def _add(prose: list[str], lines: list[str]) -> None:
    """Add lines to the prose, with one blank line between blocks, not more."""
    for line in lines:
        if line or (prose and prose[-1]):
            prose.append(line)


def _published(project: Project, page: str, link) -> str:
    """A link of the page (`tensors.md#shape`, `#shape`) as an address on the published site."""
    target = (
        page
        if not link["page"]
        else str((project.root / page).parent.joinpath(f"{link['page']}.md").relative_to(project.root))
    )
    return project.published_url(target, link["anchor"] or "")


def _markdown(lines):
    return {"cell_type": "markdown", "metadata": {}, "source": join_cjk_lines("\n".join(lines).strip("\n"))}


def _code(project: Project, includes):
    code = "\n".join(
        ANNOTATION.sub("", line)
        for include in includes
        for line in section(project.root, include.path, include.name).code.rstrip("\n").split("\n")
    )
    cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "source": code, "outputs": []}
    for include in includes:
        text, images = records.section_files(project, include.path, device.REFERENCE, include.name)
        if text:
            cell["outputs"].append({"output_type": "stream", "name": "stdout", "text": text})
        for image in images:
            cell["outputs"].append(
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"image/svg+xml": image.read_text(encoding="utf-8")},
                }
            )
    return cell


_made: dict[tuple[str, str], tuple] = {}  # (root, page) -> (its inputs, notebook, its text), for this process


def notebook_text(project: Project, page: str) -> str:
    """The notebook a page makes now, as the text of its .ipynb file (made once per inputs in a process)."""
    return _made_now(project, page)[1]


def _made_now(project: Project, page: str) -> tuple[nbformat.NotebookNode, str]:
    inputs, key = freshness.notebook_inputs(project, page), (str(project.root), page)
    if _made.get(key, ("",))[0] != inputs:
        notebook = make_notebook(project, page)
        _made[key] = (inputs, notebook, nbformat.v4.writes(notebook))
    return _made[key][1:]


def stale_notebooks(project: Project) -> list[str]:
    """Pages whose notebook file is missing or differs from what the page makes now."""
    return [
        page
        for page in project.chapter_pages()
        if not project.notebook_path(page).exists()
        or project.notebook_path(page).read_text(encoding="utf-8") != notebook_text(project, page)
    ]


def write_stale(project: Project) -> list[str]:
    written = []
    for page in stale_notebooks(project):
        notebook, text = _made_now(project, page)
        nbformat.validate(notebook)  # the schema, checked here only: written notebooks are the ones that count
        path = project.notebook_path(page)
        path.parent.mkdir(exist_ok=True)
        staged = path.with_name(f".{path.name}.{os.getpid()}")
        staged.write_text(text, encoding="utf-8")
        os.replace(staged, path)  # whole or not at all
        written.append(project.relative(path))
    return written
