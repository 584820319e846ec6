"""The MkDocs plugin (`course` in mkdocs.yml's plugins): put each section's recorded output and graphs under its
code block, link each chapter to its notebook, and stamp each page with what its outputs were recorded on.

The build only reads records (docs/outputs/) and notebooks; it never runs chapter code or imports torch. Records
or notebooks made from other code fail `mkdocs build`; `mkdocs serve` re-makes them on save instead.
"""

import json
import posixpath
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config import config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.toc import get_toc

from course_pipeline import device, freshness, memos, notebooks, patches, records
from course_pipeline.labels import labels
from course_pipeline.markdown import includes as read_includes
from course_pipeline.markdown import join_cjk_lines
from course_pipeline.patches import mkdocs_jupyter_cache
from course_pipeline.project import OUTPUT_LIMIT_KB, TIME_LIMIT, Project
from course_pipeline.regenerate import record_all
from course_pipeline.sections import SnippetError, read_sections

VERIFIED_MARKER = "<!-- verified-versions -->"  # a page may ask for the versions every chapter was verified with


class CoursePlugin(BasePlugin):
    """Settings (read by project.py): time_limit, the seconds a chapter may run; output_limit_kb, what one
    section may print."""

    config_scheme = (
        ("time_limit", config_options.Type(int, default=TIME_LIMIT)),
        ("output_limit_kb", config_options.Type(int, default=OUTPUT_LIMIT_KB)),
    )
    serving = False
    project: Project

    def on_startup(self, command, dirty):
        self.serving = command == "serve"

    def on_config(self, config):
        self.project = Project(Path(config.config_file_path).parent)
        memos.place_in(self.project.root)
        patches.apply_build_patches()
        return config

    def on_serve(self, server, config, builder):
        """Rebuild once per save: the records and notebooks that a rebuild writes into docs/ are not watched
        (a change to them would start a second build), everything else there is."""
        generated = {
            self.project.outputs,
            *(self.project.docs / language.code / "notebooks" for language in self.project.languages),
        }
        server.unwatch(config.docs_dir)
        for folder in [self.project.docs, *sorted(self.project.docs.rglob("*"))]:
            if folder.is_dir() and not any(folder == g or g in folder.parents for g in generated):
                server.watch(str(folder), recursive=False)
        return server

    def on_pre_build(self, config):
        if config.theme["language"] != self.project.default_language.code:
            return  # each language is a build of its own; the default language's comes first and checks for all
        try:
            self._check_records_and_notebooks()
        except SnippetError as error:
            raise PluginError(str(error)) from None

    def _check_records_and_notebooks(self):
        project = self.project
        broken = _links_out_of_the_project(project) + _broken_includes(project)
        if broken:
            raise PluginError("\n".join(broken))
        if self.serving:
            stale = freshness.stale_records(project)
            if stale:
                print(
                    f"re-recording outputs of {', '.join(sorted({chapter for chapter, _ in stale}))}", file=sys.stderr
                )
                if not record_all(project, stale):
                    raise PluginError(
                        "some chapters could not be recorded (above); the site shows their old outputs "
                        "until they are fixed"
                    )
            notebooks.write_stale(project)
            return
        problems = []
        for chapter in project.chapters():
            state = freshness.record_state(project, chapter, device.REFERENCE)
            folder = project.relative(project.record_dir(chapter, device.REFERENCE))
            if state in ("missing", "other code"):
                problems.append(
                    f"{folder}/: recorded outputs are {'missing' if state == 'missing' else 'older than'} "
                    f"the code of {chapter}; record them with: {records.REGENERATE} {chapter}"
                )
            elif state == "edited":
                problems.append(
                    f"{folder}/: its files were changed by hand (they no longer match its run.json); "
                    f"outputs are never typed: record them with: {records.REGENERATE} {chapter}"
                )
        if problems:
            raise PluginError("\n".join(problems))
        if notebooks.stale_notebooks(project):
            raise PluginError(
                f"notebooks are missing or out of date for: "
                f"{', '.join(notebooks.stale_notebooks(project))}; make them with: {records.REGENERATE}"
            )

    def on_page_markdown(self, markdown, page, config, files):
        if page.file.src_uri.endswith(".ipynb"):
            page.meta["search"] = {"exclude": True}  # its chapter page, with the same text, is what search finds
            return markdown
        project, words = self.project, labels(config.theme["language"])
        page_path = project.relative(project.docs / page.file.src_uri)
        markdown = join_cjk_lines(markdown)
        try:
            includes = read_includes(page_path, markdown)
        except SnippetError as error:
            raise PluginError(str(error)) from None
        if VERIFIED_MARKER in markdown:
            markdown = markdown.replace(
                VERIFIED_MARKER, _stamp(project, project.chapters(), words, "verified-course").strip()
            )
        if not includes:
            return markdown
        lines = markdown.split("\n")
        page_dir = posixpath.dirname(page.file.src_uri)
        fences = {}
        for include in includes:
            fences.setdefault(include.fence_end, []).append(include)
        chapter = includes[0].path
        devices = freshness.shown_devices(project, chapter)
        for fence_end in sorted(fences, reverse=True):
            shown = _shown_under_fence(project, fences[fence_end], devices, page_dir, words)
            lines[fence_end:fence_end] = [fences[fence_end][0].indent + line if line else "" for line in shown]
        lines[1:1] = ["", _notebook_links(project, page_path, page, words)]  # under the title
        return "\n".join(lines) + _stamp(project, [chapter], words)

    def on_page_content(self, html, page, config, files):
        """mkdocs-jupyter inlines all of JupyterLab's stylesheet in every notebook (570 kB), which every later
        step would read; docs/assets/stylesheets/notebook.css has the few rules the notebooks need. It also
        loads MathJax from an empty URL (the page itself, as a script); KaTeX typesets the notebooks' math."""
        if not page.file.src_uri.endswith(".ipynb"):
            return html
        html = re.sub(r'<style type="text/css">\s*@charset "UTF-8";\.jupyter-wrapper\{[^<]*</style>', "", html)
        return html.replace('<script src=""> </script>', "")

    def on_env(self, env, config, files):
        if patches.enabled():
            mkdocs_jupyter_cache.keep_every_language(config, self.project.docs)
        env.bytecode_cache = memos.templates()  # the theme's templates, compiled once, not on every build
        env.globals["site_path"] = urlsplit(config.site_url or "/").path.rstrip("/") + "/"  # overrides/partials/
        return env

    def on_page_context(self, context, page, config, nav):
        """The search index of the page's language, for the theme's templates (overrides/main.html).

        No table of contents on notebook pages: mkdocs-jupyter makes its anchors with another slugify than
        the notebook's headings get (Chinese ones become #_1, #_2...), so its links would lead nowhere."""
        language = self.project.language(config.theme["language"])
        if not language.default:  # its pages search the index in /<code>/search/ (see _split_search_index)
            context["search_base"] = posixpath.relpath(language.code, page.url.rstrip("/") or ".")
        if page.file.src_uri.endswith(".ipynb"):
            page.toc = get_toc([])
        return context

    @event_priority(-300)  # after the search plugin and mkdocs-static-i18n have written the index
    def on_post_build(self, config):
        _split_search_index(self.project, Path(config.site_dir) / "search" / "search_index.json")
        memos.save()


