"""The project, read once from mkdocs.yml: where things are, the languages and their URLs, the pages, the
chapters, and where each page's notebook and each chapter's records live. Every other module is given one.

Paths of pages and chapters are strings relative to the project's root (`docs/zh/tensors.md`,
`snippets/tensors.py`), as they appear in messages and in include lines.
"""

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

import yaml

from course_pipeline.markdown import Include, includes
from course_pipeline.sections import SnippetError

TIME_LIMIT = 300  # seconds a chapter may run, by default; the longest runs in about 6 s
OUTPUT_LIMIT_KB = 200  # what one section may print, by default


class ProjectError(Exception):
    """mkdocs.yml is missing or does not say what the pipeline needs; the message says what to fix."""


@dataclass(frozen=True)
class Language:
    code: str  # "zh"
    name: str  # "中文", as the language switcher shows it
    default: bool  # the default language is served at the site's root, the others under /<code>/

    @property
    def url_prefix(self) -> str:
        return "" if self.default else f"{self.code}/"


class _Loader(yaml.SafeLoader):
    """mkdocs.yml as data: tags that build Python objects (the slugify function, say) are read as None."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)  # !ENV, !relative


class Project:
    def __init__(self, root: Path):
        self.root = root.resolve()
        config_file = self.root / "mkdocs.yml"
        if not config_file.exists():
            raise ProjectError(f"no mkdocs.yml in {self.root}: run this from the project's folder")
        with config_file.open(encoding="utf-8") as file:
            self.config = yaml.load(file, Loader=_Loader) or {}
        self.docs = self.root / self.config.get("docs_dir", "docs")
        self.outputs = self.docs / "outputs"
        self.snippets = self.root / "snippets"
        self.site_url = (self.config.get("site_url") or "/").rstrip("/") + "/"
        self.repository = (self.config.get("extra") or {}).get("repository", "")
        self.languages = self._languages()
        self.time_limit, self.output_limit_kb = self._limits()
        self.default_language = next(language for language in self.languages if language.default)
        self._includes: dict[tuple[str, str], list[Include]] = {}
        self._pages_by_url: dict[str, str] | None = None

    @classmethod
    def find(cls, start: Path | None = None) -> "Project":
        """The project whose mkdocs.yml is in `start` (the current folder by default) or a folder above it."""
        start = (start or Path.cwd()).resolve()
        for folder in (start, *start.parents):
            if (folder / "mkdocs.yml").exists():
                return cls(folder)
        raise ProjectError(f"no mkdocs.yml in {start} or above it: run this from the project's folder")

    def _languages(self) -> list[Language]:
        for plugin in self.config.get("plugins") or []:
            if isinstance(plugin, dict) and "i18n" in plugin:
                found = [
                    Language(entry["locale"], entry.get("name", entry["locale"]), bool(entry.get("default")))
                    for entry in plugin["i18n"].get("languages", [])
                ]
                if sum(language.default for language in found) != 1:
                    raise ProjectError("mkdocs.yml: the i18n plugin must name exactly one language `default: true`")
                return found
        raise ProjectError("mkdocs.yml: the pipeline needs the i18n plugin (mkdocs-static-i18n) with its languages")

    def _limits(self) -> tuple[float, int]:
        """(seconds a chapter may run, kB a section may print): the `course` plugin's settings in mkdocs.yml,
        or COURSE_TIME_LIMIT / COURSE_OUTPUT_LIMIT_KB in the environment."""
        settings = (
            next(
                (
                    plugin["course"]
                    for plugin in self.config.get("plugins") or []
                    if isinstance(plugin, dict) and "course" in plugin
                ),
                None,
            )
            or {}
        )
        try:
            return (
                float(os.environ.get("COURSE_TIME_LIMIT", settings.get("time_limit", TIME_LIMIT))),
                int(os.environ.get("COURSE_OUTPUT_LIMIT_KB", settings.get("output_limit_kb", OUTPUT_LIMIT_KB))),
            )
        except ValueError as error:
            raise ProjectError(f"the chapter limits must be numbers: {error}") from None

    # Pages

    def language(self, code: str) -> Language:
        return next(language for language in self.languages if language.code == code)

    def language_of(self, page: str) -> Language:
        """docs/en/tensors.md -> English"""
        code = Path(page).relative_to(self.docs.relative_to(self.root)).parts[0]
        return self.language(code)

    def twin(self, page: str, language: Language) -> str:
        """docs/zh/tensors.md, English -> docs/en/tensors.md"""
        parts = Path(page).relative_to(self.docs.relative_to(self.root)).parts
        return str(Path(self.docs.relative_to(self.root), language.code, *parts[1:]))

    def pages(self) -> list[str]:
        """Every Markdown page, in every language folder."""
        return sorted(
            str(path.relative_to(self.root))
            for language in self.languages
            for path in (self.docs / language.code).rglob("*.md")
        )

    def page_url(self, page: str) -> str:
        """docs/en/tensors.md -> en/tensors/ (relative to the site's root); docs/zh/index.md -> ''"""
        language = self.language_of(page)
        name = Path(page).relative_to(self.docs.relative_to(self.root) / language.code).with_suffix("").as_posix()
        return language.url_prefix + ("" if name == "index" else f"{name.removesuffix('/index')}/")

    def published_url(self, page: str, anchor: str = "") -> str:
        return self.site_url + self.page_url(page) + anchor

    def page_of_url(self, url: str) -> str | None:
        """en/tensors/ -> docs/en/tensors.md; en/notebooks/tensors/ -> docs/en/notebooks/tensors.ipynb"""
        if self._pages_by_url is None:
            self._pages_by_url = {self.page_url(page): page for page in self.pages()}
            self._pages_by_url.update(
                {self.notebook_url(page): self.relative(self.notebook_path(page)) for page in self.chapter_pages()}
            )
        return self._pages_by_url.get(url)

    # Chapters: the snippet files that pages include

    def includes(self, page: str) -> list[Include]:
        """The snippet sections a page's python fences include, in page order (see markdown.includes)."""
        text = (self.root / page).read_text(encoding="utf-8")
        if (page, text) not in self._includes:
            self._includes[(page, text)] = includes(page, text)
        return self._includes[(page, text)]

    def page_error(self, page: str) -> SnippetError | None:
        """What is wrong with a page's code fences, if anything (a page with an error shows no chapter)."""
        try:
            self.includes(page)
        except SnippetError as error:
            return error
        return None

    def _readable_includes(self, page: str) -> list[Include]:
        return [] if self.page_error(page) else self.includes(page)

    def chapter_pages(self) -> list[str]:
        return [page for page in self.pages() if self._readable_includes(page)]

    def chapters(self) -> list[str]:
        return sorted({include.path for page in self.pages() for include in self._readable_includes(page)})

    def chapter_of(self, page: str) -> str | None:
        found = {include.path for include in self.includes(page)}
        return found.pop() if len(found) == 1 else None

    # Where generated files go

    def notebook_path(self, page: str) -> Path:
        """docs/zh/tensors.md -> <root>/docs/zh/notebooks/tensors.ipynb"""
        path = self.root / page
        return path.parent / "notebooks" / f"{path.stem}.ipynb"

    def notebook_url(self, page: str) -> str:
        """docs/en/tensors.md -> en/notebooks/tensors/"""
        return self.language_of(page).url_prefix + f"notebooks/{Path(page).stem}/"

    def colab_url(self, page: str) -> str:
        notebook = self.notebook_path(page).relative_to(self.root).as_posix()
        return (
            f"https://colab.research.google.com/github/{self.repository.split('github.com/')[-1]}/blob/main/{notebook}"
        )

    def record_dir(self, chapter: str, device: str) -> Path:
        """snippets/tensors.py -> <root>/docs/outputs/tensors/<device>; snippets/part2/tensors.py ->
        <root>/docs/outputs/part2/tensors/<device>: two chapters never share a folder."""
        path = Path(chapter)
        inside = path.relative_to("snippets") if path.parts[:1] == ("snippets",) else path
        return self.outputs / inside.with_suffix("") / device

    def relative(self, path: Path) -> str:
        return posixpath.relpath(path, self.root) if path.is_absolute() else str(path)
