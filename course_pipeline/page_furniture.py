"""What the plugin adds around a page's content: the links to a chapter's notebook, the stamp that says when,
where and with what its outputs were recorded, the page's description (for search engines and link previews),
its source file (for the "edit" and "report a problem" links), and what the templates (overrides/) need: the
labels, the commit the site is built from, and each language's own 404 page."""

import functools
import posixpath
import re
import subprocess
import unicodedata
from pathlib import Path
from urllib.parse import urlencode

from course_pipeline import device, freshness, records
from course_pipeline.labels import LABELS, labels
from course_pipeline.markdown import CJK_IDEOGRAPHS, CJK_PUNCTUATION, fences, join_cjk_lines

BRANCH = "main"  # the branch the site is published from (.github/workflows/ci.yml), as in colab_url
DESCRIPTION_WIDTH = 155  # about what search engines show; a Chinese character counts twice
STAMP_ID = "recorded-with"  # the anchor of the stamp at the bottom of a chapter


def notebook_links(project, page_path, page, words):
    """The lines under a chapter's title: the chapter as a notebook on this site, as a file, and in Colab; then
    when and on what its outputs were recorded (the details are in the stamp at the bottom)."""
    name = Path(page_path).stem
    notebook_page = "/" + project.notebook_url(page_path)
    download = posixpath.relpath(f"{notebook_page}{name}.ipynb", "/" + page.url)
    links = (
        f"[{words['notebook']}](notebooks/{name}.ipynb) · "
        f'<a href="{download}" download>{words["download"]}</a> · [{words["colab"]}]({project.colab_url(page_path)})'
        f"\n{{: .notebook-links }}"
    )
    chapter = project.chapter_of(page_path)
    recorded = recorded_line(project, chapter, words) if chapter else ""
    return links + (f"\n\n{recorded}" if recorded else "")


def _shown_runs(project, chapter):
    """(device, run.json) of the records the site shows for a chapter, in the order pages show devices."""
    shown = freshness.shown_devices(project, chapter)
    runs = [(name, records.read_run(project, chapter, name)) for name in device.DEVICES if name in shown]
    return [(name, run) for name, run in runs if run]


def recorded_line(project, chapter, words):
    """One short line near the top of a chapter: the date of its latest record, its devices and PyTorch."""
    runs = _shown_runs(project, chapter)
    if not runs:
        return ""
    dates = [run["recorded"] for _, run in runs if run.get("recorded")]  # records made before dates have none
    line = words["recorded-dated" if dates else "recorded-undated"].format(
        date=max(dates, default=""),
        devices=words["list-separator"].join(words[name] for name, _ in runs),
        torch=runs[0][1]["torch"],
        details=f'<a href="#{STAMP_ID}">{words["details"]}</a>',
    )
    return f"{line}\n{{: .page-stamp .page-stamp--top }}"


def stamp(project, chapters, words, label="verified"):
    """Where and when the outputs of these chapters were recorded: device, hardware and versions, from their
    records; for one chapter, each device's date, for several, the range of dates."""
    shown = {chapter: dict(_shown_runs(project, chapter)) for chapter in chapters}
    parts, dates = [], []
    for name in device.DEVICES:
        for chapter in chapters:
            run = shown[chapter].get(name)
            if not run:
                continue
            part = (
                f"{words[name]}: {run['hardware']}, PyTorch {run['torch']}, NumPy {run['numpy']}, "
                f"Python {run['python']}"
            )
            if run.get("recorded"):
                dates.append(run["recorded"])
                part += f", {words['recorded-on'].format(date=run['recorded'])}" if len(chapters) == 1 else ""
            parts += [part] if part not in parts else []
    if not parts:
        return ""
    when = ""
    if len(chapters) > 1 and dates:
        first, last = min(dates), max(dates)
        when = words["recorded-between" if first != last else "recorded-on-day"].format(first=first, last=last)
    return f'\n\n<p class="page-stamp" id="{STAMP_ID}">{words[label]} {"; ".join(parts)}{when}.</p>\n'


# The page's description and source


