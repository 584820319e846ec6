"""MkDocs hooks: put each section's recorded output and graphs under its code block, link each chapter to its
notebook, and stamp each page with what its outputs were recorded on.

The build only reads records (docs/outputs/) and notebooks; it never runs chapter code or imports torch. Records
or notebooks made from other code fail `mkdocs build`; `mkdocs serve` re-makes them on save instead.
"""

import json
import posixpath
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import mkdocs.utils
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.toc import get_toc
from mkdocs_jupyter.plugin import _compute_cache_key, _get_cache_path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for `snippets.pipeline`

from snippets.pipeline import notebooks, records, site_cache  # noqa: E402
from snippets.pipeline.regenerate import regenerate  # noqa: E402
from snippets.pipeline.sections import DOCS, SnippetError, chapters, join_cjk_lines, page_includes  # noqa: E402

LABELS = {
    "zh": {"output": "输出", "graph": "图", "verified": "本页的输出记录于真实运行：",
           "verified-course": "本课程的所有输出都记录于真实运行：", "cpu": "CPU", "cuda": "CUDA GPU",
           "notebook": "以笔记本查看", "download": "下载 .ipynb", "colab": "在 Colab 中打开"},
    "en": {"output": "Output", "graph": "Figure", "verified": "The outputs on this page were recorded from real runs:",
           "verified-course": "Every output in this course was recorded from a real run:",
           "cpu": "CPU", "cuda": "CUDA GPU",
           "notebook": "View as a notebook", "download": "Download .ipynb", "colab": "Open in Colab"},
}
DEVICES = ("cpu", "cuda")
VERIFIED_MARKER = "<!-- verified-versions -->"  # a page may ask for the versions every chapter was verified with

serving = False

# Notebooks are pages, rendered by mkdocs-jupyter. mkdocs-static-i18n rebuilds every File as a plain one, which
# turns .ipynb pages back into static files (its issue #198); declaring .ipynb a page extension survives that.
mkdocs.utils.markdown_extensions = (*mkdocs.utils.markdown_extensions, ".ipynb")
site_cache.install()  # a rebuild renders, indexes and highlights again only what changed (saved in on_post_build)


def on_startup(command, dirty):
    global serving
    serving = command == "serve"


def on_pre_build(config):
    if config.theme["language"] != "zh":
        return  # each language is a build of its own; the default language's comes first and checks for all
    stale = [path for path in chapters() if records.read_run(path, "cpu") is None or records.code_changed(path, "cpu")]
    if stale and serving:
        print(f"re-recording outputs of {', '.join(stale)}", file=sys.stderr)
        regenerate(stale)
    elif stale:
        raise PluginError(f"recorded outputs are missing or older than the code of: {', '.join(stale)}; "
                          f"record them with: {records.REGENERATE}")
    if serving:
        notebooks.write_all()
    elif notebooks.stale_notebooks():
        raise PluginError(f"notebooks are missing or out of date for: {', '.join(notebooks.stale_notebooks())}; "
                          f"make them with: {records.REGENERATE}")


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        page.meta["search"] = {"exclude": True}  # its chapter page, with the same text, is what search finds
        return markdown
    labels = LABELS[config.theme["language"]]
    markdown = join_cjk_lines(markdown)
    try:
        includes = page_includes(f"docs/{page.file.src_uri}", markdown)
    except SnippetError as error:
        raise PluginError(str(error)) from None
    if VERIFIED_MARKER in markdown:
        markdown = markdown.replace(VERIFIED_MARKER, _stamp(chapters(), labels, "verified-course").strip())
    if not includes:
        return markdown
    lines = markdown.split("\n")
    page_dir = posixpath.dirname(page.file.src_uri)
    fences = {}
    for include in includes:
        fences.setdefault(include.fence_end, []).append(include)
    current = {path: [device for device in DEVICES if _current_run(path, device)]  # devices with a fresh record
               for path in {include.path for include in includes}}
    for fence_end in sorted(fences, reverse=True):
        shown = _shown_under_fence(fences[fence_end], current[fences[fence_end][0].path], page_dir, labels)
        lines[fence_end:fence_end] = [fences[fence_end][0].indent + line if line else "" for line in shown]
    lines[1:1] = ["", _notebook_links(page, config, labels)]  # under the title, once the line numbers are used
    return "\n".join(lines) + _stamp([includes[0].path], labels)


def _notebook_links(page, config, labels):
    """A line under the title: the chapter as a notebook on this site, as a file, and in Colab."""
    name = posixpath.splitext(posixpath.basename(page.file.src_uri))[0]
    notebook = f"{posixpath.dirname(page.file.src_uri)}/notebooks/{name}.ipynb"
    language_root = posixpath.dirname(page.url.rstrip("/"))
    download = posixpath.relpath(posixpath.join(language_root, "notebooks", name, f"{name}.ipynb"), page.url)
    colab = f"https://colab.research.google.com/github/{config.extra['repository'].split('github.com/')[1]}" \
            f"/blob/main/docs/{notebook}"
    return (f"[{labels['notebook']}](notebooks/{name}.ipynb) · "
            f'<a href="{download}" download>{labels["download"]}</a> · [{labels["colab"]}]({colab})'
            f"\n{{: .notebook-links }}")


def _current_run(path, device):
    """The record of a chapter on a device, if it was made from the chapter's code as it is now."""
    run = records.read_run(path, device)
    return run if run and run["code"] == records.code_hash(path) else None


