"""Pages and snippets agree: every page has a twin in the other language showing the same code, and every
chapter page shows all of its snippet file, in order, so that the page is the whole chapter."""

import pytest

from snippets.pipeline.sections import (DOCS, ROOT, SnippetError, chapters, language_of, page_includes, pages,
                                        read_sections, step_of)

LANGUAGES = ("zh", "en")


def twin(page: str, language: str) -> str:
    parts = page.split("/")
    return "/".join([parts[0], language, *parts[2:]])


@pytest.mark.parametrize("page", pages())
def test_page_has_a_twin(page):
    language = page.split("/")[1]
    assert language in LANGUAGES, f"{page}: pages live in docs/zh/ or docs/en/; move it into one of them"
    for other in LANGUAGES:
        if not (ROOT / twin(page, other)).exists():
            pytest.fail(f"{page} has no {other} twin: create {twin(page, other)} with the same code blocks "
                        f"(a page and its translation move together)")


@pytest.mark.parametrize("page", [p for p in pages() if p.startswith("docs/zh/")])
def test_twins_show_the_same_code(page):
    other = twin(page, "en")
    if not (ROOT / other).exists():
        pytest.skip(f"{other} is missing (test_page_has_a_twin says so)")
    mine, theirs = page_includes(page), page_includes(other)
    for position, (a, b) in enumerate(zip(mine, theirs), 1):
        if (a.path, step_of(a.name)) != (b.path, step_of(b.name)):
            pytest.fail(f"code block {position} differs between twins: {page}:{a.line} includes "
                        f"{a.path}:{a.name} but {other}:{b.line} includes {b.path}:{b.name}; "
                        f"both languages must include the same sections in the same order")
    if len(mine) != len(theirs):
        longer, extra = (page, mine[len(theirs)]) if len(mine) > len(theirs) else (other, theirs[len(mine)])
        pytest.fail(f"{longer}:{extra.line} includes {extra.path}:{extra.name}, which its twin does not; "
                    f"both languages must include the same sections in the same order")


@pytest.mark.parametrize("page", pages())
def test_page_shows_its_whole_chapter(page):
    includes = page_includes(page)
    files = sorted({include.path for include in includes})
    if not files:
        return
    assert len(files) == 1, f"{page} includes code from {', '.join(files)}; a page shows one snippet file"
    try:
        names = [section.name for section in read_sections(files[0])]
    except (SnippetError, FileNotFoundError) as error:
        names = error
    if isinstance(names, Exception):
        pytest.fail(f"{page}:{includes[0].line}: {names}")
    language = page.split("/")[1]
    names = [name for name in names if language_of(name) in (None, language)]
    shown = [include.name for include in includes]
    for include in includes:
        if language_of(include.name) not in (None, language):
            pytest.fail(f"{page}:{include.line}: section '{include.name}' is the {language_of(include.name)} "
                        f"version of its step; a {language} page shows '{step_of(include.name)}-{language}'")
        if include.name not in names:
            pytest.fail(f"{page}:{include.line}: {include.path} has no section '{include.name}'")
        if shown.count(include.name) > 1:
            pytest.fail(f"{page}:{include.line}: section '{include.name}' is shown twice; show it once")
    missing = [name for name in names if name not in shown]
    if missing:
        pytest.fail(f"{page} never shows section(s) {', '.join(missing)} of {files[0]}; the page must show "
                    f"all of its chapter's code, or readers copying the blocks in order get code that fails")
    if shown != names:
        where = next(i for i, (a, b) in enumerate(zip(shown, names)) if a != b)
        pytest.fail(f"{page}:{includes[where].line} shows section '{shown[where]}' where {files[0]} has "
                    f"'{names[where]}'; show the sections in file order (the order they run in)")


def test_every_snippet_file_is_on_a_page():
    shown = set(chapters())
    for path in sorted((ROOT / "snippets").glob("*.py")):
        relative = str(path.relative_to(ROOT))
        if path.name != "__init__.py" and relative not in shown:
            pytest.fail(f"{relative} is on no page; include its sections in a page under {DOCS.relative_to(ROOT)}/ "
                        f"or delete it")