def source_of(project, src_uri: str) -> str:
    """The Markdown file a page is made from, relative to the project: docs/en/tensors.md for /en/tensors/ and
    for /en/notebooks/tensors/ (a notebook is generated from its chapter's page)."""
    path = Path(project.relative(project.docs / src_uri))
    if path.suffix == ".ipynb":
        path = path.parent.parent / f"{path.stem}.md"
    return path.as_posix()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _plain(markdown: str) -> str:
    """A paragraph's text without its Markdown: links and emphasis become their text, code its content."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown)  # images
    text = re.sub(r"\[\^[^\]]+\]", "", text)  # footnote references
    text = re.sub(r"\[([^\]]+)\](\([^)]*\)|\[[^\]]*\])", r"\1", text)  # links
    text = re.sub(r"\{\s*[:#.][^}]*\}", "", text)  # attribute lists
    text = re.sub(r"<[^>]+>", "", text)  # HTML tags
    text = re.sub(r"(`+)(.+?)\1", r"\2", text)  # inline code
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*]+?)\*|(?<!\w)_(?!\s)([^_]+?)_(?!\w)", r"\1\2", text)
    text = re.sub(r"\$+([^$]+)\$+", r"\1", text)  # math delimiters
    cjk = f"[{CJK_IDEOGRAPHS}{CJK_PUNCTUATION}]"
    text = re.sub(rf"(?<={cjk})[ \t]*\n\s*(?={cjk})", "", text)  # a line break in Chinese text is no space
    return re.sub(r"\s+", " ", text).strip()


def _shorten(text: str, width: int = DESCRIPTION_WIDTH) -> str:
    """The text, cut to about `width` (after a sentence where one ends late enough, else after a word)."""
    if _width(text) <= width:
        return text
    cut = 0
    while _width(text[: cut + 1]) <= width - 1:
        cut += 1
    head = text[:cut]
    sentence = max(head.rfind(mark) for mark in ("。", "！", "？", ". ", "! ", "? "))
    if sentence >= cut // 2:
        return head[: sentence + 1].strip()
    pause = max(head.rfind(mark) for mark in ("，", "、", "：", "；", ", ", ": ", "; ", " "))
    return (head[:pause] if pause >= cut // 2 else head).rstrip(" ,，、：:;；") + "…"


NOT_PROSE = re.compile(r"^\s*([#|>!?=<{+*-]|\d+\.\s|-+8<-+|\$\$|\[\^)|^ {4}")


def description(markdown: str) -> str:
    """The page's first prose paragraph as plain text, about a search result's length."""
    markdown = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.DOTALL)  # front matter (a notebook's page)
    lines = join_cjk_lines(markdown).split("\n")
    for fence in fences("\n".join(lines)):
        lines[fence.start : fence.end + 1] = [""] * (fence.end + 1 - fence.start)
    paragraph: list[str] = []
    for line in [*lines, ""]:
        if line.strip() and not (not paragraph and NOT_PROSE.match(line)):
            paragraph.append(line)
        elif paragraph:
            text = _plain("\n".join(paragraph))
            if text:
                return _shorten(text)
            paragraph = []
    return ""


def describe(project, page, markdown, config) -> None:
    """The page's description (unless its front matter has one) and its source, with the links to edit it and to
    report a problem with it (overrides/partials/actions.html)."""
    source = source_of(project, page.file.src_uri)
    if not page.meta.get("description"):
        if page.file.src_uri.endswith(".ipynb"):  # a notebook's description is its chapter page's
            markdown = (project.root / source).read_text(encoding="utf-8")
        page.meta["description"] = description(markdown) or None
    if project.repository:
        words, address = labels(config.theme["language"]), project.site_url + page.url
        page.meta["source"] = source
        page.meta["edit_url"] = f"{project.repository}/edit/{BRANCH}/{source}"
        report = {
            "title": words["report-title"].format(page="/" + page.url),
            "body": words["report-body"].format(url=address, source=source),
        }
        page.meta["report_url"] = f"{project.repository}/issues/new?{urlencode(report)}"


# For the templates


@functools.cache
def build_commit(root: Path) -> str:
    """The commit the site is built from (git's short hash), or "" where git or the repository is missing."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def template_globals(project) -> dict:
    return {
        "course_labels": LABELS,
        "build_commit": build_commit(project.root),
        "default_language": project.default_language.code,
    }


def place_404(project, output: str, template_name: str, config) -> str:
    """Each language's 404 page in its own folder: mkdocs-static-i18n builds every language into the site's
    root, where the last language's 404.html would take the place of the default language's. An empty result
    makes MkDocs write nothing there."""
    code = config.theme["language"]
    if template_name != "404.html" or project.language(code).default:
        return output
    target = Path(config.site_dir) / project.language(code).url_prefix / "404.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(output, encoding="utf-8")
    return ""
