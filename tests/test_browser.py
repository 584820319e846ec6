"""The site as readers see it, in headless Chromium (Debian's, installed by .ci/setup), on every page in both
languages (each page loaded once for all its checks: tests/browser_visits.py, which keeps screenshots of a few key
pages in .ci/screenshots/; CI keeps them as artifacts)."""

from urllib.parse import urlsplit

import pytest

from course_pipeline.pytest_plugin import project
from course_pipeline.sections import section
from tests.browser_visits import visit

PROJECT = project()
pytest.importorskip("playwright.sync_api")  # the `browser` fixture (conftest.py) drives it
page_path = PROJECT.page_url  # docs/en/tensors.md -> en/tensors/ (the page's path on the site)
SITE_PAGES = [page_path(page) for page in PROJECT.pages()] + [
    PROJECT.notebook_url(page) for page in PROJECT.chapter_pages()
]
CHAPTERS = PROJECT.chapter_pages()


@pytest.mark.parametrize("path", SITE_PAGES)
def test_page_loads_cleanly(visits, site_url, path):
    seen = visits.laptop(path)  # loaded, then with every answer opened
    own_host = urlsplit(site_url).netloc
    foreign = sorted({request for request in seen["requests"] if urlsplit(request).netloc not in (own_host, "")})
    assert not foreign, f"/{path} asked hosts other than the site itself: {foreign}"
    index = [request for request in seen["requests"] if request.endswith("/search/search_index.json")]
    assert not index, f"/{path} loaded the search index before the reader searched (search-on-demand.js): {index}"
    assert not seen["problems"], f"/{path}: " + "; ".join(seen["problems"])
    assert not seen["broken"], f"/{path}: these images did not load or have no size: {seen['broken']}"
    assert not seen["untypeset"], f"/{path}: math not typeset by KaTeX: {seen['untypeset']}"
    assert not seen["looseMath"], f"/{path}: display math with blank lines above and below it: {seen['looseMath']}"


def test_chinese_text_renders(tab, site_url):
    visit(tab, site_url + "tensors/")
    # With no font for Chinese, every character is drawn as the same empty box: compare two of them.
    same = tab.evaluate("""() => {
        const font = getComputedStyle(document.querySelector('.md-typeset p')).font;
        const draw = text => { const c = document.createElement('canvas'); c.width = 64; c.height = 64;
            const g = c.getContext('2d'); g.font = font.replace(/\\d+px/, '48px'); g.fillText(text, 4, 52);
            return c.toDataURL(); };
        return draw('梯') === draw('张');
    }""")
    assert not same, "Chinese characters render as empty boxes: install a CJK font (fonts-noto-cjk, see .ci/setup)"


@pytest.mark.parametrize("page", [page for page in PROJECT.pages() if PROJECT.language_of(page).default])
@pytest.mark.parametrize("language", [language for language in PROJECT.languages if not language.default])
def test_language_switcher_goes_to_the_twin_and_back(visits, site_url, page, language):
    home, away = page_path(page), page_path(PROJECT.twin(page, language))
    for start, code, target in ((home, language.code, away), (away, PROJECT.default_language.code, home)):
        led = visits.laptop(start)["switched"].get(code)  # its switcher's link clicked
        assert led == site_url + target, f"on /{start}, the {code} switcher led to {led}, not {site_url + target}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_copy_button_copies_the_code_the_tests_ran(visits, page):
    fences = {}
    for include in PROJECT.includes(page):
        fences.setdefault(include.fence_end, []).append(section(PROJECT.root, include.path, include.name).code)
    expected = ["".join(codes).rstrip("\n") for _, codes in sorted(fences.items())]
    copied = visits.laptop(page_path(page))["copied"]  # each python block's copy button clicked in turn
    assert len(copied) == len(expected), (
        f"{page}: {len(copied)} python blocks with a copy button on the site, {len(expected)} code blocks in the page"
    )
    for number, (text, code) in enumerate(zip(copied, expected)):
        assert text == code, (
            f"{page}: the copy button of code block {number + 1} copied\n{text[:300]}\nbut the tests ran\n{code[:300]}"
        )


SEARCHES = [
    ("", "梯度", "linear-regression/"),
    ("", "张量", "tensors/"),
    ("", "学习率", "optimizers/"),
    ("en/", "gradient", "en/linear-regression/"),
    ("en/", "tensor", "en/tensors/"),
    ("en/", "learning rate", "en/optimizers/"),
]


@pytest.mark.parametrize("language, term, chapter", SEARCHES)
def test_search_finds_the_chapter_in_the_pages_language_first(tab, site_url, language, term, chapter):
    visit(tab, site_url + language + "glossary/")
    tab.focus("input.md-search__input")
    tab.keyboard.type(term, delay=20)
    tab.keyboard.press("End")  # Chinese text is typed without key events; this one makes the search run
    tab.wait_for_selector(".md-search-result__item", timeout=10000)
    links = [
        urlsplit(link).path.lstrip("/")
        for link in tab.eval_on_selector_all(".md-search-result__item > a", "items => items.map(a => a.href)")
    ]
    assert any(link.startswith(chapter) for link in links), (
        f"searching '{term}' on /{language} did not find /{chapter}: {links}"
    )
    assert links[0].startswith("en/") == (language == "en/"), (
        f"searching '{term}' on /{language}: the first result /{links[0]} is not in the page's language"
    )


@pytest.mark.parametrize("page", PROJECT.pages())
def test_phone_screen_needs_no_sideways_scrolling(visits, page):
    wide = visits.phone(page_path(page))["width"]
    assert wide[0] <= wide[1] and wide[2] == 0, (
        f"{page} on a 390 px phone: the page is {wide[0]} px wide for a {wide[1]} px screen, and {wide[2]} prose "
        f"elements stick out"
    )
