"""The site's notebook pages (/notebooks/<page>/, /en/notebooks/<page>/), as finished as the chapter pages.

mkdocs-jupyter renders each notebook with nbconvert; this module finishes its HTML (from on_page_content) and its
place in the reading order (from on_page_context):

- nbconvert's own styles and scripts go (all of JupyterLab's stylesheet, 570 kB; Pygments colours of its own;
  MathJax and Mermaid loaders): docs/assets/stylesheets/notebook.css has the few rules the notebooks need, the
  code takes the theme's colours (the `highlight` class) and KaTeX typesets the math;
- headings get the chapter page's ids (the `<a id>` notebooks.py puts at a heading's end, else the site's own
  slugify), the theme's permalink in place of Jupyter's visible ¶, and a table of contents made from them;
- an answer's folded code cell (nbformat's `source_hidden`) moves into the `<details>` of the answer's prose that
  follows it, as on the chapter page;
- links to the published site become relative, so that a reader stays on the site being viewed (the .ipynb keeps
  them absolute: it is read on Colab or a laptop);
- a download button and an "Open in Colab" button go under the title;
- the footer links to the previous and next chapter's notebook (to the neighbouring page where it has none).
"""

import base64
import html as html_text
import json
import posixpath
import re
from pathlib import Path

from markdown.extensions.toc import TocExtension, unique
from markdown.extensions.toc import slugify as markdown_slugify
from mkdocs.structure.toc import get_toc

from course_pipeline.labels import labels
from course_pipeline.page_outputs import describe, display_size, parse_svg

HEADER_END = '<div class="jupyter-wrapper">'  # nbconvert's styles and scripts come before it
CLIPBOARD_SCRIPT = re.compile(r"<script>.*?</script>", re.S)  # the copy buttons' scripts: the only ones kept
LEFTOVER_STYLE = re.compile(r"\s*<style>\s*\[\'pre \{.*?</style>", re.S)  # a Python list of CSS, after the notebook
HEADING = re.compile(
    r'<h(?P<level>[1-6]) id="[^"]*">(?P<inner>.*?)<a class="anchor-link" href="#[^"]*">¶</a></h(?P=level)>', re.S
)
ANCHOR = re.compile(r'\s*<a id="(?P<id>[^"]+)"\s*(?:/>|></a>)')  # notebooks.py's heading id
TAG = re.compile(r"<[^>]+>")
CODE = '<div class="highlight-ipynb '
CELL = re.compile(  # where each cell's HTML starts (a code cell has an outer div without an id)
    r'<div class="jp-Cell jp-(?:MarkdownCell jp-Notebook-cell" id="cell-id=(?P<markdown>[^"]*)"'
    r'|CodeCell jp-Notebook-cell[^"]*">\s*<div class="jp-Cell jp-CodeCell[^"]*" id="cell-id=(?P<code>[^"]*)")>'
)
NOTEBOOK_END = "</div> <!-- jp-Notebook -->"
SUMMARY_END = re.compile(r"<details[^>]*>\s*<summary>.*?</summary>\n?", re.S)


def is_notebook(page) -> bool:
    return page.file.src_uri.endswith(".ipynb")


def content(html: str, page, config, project) -> str:
    """The notebook page's HTML, finished; sets the page's table of contents from its headings."""
    start = html.find(HEADER_END)
    if start < 0:
        return html  # not nbconvert's page
    header = "\n".join(CLIPBOARD_SCRIPT.findall(html[:start]))
    body = LEFTOVER_STYLE.sub("", html[start:])
    body = body.replace(CODE, '<div class="highlight highlight-ipynb ')  # the theme's code colours
    body = _fold_answers(body, page)
    body, tokens = _headings(body, config)
    page.toc = get_toc(tokens)
    body = _local_links(body, page, project)
    body = _buttons(body, page, config, project)
    body = _described_images(body, config)
    return header + "\n" + body


NBCONVERT_IMAGE = re.compile(
    r'<img alt="No description has been provided for this image" src="data:image/svg\+xml;base64,(?P<data>[^"]+)"'
)


def _described_images(body: str, config) -> str:
    """The figures' and graphs' descriptions and sizes, as on the chapter pages (page_outputs.describe), in place
    of nbconvert's "No description has been provided for this image"."""
    words = labels(config.theme["language"])

    def described(match):
        svg = parse_svg(base64.b64decode(match["data"]))
        width, height = display_size(svg)
        return (
            f'<img alt="{html_text.escape(describe(svg, words))}" width="{width}" height="{height}" '
            f'src="data:image/svg+xml;base64,{match["data"]}"'
        )

    return NBCONVERT_IMAGE.sub(described, body)


