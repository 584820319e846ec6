"""Named sections of snippet files, and the include lines that pages use to show them.

A snippet file is a chapter's whole code, cut into sections by pymdownx.snippets markers:

    # --8<-- [start:make-data]
    ...code...
    # --8<-- [end:make-data]

A section named `<step>-zh` or `<step>-en` is one language's version of the same step (a plot labelled in
that language, say): the zh page shows `<step>-zh` where the en page shows `<step>-en`.

A page shows a section with a fence holding only an include line:

    ```python
    --8<-- "snippets/linear_regression.py:make-data"
    ```
"""

import functools
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

MARKER = re.compile(r"^\s*#\s*-+8<-+\s*\[(?P<kind>start|end):(?P<name>[\w-]+)\]\s*$")
INCLUDE = re.compile(r'^\s*-+8<-+\s+"(?P<path>[^":]+):(?P<name>[\w-]+)"\s*$')
FENCE_OPEN = re.compile(r"^(?P<indent>\s*)(?P<ticks>`{3,}|~{3,})\s*(?P<info>.*)$")


LANGUAGE_VARIANT = re.compile(r"^(?P<step>.+)-(?P<language>zh|en)$")


def language_of(name: str) -> str | None:
    """The language a section is written for, or None for a section that both languages show."""
    variant = LANGUAGE_VARIANT.match(name)
    return variant["language"] if variant else None


def step_of(name: str) -> str:
    """A section's name without its language suffix: twins show the same steps."""
    variant = LANGUAGE_VARIANT.match(name)
    return variant["step"] if variant else name


class SnippetError(Exception):
    """Bad input in a snippet file or page; the message names the file and line."""


@dataclass(frozen=True)
class Section:
    path: str  # snippet file, relative to the repository root
    name: str
    first_line: int  # 1-based line number of the section's first code line
    code: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.first_line}"


def read_sections(path: str) -> list[Section]:
    """All sections of a snippet file, in file order. Every line of code must be inside one."""
    return list(_parse_sections(path, (ROOT / path).read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=64)  # a page build asks for each section of a file in turn
def _parse_sections(path: str, text: str) -> tuple[Section, ...]:
    lines = text.splitlines()
    sections, open_name, start, seen = [], None, 0, set()
    for number, line in enumerate(lines, 1):
        marker = MARKER.match(line)
        where = f"{path}:{number}"
        if marker and marker["kind"] == "start":
            if open_name:
                raise SnippetError(f"{where}: section '{marker['name']}' starts inside '{open_name}'; "
                                   f"close '{open_name}' first with '# --8<-- [end:{open_name}]'")
            if marker["name"] in seen:
                raise SnippetError(f"{where}: section '{marker['name']}' is defined twice; give it another name")
            open_name, start = marker["name"], number
        elif marker:
            if marker["name"] != open_name:
                raise SnippetError(f"{where}: '[end:{marker['name']}]' does not close the open section "
                                   f"'{open_name}'")
            body = lines[start:number - 1]
            if not any(text.strip() for text in body):
                raise SnippetError(f"{path}:{start}: section '{open_name}' is empty")
            sections.append(Section(path, open_name, start + 1, "\n".join(body) + "\n"))
            seen.add(open_name)
            open_name = None
        elif not open_name and line.strip() and not line.lstrip().startswith("#"):
            raise SnippetError(f"{where}: code outside any section; readers would never see it. "
                               f"Wrap it in '# --8<-- [start:NAME]' ... '# --8<-- [end:NAME]'")
    if open_name:
        raise SnippetError(f"{path}:{start}: section '{open_name}' is never closed; add '# --8<-- [end:{open_name}]'")
    return tuple(sections)


def section(path: str, name: str) -> Section:
    for found in read_sections(path):
        if found.name == name:
            return found
    raise SnippetError(f"{path} has no section '{name}'; add '# --8<-- [start:{name}]' ... "
                       f"'# --8<-- [end:{name}]' to it, or fix the include")


@dataclass(frozen=True)
class Include:
    page: str  # page path, relative to the repository root
    line: int  # 1-based line of the include in the page
    path: str  # snippet file
    name: str  # section name
    indent: str  # indentation of the fence (fences nested in tabs or admonitions are indented)
    fence_end: int  # 1-based line of the fence's closing line


def page_includes(page: str, text: str | None = None) -> list[Include]:
    """The snippet sections that a page's python fences include, in page order.

    A python fence on a page may hold include lines only: code lives in snippets/.
    """
    lines = (text if text is not None else (ROOT / page).read_text(encoding="utf-8")).splitlines()
    includes, number = [], 0
    while number < len(lines):
        fence = FENCE_OPEN.match(lines[number])
        number += 1
        if not fence:
            continue
        ticks, info = fence["ticks"], fence["info"].strip()
        body_start = number
        while number < len(lines) and not lines[number].strip().startswith(ticks):
            number += 1
        if number == len(lines):
            raise SnippetError(f"{page}:{body_start}: code fence is never closed")
        if info.split(" ")[0].lstrip("{.") in ("python", "py", "python3"):
            for offset, line in enumerate(lines[body_start:number]):
                include = INCLUDE.match(line)
                if include:
                    includes.append(Include(page, body_start + offset + 1, include["path"], include["name"],
                                            fence["indent"], number + 1))
                elif line.strip():
                    raise SnippetError(f"{page}:{body_start + offset + 1}: python code written on the page; "
                                       f"move it into a section of a snippets/ file and include it with "
                                       f'--8<-- "snippets/FILE.py:SECTION"')
        number += 1
    return includes


def pages() -> list[str]:
    """Every page of the site, both languages, relative to the repository root."""
    return sorted(str(p.relative_to(ROOT)) for p in DOCS.rglob("*.md"))


def chapters() -> list[str]:
    """Every snippet file that a page includes."""
    return sorted({include.path for page in pages() for include in page_includes(page)})


CJK_PUNCTUATION = "\u3000-\u303f\uff00-\uffef"  # ，。：；、！？（）「」 and friends
CJK_IDEOGRAPHS = "\u2e80-\u2fff\u3040-\u9fff"
CJK_LINE_BREAK = re.compile(
    rf"(?<=[{CJK_PUNCTUATION}])\n[ \t]*(?=[^-*+#>|=!?<$\d \t\n])"  # after Chinese punctuation, in a paragraph
    rf"|(?<=\S)\n[ \t]*(?=[{CJK_PUNCTUATION}])"  # before it
    rf"|(?<=[{CJK_IDEOGRAPHS}])\n[ \t]*(?=[{CJK_IDEOGRAPHS}])"  # between two Chinese characters
)


def join_cjk_lines(markdown: str) -> str:
    """Join prose lines broken next to Chinese text: a browser shows such a break as a space, which Chinese
    typography has no place for (between Chinese and Latin text it is the wanted space, so that break stays).
    Code fences are left as they are."""
    parts = re.split(r"(?ms)(^[ \t]*(?:`{3,}|~{3,}).*?^[ \t]*(?:`{3,}|~{3,})[ \t]*$)", markdown)
    return "".join(part if index % 2 else CJK_LINE_BREAK.sub("", part) for index, part in enumerate(parts))
