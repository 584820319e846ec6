"""MkDocs hooks: put each section's recorded output and graphs under its code block, and stamp each page.

The build only reads records (docs/outputs/); it never runs chapter code or imports torch. A record made from
other code fails `mkdocs build`; `mkdocs serve` re-records such chapters on save instead.
"""

import posixpath
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for `snippets.pipeline`

from snippets.pipeline import records  # noqa: E402
from snippets.pipeline.regenerate import regenerate  # noqa: E402
from snippets.pipeline.sections import DOCS, SnippetError, chapters, page_includes  # noqa: E402

LABELS = {
    "zh": {"output": "输出", "graph": "图", "verified": "本页的输出记录于真实运行：",
           "cpu": "CPU", "cuda": "CUDA GPU"},
    "en": {"output": "Output", "graph": "Figure", "verified": "The outputs on this page were recorded from real runs:",
           "cpu": "CPU", "cuda": "CUDA GPU"},
}
DEVICES = ("cpu", "cuda")
VERIFIED_MARKER = "<!-- verified-versions -->"  # a page may ask for the versions every chapter was verified with

serving = False


def on_startup(command, dirty):
    global serving
    serving = command == "serve"


def on_pre_build(config):
    stale = [path for path in chapters() if records.read_run(path, "cpu") is None or records.code_changed(path, "cpu")]
    if not stale:
        return
    if serving:
        print(f"re-recording outputs of {', '.join(stale)}", file=sys.stderr)
        regenerate(stale)
        return
    raise PluginError(f"recorded outputs are missing or older than the code of: {', '.join(stale)}; "
                      f"record them with: {records.REGENERATE}")


def on_page_markdown(markdown, page, config, files):
    labels = LABELS[config.theme["language"]]
    try:
        includes = page_includes(f"docs/{page.file.src_uri}", markdown)
    except SnippetError as error:
        raise PluginError(str(error)) from None
    markdown = markdown.replace(VERIFIED_MARKER, _stamp(chapters(), labels).strip())
    if not includes:
        return markdown
    lines = markdown.split("\n")
    page_dir = posixpath.dirname(page.file.src_uri)
    fences = {}
    for include in includes:
        fences.setdefault(include.fence_end, []).append(include)
    for fence_end in sorted(fences, reverse=True):
        shown = _shown_under_fence(fences[fence_end], page_dir, labels)
        lines[fence_end:fence_end] = [fences[fence_end][0].indent + line if line else "" for line in shown]
    return "\n".join(lines) + _stamp([includes[0].path], labels)


def _shown_under_fence(includes, page_dir, labels):
    """Markdown lines for what a fence's sections print and draw, per device tab where devices differ."""
    per_device = {}
    for device in DEVICES:
        run = records.read_run(includes[0].path, device)
        if run is None or run["code"] != records.code_hash(includes[0].path):
            continue
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


def _stamp(paths, labels):
    """Where the outputs of these chapters were recorded: device, hardware and versions, from their records."""
    parts = []
    for device in DEVICES:
        for path in paths:
            run = records.read_run(path, device)
            if run and run["code"] == records.code_hash(path):
                part = (f"{labels[device]}: {run['hardware']}, PyTorch {run['torch']}, NumPy {run['numpy']}, "
                        f"Python {run['python']}")
                parts += [part] if part not in parts else []
    return f'\n\n<p class="page-stamp">{labels["verified"]} {"; ".join(parts)}.</p>\n' if parts else ""


def on_post_page(output, page, config):
    """Drop the <head> language alternates: the theme's script fetches `<alternate>/sitemap.xml` for each, and
    with per-page alternates (mkdocs-static-i18n) those do not exist, so every page would log two 404 errors.
    The language switcher in the header keeps its per-page links."""
    return re.sub(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">', "", output)
