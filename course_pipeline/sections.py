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

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from pymdownx.snippets import SnippetPreprocessor

# pymdownx.snippets' own grammar for a section marker, so that what passes here is what the site accepts
MARKER = SnippetPreprocessor.RE_SNIPPET_SECTION
NAME = r"[a-zA-Z][-_0-9a-zA-Z]*"
INCLUDE = re.compile(rf'^[ \t]*-+8<-+[ \t]+"(?P<path>[^":]+):(?P<name>{NAME})"[ \t]*$')


def language_of(name: str, codes) -> str | None:
    """The language a section is written for (`plot-zh`: zh), or None for a section that every language shows."""
    step, _, suffix = name.rpartition("-")
    return suffix if step and suffix in codes else None


def step_of(name: str, codes) -> str:
    """A section's name without its language suffix (`plot-zh`: plot): twins show the same steps."""
    return name.rpartition("-")[0] if language_of(name, codes) else name


class SnippetError(Exception):
    """Bad input in a snippet file or page; the message names the file and line."""


@dataclass(frozen=True)
class Section:
    path: str  # snippet file, relative to the project's root
    name: str
    first_line: int  # 1-based line number of the section's first code line
    code: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.first_line}"


def read_sections(root: Path, path: str) -> list[Section]:
    """All sections of a snippet file, in file order. Every line of code must be inside one."""
    return list(parse_sections(path, (root / path).read_text(encoding="utf-8")))


def marker(line: str, where: str) -> tuple[str, str] | None:
    """("start" or "end", name) for a section marker line, None for any other line; an error for a line that
    pymdownx.snippets would take for a marker, or half-understand, but that does not say what its author meant."""
    if "8<-" not in line:
        return None
    found = MARKER.match(line)
    if not found:
        if re.search(r"\[\s*(start|end)\s*:", line, re.IGNORECASE):
            raise SnippetError(
                f"{where}: not a valid section marker: {line.strip()!r}; a section name starts with "
                f"a letter and has only letters, digits, - and _ (as pymdownx.snippets requires)"
            )
        return None
    if found["escape"]:
        return None  # `;--8<--` is text, for pymdownx.snippets too
    if found["pre"].strip() not in ("", "#") or found["post"].strip():
        raise SnippetError(
            f"{where}: a section marker must be alone on its line (a comment): the site drops the "
            f"whole line, code and all; write it as '# --8<-- [{found['type']}:{found['name']}]'"
        )
    return found["type"].lower(), found["name"]


@functools.lru_cache(maxsize=64)  # a page build asks for each section of a file in turn
def parse_sections(path: str, text: str) -> tuple[Section, ...]:
    odd = re.search("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]", text)
    if odd:  # str.splitlines() breaks lines there, Python does not: what runs and what a reader sees would differ
        raise SnippetError(
            f"{path}:{text.count(chr(10), 0, odd.start()) + 1}: the character {odd[0]!r} breaks a line for some "
            f"tools and not for Python; remove it"
        )
    lines = text.split("\n")
    sections, open_name, start, seen = [], None, 0, set()
    for number, line in enumerate(lines, 1):
        where = f"{path}:{number}"
        found = marker(line, where)
        if found and found[0] == "start":
            if open_name:
                raise SnippetError(
                    f"{where}: section '{found[1]}' starts inside '{open_name}'; "
                    f"close '{open_name}' first with '# --8<-- [end:{open_name}]'"
                )
            if found[1] in seen:
                raise SnippetError(f"{where}: section '{found[1]}' is defined twice; give it another name")
            open_name, start = found[1], number
        elif found:
            if found[1] != open_name:
                raise SnippetError(f"{where}: '[end:{found[1]}]' does not close the open section '{open_name}'")
            body = lines[start : number - 1]
            if not any(text.strip() for text in body):
                raise SnippetError(f"{path}:{start}: section '{open_name}' is empty")
            sections.append(Section(path, open_name, start + 1, "\n".join(body) + "\n"))
            seen.add(open_name)
            open_name = None
        elif not open_name and line.strip() and not line.lstrip().startswith("#"):
            raise SnippetError(
                f"{where}: code outside any section; readers would never see it. "
                f"Wrap it in '# --8<-- [start:NAME]' ... '# --8<-- [end:NAME]'"
            )
    if open_name:
        raise SnippetError(f"{path}:{start}: section '{open_name}' is never closed; add '# --8<-- [end:{open_name}]'")
    return tuple(sections)


def section(root: Path, path: str, name: str) -> Section:
    sections = read_sections(root, path)
    for found in sections:
        if found.name == name:
            return found
    raise SnippetError(
        f"{path} has no section '{name}'{did_you_mean(name, [found.name for found in sections])}; add "
        f"'# --8<-- [start:{name}]' ... '# --8<-- [end:{name}]' to it, or fix the include"
    )


def did_you_mean(name: str, names: list[str]) -> str:
    """ " (did you mean 'hello'?)" for the closest of names to a misspelt one, "" if none is close."""
    close = difflib.get_close_matches(name, names, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
