"""The MkDocs plugin (`course` in mkdocs.yml's plugins): put each section's recorded output and graphs under its
code block, link each chapter to its notebook, and stamp each page with what its outputs were recorded on.

The build only reads records (docs/outputs/) and notebooks; it never runs chapter code or imports torch. Records
or notebooks made from other code fail `mkdocs build`; `mkdocs serve` re-makes them on save instead.
"""

import os
import posixpath
import sys
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config import config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from course_pipeline import (
    device,
    freshness,
    memos,
    notebook_pages,
    notebooks,
    page_furniture,
    page_outputs,
    patches,
    project_checks,
    records,
    search_index,
)
from course_pipeline.labels import labels
from course_pipeline.markdown import includes as read_includes
from course_pipeline.markdown import join_cjk_lines
from course_pipeline.patches import mkdocs_jupyter_cache
from course_pipeline.project import OUTPUT_LIMIT_KB, TIME_LIMIT, Project
from course_pipeline.record_chapter import SIMULATED
from course_pipeline.regenerate import record_all
from course_pipeline.sections import SnippetError

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

    def on_shutdown(self):
        mkdocs_jupyter_cache.shut_down()

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
        if patches.enabled():
            mkdocs_jupyter_cache.render_ahead(config, self.project.docs, self.project.default_language.code)

    def _check_records_and_notebooks(self):
        project = self.project
        broken = project_checks.problems(project)
        if broken:
            raise PluginError("\n".join(broken))
        if self.serving:
            stale = freshness.stale_records(project)
            if stale:
                print(
                    f"re-recording outputs of {', '.join(sorted({chapter for chapter, _ in stale}))}", file=sys.stderr
                )
                if not record_all(project, stale, keep=True):  # warm recorders between saves
                    # the build goes on: a failed build would leave mkdocs serve answering no page at all
                    print(
                        "error: some chapters could not be recorded (above); their pages show no outputs until "
                        "they are fixed",
                        file=sys.stderr,
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
            simulated = [
                project.relative(project.record_dir(chapter, name))
                for name in device.DEVICES
                if SIMULATED in ((records.read_run(project, chapter, name) or {}).get("hardware") or "")
            ]
            if simulated and device.OVERRIDE not in os.environ:  # the tests simulate a GPU machine on purpose
                problems += [
                    f"{folder}/: a simulated record ({device.OVERRIDE} on a machine without that device), not a "
                    f"real run; the site shows real runs only: delete it, or record it on a GPU (.ci/gpu)"
                    for folder in simulated
                ]
        if problems:
            raise PluginError("\n".join(problems))
        if notebooks.stale_notebooks(project):
            raise PluginError(
                f"notebooks are missing or out of date for: "
                f"{', '.join(notebooks.stale_notebooks(project))}; make them with: {records.REGENERATE}"
            )

    def on_page_markdown(self, markdown, page, config, files):
        page_furniture.describe(self.project, page, markdown, config)  # description, source, edit/report links
        if page.file.src_uri.endswith(".ipynb"):
            mkdocs_jupyter_cache.wait_for(page.file.abs_src_path)  # if rendered ahead
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
                VERIFIED_MARKER, page_furniture.stamp(project, project.chapters(), words, "verified-course").strip()
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
            shown = page_outputs.shown_under_fence(project, fences[fence_end], devices, page_dir, words)
            lines[fence_end:fence_end] = [fences[fence_end][0].indent + line if line else "" for line in shown]
        lines[1:1] = ["", page_furniture.notebook_links(project, page_path, page, words)]  # under the title
        return "\n".join(lines) + page_furniture.stamp(project, [chapter], words)

    def on_page_content(self, html, page, config, files):
        """Notebook pages, finished as the chapter pages are (course_pipeline/notebook_pages.py)."""
        if not notebook_pages.is_notebook(page):
            return html
        return notebook_pages.content(html, page, config, self.project)

    def on_env(self, env, config, files):
        if patches.enabled():
            mkdocs_jupyter_cache.keep_every_language(config, self.project.docs)
        env.bytecode_cache = memos.templates()  # the theme's templates, compiled once, not on every build
        env.globals["site_path"] = urlsplit(config.site_url or "/").path.rstrip("/") + "/"  # overrides/partials/
        env.globals.update(page_furniture.template_globals(self.project))  # labels, commit: overrides/
        return env

    def on_post_template(self, output, template_name, config):
        return page_furniture.place_404(self.project, output, template_name, config)  # /<code>/404.html

    def on_page_context(self, context, page, config, nav):
        """The search index of the page's language, for the theme's templates (overrides/main.html); a notebook
        page's previous and next pages (notebook_pages.py)."""
        language = self.project.language(config.theme["language"])
        if not language.default:  # its pages search the index in /<code>/search/ (see _split_search_index)
            # the page's folder: en/tensors/ with directory URLs, en/ for en/tensors.html (the offline site)
            context["search_base"] = posixpath.relpath(language.code, posixpath.dirname(page.url) or ".")
        if notebook_pages.is_notebook(page):
            notebook_pages.neighbours(page, nav, self.project)
        return context

    @event_priority(-300)  # after the search plugin and mkdocs-static-i18n have written the index
    def on_post_build(self, config):
        search_index.split_by_language(self.project, Path(config.site_dir) / "search" / "search_index.json")
        memos.save()
