"""Pages and snippets agree: every page has a twin in each other language showing the same code and the same
heading ids, every chapter page shows all of its snippet file, in order, so that the page is the whole chapter,
and every line of that code fits the page's content column."""

import re
import unicodedata

import pytest

from course_pipeline import project_checks
from course_pipeline.markdown import prose_lines
from course_pipeline.pytest_plugin import project
from course_pipeline.sections import SnippetError, language_of, read_sections, step_of

PROJECT = project()
CODES = [language.code for language in PROJECT.languages]
DEFAULT = PROJECT.default_language


@pytest.mark.parametrize("page", PROJECT.pages())
def test_page_has_a_twin(page):
    missing = project_checks.missing_twins(PROJECT, [page])  # the build refuses them too
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("page", [p for p in PROJECT.pages() if PROJECT.language_of(p) == DEFAULT])
@pytest.mark.parametrize("language", [language for language in PROJECT.languages if not language.default])
def test_twins_show_the_same_code(page, language):
    other = PROJECT.twin(page, language)
    if not (PROJECT.root / other).exists():
        pytest.skip(f"{other} is missing (test_page_has_a_twin says so)")
    mine, theirs = PROJECT.includes(page), PROJECT.includes(other)
    for position, (a, b) in enumerate(zip(mine, theirs), 1):
        if (a.path, step_of(a.name, CODES)) != (b.path, step_of(b.name, CODES)):
            pytest.fail(
                f"code block {position} differs between twins: {page}:{a.line} includes "
                f"{a.path}:{a.name} but {other}:{b.line} includes {b.path}:{b.name}; "
                f"both languages must include the same sections in the same order"
            )
    if len(mine) != len(theirs):
        longer, extra = (page, mine[len(theirs)]) if len(mine) > len(theirs) else (other, theirs[len(mine)])
        pytest.fail(
            f"{longer}:{extra.line} includes {extra.path}:{extra.name}, which its twin does not; "
            f"both languages must include the same sections in the same order"
        )


@pytest.mark.parametrize("page", PROJECT.pages())
def test_page_shows_its_whole_chapter(page):
    includes = PROJECT.includes(page)
    files = sorted({include.path for include in includes})
    if not files:
        return
    assert len(files) == 1, f"{page} includes code from {', '.join(files)}; a page shows one snippet file"
    try:
        names = [section.name for section in read_sections(PROJECT.root, files[0])]
    except (SnippetError, FileNotFoundError) as error:
        pytest.fail(f"{page}:{includes[0].line}: {error}")
    language = PROJECT.language_of(page).code
    names = [name for name in names if language_of(name, CODES) in (None, language)]
    shown = [include.name for include in includes]
    for include in includes:
        if language_of(include.name, CODES) not in (None, language):
            pytest.fail(
                f"{page}:{include.line}: section '{include.name}' is the {language_of(include.name, CODES)} "
                f"version of its step; a {language} page shows '{step_of(include.name, CODES)}-{language}'"
            )
        if include.name not in names:
            pytest.fail(f"{page}:{include.line}: {include.path} has no section '{include.name}'")
        if shown.count(include.name) > 1:
            pytest.fail(f"{page}:{include.line}: section '{include.name}' is shown twice; show it once")
    missing = [name for name in names if name not in shown]
    if missing:
        pytest.fail(
            f"{page} never shows section(s) {', '.join(missing)} of {files[0]}; the page must show "
            f"all of its chapter's code, or readers copying the blocks in order get code that fails"
        )
    if shown != names:
        where = next(i for i, (a, b) in enumerate(zip(shown, names)) if a != b)
        pytest.fail(
            f"{page}:{includes[where].line} shows section '{shown[where]}' where {files[0]} has "
            f"'{names[where]}'; show the sections in file order (the order they run in)"
        )


def test_every_snippet_file_is_on_a_page():
    shown = set(PROJECT.chapters())
    for path in sorted(PROJECT.snippets.rglob("*.py")):
        relative = PROJECT.relative(path)
        if path.name != "__init__.py" and relative not in shown:
            pytest.fail(f"{relative} is on no page; include its sections in a page under docs/ or delete it")


def test_snippets_hold_only_chapters():
    """snippets/ is the course's code: chapter modules, nothing else (the machinery is course_pipeline/)."""
    others = [
        PROJECT.relative(path)
        for path in PROJECT.snippets.rglob("*")
        if "__pycache__" not in path.parts and (path.is_dir() or path.suffix != ".py")
    ]
    assert not others, f"snippets/ holds only chapter modules; move these elsewhere: {others}"


# How many columns of code the content column of a chapter page shows at 1366 px with both sidebars, measured in
# Chromium (tests/test_code_blocks.py checks that no code block scrolls sideways there).
CODE_COLUMNS = 80


def columns(line: str) -> int:
    """A line's width in monospace columns: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


@pytest.mark.parametrize("chapter", PROJECT.chapters())
def test_code_lines_fit_the_content_column(chapter):
    lines = (PROJECT.root / chapter).read_text(encoding="utf-8").split("\n")
    wide = [
        f"{chapter}:{number}: {columns(line)} columns"
        for number, line in enumerate(lines, 1)
        if columns(line) > CODE_COLUMNS
    ]
    assert not wide, (
        f"lines wider than the {CODE_COLUMNS} columns a chapter page shows at 1366 px scroll sideways; "
        f"wrap them:\n" + "\n".join(wide)
    )


HEADING = re.compile(r"^(?P<level>#{2,6})[ \t]+(?P<title>.*?)(?:[ \t]*\{[ \t]*#(?P<id>[\w-]+)[ \t]*\})?[ \t]*$")
# The glossary's anchors are set on each term (its own test keeps them the same in every language).
HEADED_PAGES = [
    page for page in PROJECT.pages() if PROJECT.language_of(page) == DEFAULT and not page.endswith("glossary.md")
]


def headings(page: str) -> list[tuple[int, int, str, str | None]]:
    """(line, level, title, id) of a page's ## to ###### headings, outside code fences."""
    text = (PROJECT.root / page).read_text(encoding="utf-8")
    return [
        (number, len(found["level"]), found["title"], found["id"])
        for number, line in prose_lines(text)
        if (found := HEADING.match(line))
    ]


@pytest.mark.parametrize("page", HEADED_PAGES)
@pytest.mark.parametrize("language", [language for language in PROJECT.languages if not language.default])
def test_twins_have_the_same_heading_ids(page, language):
    """A section has the same anchor in every language, so switching language keeps the reader's place."""
    twin = PROJECT.twin(page, language)
    if not (PROJECT.root / twin).exists():
        pytest.skip(f"{twin} is missing (test_page_has_a_twin says so)")
    missing = [
        f"{where}:{line}: {title}" for where in (page, twin) for line, _, title, id_ in headings(where) if not id_
    ]
    assert not missing, (
        "headings without an explicit id; end each with { #english-slug }, the same in every language:\n"
        + "\n".join(missing)
    )
    mine, theirs = headings(page), headings(twin)
    for (line, level, title, id_), (other_line, other_level, other_title, other_id) in zip(mine, theirs):
        assert (level, id_) == (other_level, other_id), (
            f"{page}:{line} '{title}' (#{id_}, level {level}) faces {twin}:{other_line} '{other_title}' "
            f"(#{other_id}, level {other_level}); twins have the same headings, with the same ids, in the same order"
        )
    assert len(mine) == len(theirs), (
        f"{page} has {len(mine)} headings, {twin} has {len(theirs)}; twins have the same headings in the same order"
    )
