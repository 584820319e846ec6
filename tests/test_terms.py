"""One term, one translation: the glossary pages are the term list. Each zh glossary entry is a heading
`### 中文 · English { #id }`, optionally followed by a line `其他常见译法（本课程不用）：A、B。` naming translations
that the course must not use; the en glossary has the same ids and names. No Chinese page may use an avoided
translation in its prose."""

import re

import pytest

from course_pipeline.markdown import prose_lines as outside_fences
from course_pipeline.pytest_plugin import project

ROOT = project().root

ENTRY = re.compile(r"^### (?P<first>.+?) · (?P<second>.+?) \{ #(?P<id>[\w-]+) \}$")
AVOIDED = re.compile(r"^其他常见译法（本课程不用）：(?P<terms>.+)。$")
CODE = re.compile(r"`[^`]*`|\]\([^)]*\)")  # inline code and link targets are not prose


def glossary(language, root=ROOT):
    """id -> (line, first name, second name, avoided translations) from docs/<language>/glossary.md"""
    entries, current = {}, None
    lines = (root / "docs" / language / "glossary.md").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        entry, avoided = ENTRY.match(line), AVOIDED.match(line)
        if entry:
            current = entry["id"]
            entries[current] = (number, entry["first"], entry["second"], [])
        elif avoided and current:
            entries[current][3].extend(avoided["terms"].split("、"))
    return entries


def prose_lines(page, root=ROOT):
    """(line number, text) of a page's prose: code fences and inline code left out."""
    return [(number, CODE.sub(" ", line)) for number, line in outside_fences((root / page).read_text(encoding="utf-8"))]


def test_both_glossaries_list_the_same_terms(root=ROOT):
    zh, en = glossary("zh", root), glossary("en", root)
    assert zh, "docs/zh/glossary.md has no entries like '### 张量 · tensor { #tensor }'"
    for term_id in sorted(set(zh) | set(en)):
        if term_id not in en:
            pytest.fail(f"docs/zh/glossary.md:{zh[term_id][0]}: term #{term_id} is missing from docs/en/glossary.md")
        if term_id not in zh:
            pytest.fail(f"docs/en/glossary.md:{en[term_id][0]}: term #{term_id} is missing from docs/zh/glossary.md")
        (zh_line, chinese, english, _), (en_line, english_again, chinese_again, _) = zh[term_id], en[term_id]
        assert (chinese, english) == (chinese_again, english_again), (
            f"docs/zh/glossary.md:{zh_line} says {chinese} · {english}, but docs/en/glossary.md:{en_line} says "
            f"{english_again} · {chinese_again}; one term, one translation: make them agree"
        )


@pytest.mark.parametrize(
    "page", [page for page in project().pages() if page.startswith("docs/zh/") and not page.endswith("glossary.md")]
)
def test_chinese_pages_use_the_glossary_terms(page, root=ROOT):
    avoided = {
        variant: (term_id, chinese)
        for term_id, (_, chinese, _, variants) in glossary("zh", root).items()
        for variant in variants
    }
    problems = [
        f"{page}:{number}: uses '{variant}'; this course says '{chinese}' (docs/zh/glossary.md#{term_id})"
        for number, text in prose_lines(page, root)
        for variant, (term_id, chinese) in avoided.items()
        if variant in text.replace(chinese, "")
    ]
    assert not problems, "\n".join(problems)


def test_an_avoided_translation_is_reported_with_its_line(tmp_path):
    for language, entry in (
        ("zh", "### 轮次 · epoch { #epoch }\n\n定义。\n\n其他常见译法（本课程不用）：周期、回合。\n"),
        ("en", "### epoch · 轮次 { #epoch }\n\nDefinition.\n"),
    ):
        (tmp_path / "docs" / language).mkdir(parents=True)
        (tmp_path / "docs" / language / "glossary.md").write_text(entry, encoding="utf-8")
    (tmp_path / "docs" / "zh" / "page.md").write_text(
        "# 标题\n\n训练 10 个周期。\n\n```python\n# 周期\n```\n", encoding="utf-8"
    )
    test_both_glossaries_list_the_same_terms(tmp_path)
    with pytest.raises(AssertionError, match=r"docs/zh/page.md:3: uses '周期'; this course says '轮次'") as error:
        test_chinese_pages_use_the_glossary_terms("docs/zh/page.md", tmp_path)
    assert ":6:" not in str(error.value), "code is not prose"
