"""Search results read cleanly: previews never start a line with Chinese closing punctuation, show no LaTeX source,
and do not call a word missing that the result has (course_pipeline/search_index.py and
docs/assets/javascripts/search.js); the index still splits Chinese into the words jieba cut."""

import json
import re

import pytest

from course_pipeline.search_index import JOINER, WORD_BREAK, plain_math, readable
from tests.browser_visits import visit

CLOSING = "。，、；：？！）」』》〉】"  # Chinese typesetting never starts a line with these
LATEX = re.compile(r"\\[()\[\]]|\$\$|\\[A-Za-z]+")
SEARCHES = [("", "梯度"), ("", "反向传播"), ("", "张量"), ("en/", "gradient")]  # 反向传播: two words of the index

# Every preview line's first character, as laid out: a range per character, a new line where it moves down.
LINE_STARTS = """() => {
    const starts = [];
    const blocks = document.querySelectorAll('.md-search-result__article > :is(h1, h2, p, ul, ol)');
    for (const block of blocks) {
        const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
        let top = null;
        for (let node = walker.nextNode(); node; node = walker.nextNode())
            for (let i = 0; i < node.length; i++) {
                if (/[\\s\\u200b\\u200c]/.test(node.data[i])) continue;
                const range = document.createRange();
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const rect = range.getClientRects()[0];
                if (!rect || !rect.height) continue;
                if (top === null || rect.top > top + rect.height / 2)
                    starts.push([node.data[i], block.textContent.slice(0, 40)]);
                top = rect.top;
            }
    }
    return starts;
}"""

# Each result's missing words, and its title and text without them.
MISSING = """() => [...document.querySelectorAll('.md-search-result__article')].map(article => [
    [...article.querySelectorAll('.md-search-result__terms del')].map(del => del.textContent),
    [...article.children].filter(e => !e.matches('.md-search-result__terms')).map(e => e.textContent).join(' '),
])"""


def search(tab, site_url, language, term):
    visit(tab, site_url + language + "glossary/")
    tab.focus("input.md-search__input")
    tab.keyboard.type(term, delay=20)
    tab.keyboard.press("End")  # Chinese text is typed without key events; this one makes the search run
    tab.wait_for_selector(".md-search-result__item", timeout=10000)
    tab.wait_for_timeout(300)  # the results' script has run (a MutationObserver)


@pytest.mark.parametrize("language, term", SEARCHES)
def test_previews_read_cleanly(tab, site_url, language, term):
    search(tab, site_url, language, term)
    shown = tab.inner_text(".md-search-result__list")
    assert tab.locator(".md-search-result__article").count() > 1, f"searching '{term}' showed too few results"
    latex = sorted(set(LATEX.findall(shown)))
    assert not latex, f"searching '{term}' on /{language}: the previews show LaTeX source: {latex[:10]}"
    assert WORD_BREAK not in shown, f"searching '{term}': the previews hold zero-width spaces (line breaks anywhere)"
    punctuation = [(char, where) for char, where in tab.evaluate(LINE_STARTS) if char in CLOSING]
    assert not punctuation, f"searching '{term}': preview lines start with punctuation: {punctuation[:5]}"
    for missing, text in tab.evaluate(MISSING):
        plain = text.replace(JOINER, "").replace(WORD_BREAK, "").lower()
        found = [word for word in missing if word.rstrip("*").lower() in plain]
        assert not found, f"searching '{term}': a result marks {found} as missing, but its text has it: {text[:80]}"
        assert not any(word.endswith("*") for word in missing), f"a missing word shown with its wildcard: {missing}"


def test_a_found_word_is_not_marked_missing(tab, site_url):
    """Both words of 反向传播 are in its glossary entry: no result with it says one is missing."""
    search(tab, site_url, "", "反向传播")
    marked = tab.evaluate(MISSING)
    entry = [missing for missing, text in marked if "backpropagation" in text]
    assert entry and not entry[0], f"the glossary entry of 反向传播 lists {entry} as missing"
    links = tab.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.href)")
    assert any("h=" in link and "反向" in link for link in map(_unquote, links)), "no result highlights 反向"


def _unquote(link):
    from urllib.parse import unquote

    return unquote(link)


def test_the_index_splits_words_without_line_breaks(built_site, project):
    for language in project.languages:
        path = built_site / language.url_prefix / "search" / "search_index.json"
        index = json.loads(path.read_text(encoding="utf-8"))
        assert re.search(index["config"]["separator"], JOINER), f"{path}: the separator does not split at U+200C"
        texts = [doc["title"] + doc["text"] for doc in index["docs"]]
        assert not [text for text in texts if WORD_BREAK in text], f"{path}: entries hold zero-width spaces"
        latex = [match for text in texts for match in LATEX.findall(text) if match in ("\\(", "\\[", "$$")]
        assert not latex, f"{path}: entries hold LaTeX: {latex[:5]}"
        if language.code == "zh":
            assert sum(JOINER in text for text in texts) > len(texts) / 2, "the Chinese entries are not split"


@pytest.mark.parametrize(
    "latex, text",
    [
        (r"\frac{\partial L}{\partial w}", "∂L/∂w"),
        (r"\hat{y}_i^2", "ŷᵢ²"),
        (r"p \leftarrow p - \eta \cdot p_{\text{grad}}", "p ← p - η · p_grad"),
        (r"\frac{1}{N} \sum_{i=1}^{N} (\hat{y}_i - y_i)^2", "1/N ∑ᵢ₌₁^N (ŷᵢ - yᵢ)²"),
        (r"\texttt{max\_norm} + 10^{-6}", "max_norm + 10⁻⁶"),
        (r"\sqrt{\sum g^2}", "√(∑ g²)"),
        (r"u^\top J", "uᵀ J"),
        (r"\operatorname{ReLU}(z) = \max(0, z)", "ReLU(z) = max(0, z)"),
        (r"\|x\|_2", "‖x‖₂"),
    ],
)
def test_math_becomes_plain_text(latex, text):
    assert plain_math(latex) == text


def test_readable_entry():
    entry = "<p>\u200b步子\u200b由\u200b学习\u200b率\u200b \\(\\eta\\) \u200b控制\u200b。</p>\\[ a^2 \\]"
    assert readable(entry) == "<p>\u200c步子\u200c由\u200c学习\u200c率\u200c η \u200c控制\u200c。</p>a²"
