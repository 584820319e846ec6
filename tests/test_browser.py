"""The site as readers see it, in headless Chromium (Debian's, installed by .ci/setup), on every page in both
languages. Screenshots of a few key pages are kept in .ci/screenshots/ (CI keeps them as artifacts)."""

from urllib.parse import urlsplit

import pytest

from course_pipeline.pytest_plugin import project
from course_pipeline.sections import section

PROJECT = project()
pytest.importorskip("playwright.sync_api")  # the `browser` fixture (conftest.py) drives it
SCREENSHOTS = PROJECT.root / ".ci" / "screenshots"
KEY_PAGES = ("", "linear-regression/", "computation-graph/", "evaluation/", "notebooks/autograd/")
page_path = PROJECT.page_url  # docs/en/tensors.md -> en/tensors/ (the page's path on the site)
SITE_PAGES = [page_path(page) for page in PROJECT.pages()] + [
    PROJECT.notebook_url(page) for page in PROJECT.chapter_pages()
]
CHAPTERS = PROJECT.chapter_pages()


@pytest.fixture(scope="session")
def desktop_tab(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    page.problems, page.requests = [], []
    page.on(
        "console",
        lambda message: (
            page.problems.append(f"console {message.type}: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


@pytest.fixture
def tab(desktop_tab):
    desktop_tab.goto("about:blank")
    desktop_tab.problems.clear()
    return desktop_tab


def visit(tab, url, until="load"):
    tab.requests.clear()
    tab.goto(url, wait_until=until)
    return tab.requests


@pytest.mark.parametrize("path", SITE_PAGES)
def test_page_loads_cleanly(tab, site_url, path):
    requests = visit(tab, site_url + path, until="networkidle")
    own_host = urlsplit(site_url).netloc
    foreign = sorted({request for request in requests if urlsplit(request).netloc not in (own_host, "")})
    assert not foreign, f"/{path} asked hosts other than the site itself: {foreign}"
    assert not tab.problems, f"/{path}: " + "; ".join(tab.problems)
    tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    broken = tab.evaluate("""[...document.images].filter(i => !(i.complete && i.naturalWidth > 0 &&
        i.getBoundingClientRect().width > 0)).map(i => i.getAttribute('src'))""")
    assert not broken, f"/{path}: these images did not load or have no size: {broken}"
    untypeset = tab.evaluate("""[...document.querySelectorAll('.arithmatex')]
        .filter(m => !m.querySelector('.katex')).map(m => m.textContent.slice(0, 40))""")
    assert not untypeset, f"/{path}: math not typeset by KaTeX: {untypeset}"
    if path in KEY_PAGES or path.removeprefix("en/") in KEY_PAGES:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=SCREENSHOTS / f"{path.strip('/').replace('/', '_') or 'index'}.png", full_page=True)


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
def test_language_switcher_goes_to_the_twin_and_back(tab, site_url, page, language):
    home, away = site_url + page_path(page), site_url + page_path(PROJECT.twin(page, language))
    for start, code, target in ((home, language.code, away), (away, PROJECT.default_language.code, home)):
        visit(tab, start)
        with tab.expect_navigation():
            tab.eval_on_selector(f'a.md-select__link[hreflang="{code}"]', "link => link.click()")
        assert tab.url == target, f"on {start}, the {code} switcher led to {tab.url}, not {target}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_copy_button_copies_the_code_the_tests_ran(tab, site_url, page):
    fences = {}
    for include in PROJECT.includes(page):
        fences.setdefault(include.fence_end, []).append(section(PROJECT.root, include.path, include.name).code)
    expected = ["".join(codes).rstrip("\n") for _, codes in sorted(fences.items())]
    visit(tab, site_url + page_path(page))
    tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    copy = '.language-python button[data-md-type="copy"]'
    tab.wait_for_selector(copy, state="attached")  # the theme's script adds them
    buttons = tab.locator(copy)
    assert buttons.count() == len(expected), (
        f"{page}: {buttons.count()} python blocks with a copy button on "
        f"the site, {len(expected)} code blocks in the page"
    )
    for number, code in enumerate(expected):
        buttons.nth(number).click(force=True)
        copied = tab.evaluate("navigator.clipboard.readText()").rstrip("\n")
        assert copied == code, (
            f"{page}: the copy button of code block {number + 1} copied\n{copied[:300]}\n"
            f"but the tests ran\n{code[:300]}"
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


@pytest.fixture(scope="session")
def phone_tab(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("page", PROJECT.pages())
def test_phone_screen_needs_no_sideways_scrolling(phone_tab, site_url, page):
    tab = phone_tab
    tab.goto(site_url + page_path(page), wait_until="load")
    wide = tab.evaluate("""[document.documentElement.scrollWidth, document.documentElement.clientWidth,
        [...document.querySelectorAll('.md-content p, .md-content li, .md-content h1, .md-content h2')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length]""")
    assert wide[0] <= wide[1] and wide[2] == 0, (
        f"{page} on a 390 px phone: the page is {wide[0]} px wide for a {wide[1]} px screen, and {wide[2]} prose "
        f"elements stick out"
    )
