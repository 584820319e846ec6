"""The one Markdown scanner (course_pipeline/markdown.py), on small pages: fences at the top level and nested in
admonitions, folded answers and tabs, blank first lines, tildes and four-backtick fences; the includes, prose
lines and Chinese line joining read through it; and a notebook keeps every python fence as a code cell."""

import pytest

from course_pipeline.markdown import fences, includes, join_cjk_lines, prose_lines, unindent_fences
from course_pipeline.sections import SnippetError

PAGE = """\
# Title

```python
--8<-- "snippets/demo.py:first"
```

!!! note "A note"

    ```python

    --8<-- "snippets/demo.py:blank-first-line"
    ```

??? success "Solution"

    ~~~python
    --8<-- "snippets/demo.py:tildes"
    ~~~

=== "Tab"

    ````text
    ```python
    not a fence: inside a four-backtick block
    ```
    ````

```bash
pip install torch
```
"""


def test_fences_are_found_at_every_depth_with_their_lines():
    found = fences(PAGE)
    assert [(fence.start, fence.end, fence.indent, fence.language) for fence in found] == [
        (2, 4, "", "python"),
        (8, 11, "    ", "python"),
        (15, 17, "    ", "python"),
        (21, 25, "    ", "text"),
        (27, 29, "", "bash"),
    ]
    assert found[1].lines == ("", '--8<-- "snippets/demo.py:blank-first-line"')
    assert found[3].lines == ("```python", "not a fence: inside a four-backtick block", "```")


def test_includes_come_from_python_fences_whatever_their_first_line():
    found = includes("docs/en/demo.md", PAGE)
    assert [(include.line, include.name, include.indent, include.fence_end) for include in found] == [
        (4, "first", "", 5),
        (11, "blank-first-line", "    ", 12),
        (17, "tildes", "    ", 18),
    ]


@pytest.mark.parametrize("info", ["Python", "{.python .annotate}", "py", "python3"])
def test_a_python_fence_is_one_whatever_its_info_string_says(info):
    assert fences(f"```{info}\nx = 1\n```\n")[0].is_python


@pytest.mark.parametrize(
    "body, message",
    [
        ("print('typed by hand')", "docs/en/demo.md:2: python code written on the page"),
        ('--8<-- "snippets/demo.py:1st"', "docs/en/demo.md:2: not an include line"),
    ],
)
def test_a_python_fence_holds_include_lines_only(body, message):
    with pytest.raises(SnippetError, match=message):
        includes("docs/en/demo.md", f"```python\n{body}\n```\n")


def test_an_unclosed_fence_is_an_error_at_its_line():
    with pytest.raises(SnippetError, match=r"docs/en/demo.md:3: code fence is never closed"):
        fences("# Title\n\n```python\nx = 1\n", "docs/en/demo.md")


def test_a_shorter_or_other_fence_does_not_close_one():
    found = fences("````\n```\n~~~\n````\n")
    assert [(fence.start, fence.end) for fence in found] == [(0, 3)]


def test_prose_lines_leave_out_every_fence():
    prose = dict(prose_lines(PAGE))
    assert prose[1] == "# Title" and prose[7] == '!!! note "A note"'
    assert not any("8<-" in line or "not a fence" in line for line in prose.values())


def test_unindented_fences_keep_their_line_numbers():
    flat = unindent_fences(PAGE)
    assert len(flat.split("\n")) == len(PAGE.split("\n"))
    assert flat.split("\n")[10] == '--8<-- "snippets/demo.py:blank-first-line"'
    assert flat.split("\n")[8] == "```python"


def test_chinese_lines_are_joined_in_prose_only():
    text = "第一行，\n第二行。\n\n```text\n代码，\n代码\n```\nEnglish\n中文\n"
    assert join_cjk_lines(text) == "第一行，第二行。\n\n```text\n代码，\n代码\n```\nEnglish\n中文\n"
    assert join_cjk_lines("```text\nx\n```") == "```text\nx\n```"


def test_a_notebook_keeps_a_python_fence_whose_first_line_is_blank(tmp_path):
    from course_pipeline.notebooks import make_notebook
    from course_pipeline.project import Project

    (tmp_path / "mkdocs.yml").write_text(
        "site_url: https://example.org/\nplugins:\n  - i18n:\n      languages:\n"
        "        - locale: en\n          default: true\n"
    )
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "demo.py").write_text("# --8<-- [start:hello]\nprint('hello')\n# --8<-- [end:hello]\n")
    (tmp_path / "docs" / "en").mkdir(parents=True)
    (tmp_path / "docs" / "en" / "demo.md").write_text(
        '# Demo\n\n!!! note\n\n    ```python\n\n    --8<-- "snippets/demo.py:hello"\n    ```\n'
    )
    notebook = make_notebook(Project(tmp_path), "docs/en/demo.md")
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert code[1:] == ["print('hello')"], "the page's code cell, after the Colab set-up cell"


@pytest.mark.parametrize(
    "page, line",
    [
        ("```pycon\n>>> 1 + 1\n2\n```\n", 2),  # Python under another tag is never run
        ("```PyCon\nprint(1)\n```\n", 1),
        ("```text\n>>> import torch\n```\n", 2),  # a REPL session in a plain block
        ('Text.\n\n--8<-- "README.md"\n', 3),  # an include line in prose: the file would be pasted, untested
        ('```text\n--8<-- "snippets/demo.py:first"\n```\n', 2),  # in a block that is not python
    ],
)
def test_python_or_includes_the_tests_would_not_run_are_refused(page, line):
    with pytest.raises(SnippetError, match=rf"^docs/en/demo.md:{line}: "):
        includes("docs/en/demo.md", page)


def test_pages_include_snippet_files_only():
    with pytest.raises(SnippetError, match="docs/en/demo.md:2: includes README.md; pages include sections of files in"):
        includes("docs/en/demo.md", '```python\n--8<-- "README.md:intro"\n```\n')


def test_printed_text_is_shown_as_text():
    from course_pipeline.page_outputs import literal as _literal

    assert _literal('--8<-- "README.md"') == ';--8<-- "README.md"', "pymdownx.snippets reads an escaped line as text"
    assert _literal("  ;--8<-- x") == "  ;;--8<-- x"
    assert _literal("\x1b[1mbold\rback\x7f") == "␛[1mbold␍back␡"
    assert _literal("plain\ttab") == "plain\ttab"