def _links_out_of_the_project(project):
    """Symbolic links under docs/ or snippets/ that lead outside the project: the site would publish, or a page
    include, a file that is not the project's."""
    return [
        f"{project.relative(path)}: a link to {path.resolve()}, outside the project; copy the file in instead"
        for folder in (project.docs, project.snippets)
        for path in folder.rglob("*")
        if path.is_symlink() and not path.resolve().is_relative_to(project.root)
    ]


def _broken_includes(project):
    """Include lines that name a snippet file or section that does not exist, with where they are."""
    broken = []
    for page in project.pages():
        for include in project.includes(page):
            where = f"{include.page}:{include.line}"
            if not (project.root / include.path).is_file():
                broken.append(f"{where}: includes {include.path}, which does not exist; fix the include line")
            elif include.name not in [section.name for section in read_sections(project.root, include.path)]:
                broken.append(
                    f"{where}: {include.path} has no section '{include.name}'; fix the include line or add the section"
                )
    return broken


def _notebook_links(project, page_path, page, words):
    """A line under the title: the chapter as a notebook on this site, as a file, and in Colab."""
    name = Path(page_path).stem
    notebook_page = "/" + project.notebook_url(page_path)
    download = posixpath.relpath(f"{notebook_page}{name}.ipynb", "/" + page.url)
    return (
        f"[{words['notebook']}](notebooks/{name}.ipynb) · "
        f'<a href="{download}" download>{words["download"]}</a> · [{words["colab"]}]({project.colab_url(page_path)})'
        f"\n{{: .notebook-links }}"
    )