def _shown_under_fence(includes, devices, page_dir, labels):
    """Markdown lines for what a fence's sections print and draw (recorded on these devices), per device tab where
    devices differ."""
    per_device = {}
    for device in devices:
        texts, images = zip(*(records.section_files(i.path, device, i.name) for i in includes))
        per_device[device] = ("".join(texts), [image for group in images for image in group])
    if not per_device:
        return []
    shown = {device: _markdown(text, images, page_dir, labels) for device, (text, images) in per_device.items()}
    if len(set(map(tuple, shown.values()))) == 1:
        return [""] + next(iter(shown.values()))
    lines = [""]
    for device, block in shown.items():
        lines += [f'=== "{labels[device]}"', ""] + ["    " + line if line else "" for line in block] + [""]
    return lines


def _markdown(text, images, page_dir, labels):
    lines = []
    if text:
        ticks = "`" * max(3, max((len(run) + 1 for run in text.split() if set(run) == {"`"}), default=3))
        lines += [f'{ticks}{{ .text .recorded-output title="{labels["output"]}" }}', *text.rstrip("\n").split("\n"),
                  ticks, ""]
    for image in images:
        src = posixpath.relpath(image.relative_to(DOCS).as_posix(), page_dir or ".")
        lines += [f'![{labels["graph"]}: {image.stem}]({src}){{ .recorded-graph }}', ""]
    return lines


def _stamp(paths, labels, label="verified"):
    """Where the outputs of these chapters were recorded: device, hardware and versions, from their records."""
    parts = []
    for device in DEVICES:
        for path in paths:
            run = _current_run(path, device)
            if run:
                part = (f"{labels[device]}: {run['hardware']}, PyTorch {run['torch']}, NumPy {run['numpy']}, "
                        f"Python {run['python']}")
                parts += [part] if part not in parts else []
    return f'\n\n<p class="page-stamp">{labels[label]} {"; ".join(parts)}.</p>\n' if parts else ""


def on_page_content(html, page, config, files):
    """mkdocs-jupyter inlines all of JupyterLab's stylesheet in every notebook (570 kB), which every later step
    would read; docs/assets/stylesheets/notebook.css has the few rules the notebooks need. It also loads MathJax
    from an empty URL (the page itself, as a script); KaTeX typesets the notebooks' math like every page's."""
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    html = re.sub(r'<style type="text/css">\s*@charset "UTF-8";\.jupyter-wrapper\{[^<]*</style>', "", html)
    return html.replace('<script src=""> </script>', "")


def on_post_page(output, page, config):
    # Drop the <head> language alternates: the theme's script fetches `<alternate>/sitemap.xml` for each, and
    # with per-page alternates (mkdocs-static-i18n) those do not exist, so every page would log two 404 errors.
    # The language switcher in the header keeps its per-page links.
    output = re.sub(r'<link rel="alternate" href="[^"]*" hreflang="[^"]*">\s*', "", output)
    # The language switcher's link to a language's home is absolute (/<site path>/en/); make it relative, so
    # that it works wherever the site is served.
    site_path = urlsplit(config.site_url or "/").path
    output = re.sub(r'<a href="(/[^"]*)" hreflang=', lambda m: '<a href="{}" hreflang='.format(
        posixpath.relpath(m[1].removeprefix(site_path.rstrip("/")) or "/", "/" + page.url) +
        ("/" if m[1].endswith("/") else "")), output)
    if config.theme["language"] == "en":  # English pages search the index that ranks English pages first
        base = posixpath.relpath("en", page.url.rstrip("/") or ".")
        output = re.sub(r'"base": "[^"]*"', f'"base": "{base}"', output, count=1)
    return output


def on_env(env, config, files):
    """Keep mkdocs-jupyter's rendered notebooks of every language in its cache, so that a rebuild with no
    notebook changed renders none (each language is a separate build, and would evict the other's); keep the
    theme's compiled templates too."""
    jupyter = config.plugins["mkdocs-jupyter"]
    for notebook in DOCS.glob("*/notebooks/*.ipynb"):
        key = _compute_cache_key(notebook, jupyter.config, jupyter.config["execute"])
        jupyter._used_cache_paths.add(_get_cache_path(jupyter.config["cache_dir"], key))
    env.bytecode_cache = site_cache.templates()  # the theme's templates, compiled once, not on every build
    return env


def on_page_context(context, page, config, nav):
    """No table of contents on notebook pages: mkdocs-jupyter makes its anchors with another slugify than the
    notebook's headings get (Chinese ones become #_1, #_2...), so its links would lead nowhere."""
    if page.file.src_uri.endswith(".ipynb"):
        page.toc = get_toc([])
    return context


@event_priority(-300)  # after the search plugin and mkdocs-static-i18n have written the index
def on_post_build(config):
    _split_search_index(Path(config.site_dir).joinpath("search", "search_index.json"))
    site_cache.save()


def _split_search_index(combined):
    """One search index per language, each with that language's pages only: half the bytes for every page to
    load, and results in the page's own language.

    mkdocs-static-i18n writes one index with every language's pages at the site root. The root keeps the default
    language's pages; /en/ gets the English ones, and English pages look for their index there (see on_post_page).
    """
    if not combined.exists():
        return
    index = json.loads(combined.read_text(encoding="utf-8"))
    is_english = [doc["location"].startswith("en/") for doc in index["docs"]]
    if all(is_english) or not any(is_english):
        return  # one language's build, not the final index yet
    for language, folder in (("zh", combined.parent), ("en", combined.parent.parent / "en" / "search")):
        docs = [{**doc, "location": doc["location"].removeprefix("en/")}
                for doc, english in zip(index["docs"], is_english) if english == (language == "en")]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "search_index.json").write_text(json.dumps({**index, "docs": docs}, ensure_ascii=False),
                                                  encoding="utf-8")
