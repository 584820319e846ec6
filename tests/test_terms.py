"""One term, one translation: the glossary pages are the term list. Each zh glossary entry is a heading
`### 中文 · English { #id }`, optionally followed by a line `其他常见译法（本课程不用）：A、B。` naming translations
that the course must not use; the en glossary has the same ids and names. No Chinese page may use an avoided
translation in its prose."""

import re
import sys

import pytest

from snippets.pipeline.sections import ROOT, pages

ENTRY = re.compile(r"^### (?P<first>.+?) · (?P<second>.+?) \{ #(?P<id>[\w-]+) \}$")
AVOIDED = re.compile(r"^其他常见译法（本课程不用）：(?P<terms>.+)。$")
CODE = re.compile(r"`[^`]*`|\]\([^)]*\)")  # inline code and link targets are not prose


def glossary(language):
    """id -> (line, first name, second name, avoided translations) from docs/<language>/glossary.md"""
    entries, current = {}, None
    lines = (ROOT / "docs" / language / "glossary.md").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        entry, avoided = ENTRY.match(line), AVOIDED.match(line)
        if entry:
            current = entry["id"]
            entries[current] = (number, entry["first"], entry["second"], [])
        elif avoided and current:
            entries[current][3].extend(avoided["terms"].split("、"))
    return entries


def prose_lines(page):
    """(line number, text) of a page's prose: code fences and inline code left out."""
    in_fence = False
    for number, line in enumerate((ROOT / page).read_text(encoding="utf-8").splitlines(), 1):
        if re.match(r"^\s*(`{3,}|~{3,})", line):
            in_fence = not in_fence
        elif not in_fence:
            yield number, CODE.sub(" ", line)


def test_both_glossaries_list_the_same_terms():
    zh, en = glossary("zh"), glossary("en")
    assert zh, "docs/zh/glossary.md has no entries like '### 张量 · tensor { #tensor }'"
    for term_id in sorted(set(zh) | set(en)):
        if term_id not in en:
            pytest.fail(f"docs/zh/glossary.md:{zh[term_id][0]}: term #{term_id} is missing from docs/en/glossary.md")
        if term_id not in zh:
            pytest.fail(f"docs/en/glossary.md:{en[term_id][0]}: term #{term_id} is missing from docs/zh/glossary.md")
        (zh_line, chinese, english, _), (en_line, english_again, chinese_again, _) = zh[term_id], en[term_id]
        assert (chinese, english) == (chinese_again, english_again), (
            f"docs/zh/glossary.md:{zh_line} says {chinese} · {english}, but docs/en/glossary.md:{en_line} says "
            f"{english_again} · {chinese_again}; one term, one translation: make them agree")


@pytest.mark.parametrize("page", [page for page in pages() if page.startswith("docs/zh/")
                                  and not page.endswith("glossary.md")])
def test_chinese_pages_use_the_glossary_terms(page):
    avoided = {variant: (term_id, chinese) for term_id, (_, chinese, _, variants) in glossary("zh").items()
               for variant in variants}
    problems = [f"{page}:{number}: uses '{variant}'; this course says '{chinese}' "
                f"(docs/zh/glossary.md#{term_id})"
                for number, text in prose_lines(page) for variant, (term_id, chinese) in avoided.items()
                if variant in text.replace(chinese, "")]
    assert not problems, "\n".join(problems)


def test_an_avoided_translation_is_reported_with_its_line(tmp_path, monkeypatch):
    for language, entry in (("zh", "### 轮次 · epoch { #epoch }\n\n定义。\n\n其他常见译法（本课程不用）：周期、回合。\n"),
                            ("en", "### epoch · 轮次 { #epoch }\n\nDefinition.\n")):
        (tmp_path / "docs" / language).mkdir(parents=True)
        (tmp_path / "docs" / language / "glossary.md").write_text(entry, encoding="utf-8")
    (tmp_path / "docs" / "zh" / "page.md").write_text("# 标题\n\n训练 10 个周期。\n\n```python\n# 周期\n```\n",
                                                      encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    test_both_glossaries_list_the_same_terms()
    with pytest.raises(AssertionError, match=r"docs/zh/page.md:3: uses '周期'; this course says '轮次'") as error:
        test_chinese_pages_use_the_glossary_terms("docs/zh/page.md")
    assert ":6:" not in str(error.value), "code is not prose"
