"""The section grammar is pymdownx.snippets' own: what passes here is what the site accepts, and a marker the
site would reject or misread fails here, in the snippet file, at its line."""

import pytest

from course_pipeline.sections import SnippetError, language_of, parse_sections, step_of


def sections(text):
    return [(section.name, section.first_line, section.code) for section in parse_sections("snippets/demo.py", text)]


def test_markers_as_pymdownx_writes_them():
    text = (
        "# --8<-- [start:make-data]\nx = 1\n# --8<-- [end:make-data]\n"
        "#--8<-- [START: Plot_2 ]\ny = 2\n# -8<- [end:Plot_2]\n"
    )
    assert sections(text) == [("make-data", 2, "x = 1\n"), ("Plot_2", 5, "y = 2\n")]


@pytest.mark.parametrize(
    "marker, line",
    [
        ("# --8<-- [start:1st-step]", 1),  # pymdownx wants a letter first: the build would fail elsewhere
        ("# --8<-- [start:step.one]", 1),
        ("x = 1  # --8<-- [start:step]", 1),  # the site drops the whole line, code and all
    ],
)
def test_a_marker_the_site_would_reject_or_misread_fails_at_its_line(marker, line):
    with pytest.raises(SnippetError, match=rf"^snippets/demo.py:{line}: "):
        parse_sections("snippets/demo.py", f"{marker}\nprint(1)\n")


def test_an_escaped_marker_is_text():
    with pytest.raises(SnippetError, match="code outside any section"):
        parse_sections("snippets/demo.py", "# ;--8<-- [start:step]\nprint(1)\n")


@pytest.mark.parametrize(
    "text, message",
    [
        ("print(1)\n", "snippets/demo.py:1: code outside any section"),
        ("# --8<-- [start:a]\nx = 1\n", "snippets/demo.py:1: section 'a' is never closed"),
        ("# --8<-- [start:a]\n# --8<-- [end:a]\n", "snippets/demo.py:1: section 'a' is empty"),
        ("# --8<-- [start:a]\nx\n# --8<-- [end:b]\n", "snippets/demo.py:3: '\\[end:b\\]' does not close"),
        (  # a comment to Python, two lines to str.splitlines(): the second would run, yet a reader never runs it
            "# --8<-- [start:a]\nx = 1\n# note\x0cprint('typed')\n# --8<-- [end:a]\n",
            "snippets/demo.py:3: the character .{6} breaks a line for some tools and not for Python",
        ),
    ],
)
def test_broken_sections_name_the_line(text, message):
    with pytest.raises(SnippetError, match=message):
        parse_sections("snippets/demo.py", text)


def test_language_variants_are_the_project_s_languages_only():
    codes = ("zh", "en")
    assert (language_of("plot-zh", codes), step_of("plot-zh", codes)) == ("zh", "plot")
    assert (language_of("warm-up", codes), step_of("warm-up", codes)) == (None, "warm-up")