def _shown_under_fence(project, includes, devices, page_dir, words):
    """Markdown lines for what a fence's sections print and draw (recorded on these devices), per device tab
    where devices differ."""
    per_device = {}
    for name in devices:
        texts, images = zip(*(records.section_files(project, i.path, name, i.name) for i in includes))
        per_device[name] = ("".join(texts), [image for group in images for image in group])
    if not per_device:
        return []
    shown = {name: _markdown(project, text, images, page_dir, words) for name, (text, images) in per_device.items()}
    if len(set(map(tuple, shown.values()))) == 1:
        return [""] + next(iter(shown.values()))
    lines = [""]
    for name, block in shown.items():
        lines += [f'=== "{words[name]}"', ""] + ["    " + line if line else "" for line in block] + [""]
    return lines


def _markdown(project, text, images, page_dir, words):
    lines = []
    if text:
        ticks = "`" * max(3, max((len(run) + 1 for run in text.split() if set(run) == {"`"}), default=3))
        lines += [
            f'{ticks}{{ .text .recorded-output title="{words["output"]}" }}',
            *[_literal(line) for line in text.rstrip("\n").split("\n")],
            ticks,
            "",
        ]
    for image in images:
        src = posixpath.relpath(image.relative_to(project.docs).as_posix(), page_dir or ".")
        lines += [f"![{words['graph']}: {image.stem}]({src}){{ .recorded-graph }}", ""]
    return lines


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _literal(line: str) -> str:
    """A line of printed output as text on the page: never read as an include line (pymdownx.snippets reads
    those even in code blocks; `;` escapes one), and with control characters shown as their symbols (␛, ␍)."""
    line = CONTROL.sub(lambda match: chr(0x2421 if match[0] == "\x7f" else 0x2400 + ord(match[0])), line)
    return re.sub(r"^([ \t]*)(;*-+8<-)", r"\1;\2", line)


def _stamp(project, chapters, words, label="verified"):
    """Where the outputs of these chapters were recorded: device, hardware and versions, from their records."""
    parts = []
    for name in device.DEVICES:
        for chapter in chapters:
            run = (
                records.read_run(project, chapter, name) if name in freshness.shown_devices(project, chapter) else None
            )
            if run:
                part = (
                    f"{words[name]}: {run['hardware']}, PyTorch {run['torch']}, NumPy {run['numpy']}, "
                    f"Python {run['python']}"
                )
                parts += [part] if part not in parts else []
    return f'\n\n<p class="page-stamp">{words[label]} {"; ".join(parts)}.</p>\n' if parts else ""


def _split_search_index(project, combined):
    """One search index per language, each with that language's pages only: half the bytes for every page to
    load, and results in the page's own language.

    mkdocs-static-i18n writes one index with every language's pages at the site root. The root keeps the default
    language's pages; /<code>/ gets another language's, and its pages look for their index there (see
    on_post_page).
    """
    if not combined.exists():
        return
    index = json.loads(combined.read_text(encoding="utf-8"))
    others = [language for language in project.languages if not language.default]

    def language_of(doc):
        return next(
            (language for language in others if doc["location"].startswith(language.url_prefix)),
            project.default_language,
        )

    found = [language_of(doc) for doc in index["docs"]]
    if len(set(found)) < len(project.languages):
        return  # one language's build, not the final index yet
    for language in project.languages:
        folder = combined.parent if language.default else combined.parent.parent / language.code / "search"
        docs = [
            {**doc, "location": doc["location"].removeprefix(language.url_prefix)}
            for doc, its in zip(index["docs"], found)
            if its == language
        ]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "search_index.json").write_text(
            json.dumps({**index, "docs": docs}, ensure_ascii=False), encoding="utf-8"
        )