def _headings(body: str, config) -> tuple[str, list[dict]]:
    """Each heading with its id, the theme's permalink, and the table of contents they make."""
    toc = config["mdx_configs"].get("toc", {})
    slugify = toc.get("slugify") or markdown_slugify
    permalink_title = toc.get("permalink_title") or TocExtension().getConfig("permalink_title")
    used, tokens, open_tokens = set(), [], []

    def heading(match):
        level, inner = int(match["level"]), match["inner"]
        anchor = ANCHOR.search(inner)
        inner = ANCHOR.sub("", inner).strip()
        name = TAG.sub("", inner).strip()
        ident = unique(anchor["id"] if anchor else slugify(html_text.unescape(name), "-"), used)
        token = {"level": level, "id": ident, "name": name, "children": []}
        while open_tokens and open_tokens[-1]["level"] >= level:
            open_tokens.pop()
        (open_tokens[-1]["children"] if open_tokens else tokens).append(token)
        open_tokens.append(token)
        link = f'<a class="headerlink" href="#{ident}" title="{html_text.escape(permalink_title)}">¶</a>'
        return f'<h{level} id="{ident}">{inner}{link}</h{level}>'

    return HEADING.sub(heading, body), tokens


def _fold_answers(body: str, page) -> str:
    """Move each folded code cell (an answer's code) into the <details> that opens the next cell, as on the
    chapter page, where the answer's code, output and explanation fold together."""
    cells = json.loads(Path(page.file.abs_src_path).read_text(encoding="utf-8"))["cells"]
    folded = {cell.get("id") for cell in cells if cell["metadata"].get("jupyter", {}).get("source_hidden")}
    if not folded:
        return body
    starts = [(match.start(), match["code"]) for match in CELL.finditer(body)]
    ends = [start for start, _ in starts[1:]] + [body.find(NOTEBOOK_END)]
    head, tail = body[: starts[0][0]], body[ends[-1] :]
    chunks = [[name, body[start:end]] for (start, name), end in zip(starts, ends)]
    for cell, after in zip(chunks, chunks[1:]):
        summary = SUMMARY_END.search(after[1]) if cell[0] in folded else None
        if summary:
            after[1] = after[1][: summary.end()] + cell[1] + after[1][summary.end() :]
            cell[1] = ""
    return head + "".join(text for _, text in chunks) + tail


def _local_links(body: str, page, project) -> str:
    """Links to the published site, relative to this page."""
    site = re.escape(project.site_url)

    def relative(match):
        path = match["path"]
        target = posixpath.relpath("/" + path, "/" + page.url) + ("/" if path.endswith("/") or not path else "")
        return f'href="{target}{match["anchor"] or ""}"'

    return re.sub(rf'href="{site}(?P<path>[^"#]*)(?P<anchor>#[^"]*)?"', relative, body)


def _buttons(body: str, page, config, project) -> str:
    """The notebook as a file, and in Colab, under the title."""
    words = labels(config.theme["language"])
    chapter = chapter_page(page, project)
    name = Path(page.file.src_uri).name
    buttons = (
        f'<p class="notebook-buttons"><a class="md-button" href="{name}" download>{words["download"]}</a> '
        f'<a class="md-button md-button--primary" href="{project.colab_url(chapter)}">{words["colab"]}</a></p>'
    )
    end = body.find("</h1>")
    return body if end < 0 else body[: end + 5] + buttons + body[end + 5 :]


def chapter_page(page, project) -> str:
    """A notebook page's chapter page: zh/notebooks/tensors.ipynb -> docs/zh/tensors.md"""
    source = Path(page.file.src_uri)
    return project.relative(project.docs / source.parent.parent / f"{source.stem}.md")


class _Link:
    """A page for the footer's previous and next links: its address (from the site's root) and title."""

    def __init__(self, url: str, title: str):
        self.url, self.title = url, title


def neighbours(page, nav, project) -> None:
    """The footer's previous and next links: the notebooks of the chapters before and after this one in the
    reading order; where that page has no notebook (the home page, the glossary), the page itself."""
    chapter = chapter_page(page, project)
    pages = nav.pages
    paths = [project.relative(project.docs / other.file.src_uri) for other in pages]
    if chapter not in paths:
        return
    place, chapters = paths.index(chapter), set(project.chapter_pages())

    def link(other):
        path = project.relative(project.docs / other.file.src_uri)
        return _Link(project.notebook_url(path), other.title) if path in chapters else other

    page.previous_page = link(pages[place - 1]) if place > 0 else None
    page.next_page = link(pages[place + 1]) if place + 1 < len(pages) else None
