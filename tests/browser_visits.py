"""One navigation per page and screen for all the checks of that page: the browser tests ask `visits.laptop(path)`
or `visits.phone(path)` (the `visits` fixture, conftest.py) for what a page shows, and the first ask visits the
page and gathers everything they check; the others read it. pytest-xdist keeps a page's tests in one worker
(course_pipeline/pytest_plugin.py: GroupScheduling), so each page is loaded once per screen in the whole run.

- laptop (1366x800, light): with every answer opened: images, math (typeset, with no blank line around display
  math), code blocks, outputs, exercises, axe-core's violations, what each copy button copies; a screenshot of
  key pages; what the page asked for and logged from its load until then; last, where the language switcher
  leads.
- phone (390x844): the page's width as loaded, then with answers opened: copy buttons and display math.
"""

import contextlib
import json
from pathlib import Path

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import TimeoutError as PlaywrightTimeout

SCREENSHOTS = Path(__file__).resolve().parent.parent / ".ci" / "screenshots"
KEY_PAGES = ("", "linear-regression/", "computation-graph/", "evaluation/", "notebooks/autograd/")  # either language
COPY_BUTTON = '.language-python button[data-md-type="copy"]'
OPEN_ANSWERS = "document.querySelectorAll('details').forEach(d => d.open = true)"

# The first line of each python block that the block's copy button covers (its text's boxes meet the button's).
COVERED_FIRST_LINES = """() => [...document.querySelectorAll('.language-python pre')].flatMap(pre => {
    const button = pre.querySelector('button[data-md-type="copy"]').getBoundingClientRect();
    const code = pre.querySelector('code'), walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    const line = document.createRange();
    for (let node, first = null; (node = walker.nextNode()); ) {
        first = first || node;
        const end = node.data.indexOf('\\n');
        line.setStart(first, 0);
        line.setEnd(node, end < 0 ? node.data.length : end);
        if (end >= 0) break;
    }
    const covered = [...line.getClientRects()].some(box => box.width > 0 && box.left < button.right &&
        box.right > button.left && box.top < button.bottom && box.bottom > button.top);
    return covered ? [line.toString()] : [];
})"""

# Each copy button in turn, scrolled to and clicked where a reader's pointer would land, and what it put on the
# clipboard (or what covers the button there: a click would not reach it).
COPY_EACH_BLOCK = """async () => {
    const copied = [];
    for (const button of document.querySelectorAll(BUTTON)) {
        button.scrollIntoView({block: 'center'});
        const box = button.getBoundingClientRect();
        const there = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
        if (!button.contains(there)) {
            copied.push(`the copy button is covered by <${there?.tagName.toLowerCase()} class="${there?.className}">`);
            continue;
        }
        await navigator.clipboard.writeText('');
        button.click();
        copied.push(await navigator.clipboard.readText());
    }
    return copied;
}""".replace("BUTTON", json.dumps(COPY_BUTTON))

UNTYPESET = "[...document.querySelectorAll('.arithmatex')].filter(m => !m.querySelector('.katex'))"
LOADED = """() => ({
    broken: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0 &&
        i.getBoundingClientRect().width > 0)).map(i => i.getAttribute('src')),
    untypeset: UNTYPESET.map(m => m.textContent.slice(0, 40)),
    looseMath: [...document.querySelectorAll('div.arithmatex')].filter(box => {
        const math = box.querySelector('.katex-display'), style = math && getComputedStyle(math);
        return math && box.getBoundingClientRect().height > math.getBoundingClientRect().height +
            parseFloat(style.marginTop) + parseFloat(style.marginBottom) + 1;
    }).map(box => box.textContent.slice(0, 40)),
})""".replace("UNTYPESET", UNTYPESET)

CODE_BLOCKS = """() => ({
    sidebars: [...document.querySelectorAll('.md-sidebar')].filter(s => s.offsetWidth > 0).length,
    scrolling: [...document.querySelectorAll('.language-python pre > code')]
        .filter(code => code.scrollWidth > code.clientWidth + 1)
        .map(code => code.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a))),
    outputs: [...document.querySelectorAll('.recorded-output')].map(block => ({
        classes: [...block.classList], title: block.querySelector('.filename')?.textContent.trim(),
        text: block.querySelector('code').textContent,
        rule: getComputedStyle(block).borderLeftColor + ' ' + getComputedStyle(block).borderLeftWidth})),
    codeBackground: getComputedStyle(document.querySelector('.language-python pre > code')).backgroundColor,
    outputBackgrounds: [...document.querySelectorAll('.recorded-output > pre > code')]
        .map(code => getComputedStyle(code).backgroundColor),
    exercises: (() => {
        const heading = document.getElementById('exercises');
        if (!heading) return null;
        const section = [];
        for (let node = heading.nextElementSibling; node && node.tagName !== 'H2'; node = node.nextElementSibling)
            section.push(node);
        const lists = section.filter(node => node.tagName === 'OL');
        const answers = section.flatMap(node => [...node.querySelectorAll('details.success')]
            .concat(node.matches('details.success') ? [node] : []));
        return {lists: lists.map(list => ({start: list.start, items: [...list.children]
            .map(item => (item.getAttribute('value') || '') + ':' +
                item.querySelectorAll(':scope > details.success').length)})),
            answers: answers.length};
    })(),
    images: [...document.querySelectorAll('img.recorded-graph')].map(image => ({
        src: image.getAttribute('src'), alt: image.getAttribute('alt') || '',
        width: +image.getAttribute('width'), height: +image.getAttribute('height'),
        natural: image.naturalWidth / image.naturalHeight})),
    covered: (COVERED_FIRST_LINES)(),
})""".replace("COVERED_FIRST_LINES", COVERED_FIRST_LINES)

PHONE_WIDTH = """[document.documentElement.scrollWidth, document.documentElement.clientWidth,
    [...document.querySelectorAll('.md-content p, .md-content li, .md-content h1, .md-content h2')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length]"""

PHONE_CODE = """() => ({
    covered: (COVERED_FIRST_LINES)(),
    math: [...document.querySelectorAll('.katex-display')].filter(math => math.offsetWidth > 0).map(math => ({
        right: math.getBoundingClientRect().right, left: math.getBoundingClientRect().left,
        wide: math.scrollWidth > math.clientWidth + 1, overflow: getComputedStyle(math).overflowX,
        text: math.textContent.slice(0, 40)})),
})""".replace("COVERED_FIRST_LINES", COVERED_FIRST_LINES)


def watched(tab):
    """A tab that notes what it logs and asks for: tab.problems (console and script errors), tab.requests (URLs)."""
    tab.problems, tab.requests = [], []
    tab.on("console", lambda message: message.type == "error" and tab.problems.append(f"console error: {message.text}"))
    tab.on("pageerror", lambda error: tab.problems.append(f"script error: {error}"))
    tab.on("request", lambda request: tab.requests.append(request.url))
    return tab


def visit(tab, url, until="load") -> list[str]:
    """Go to a page in a watched tab; what the page asked for."""
    tab.requests.clear()
    tab.goto(url, wait_until=until)
    return tab.requests


# axe-core's colour-contrast rule takes about a millisecond per element with text (each token of a code block):
# three quarters of a page's axe time. Elements that look alike get the same verdict: the same tag, classes and
# style attribute, and the same computed text and background style, all the way up to <html>, with text of the
# same kind, both drawn or both not. So the rule checks one element of each look (marked data-contrast-sample,
# which stays: axe-core may name an element by it); tests/test_accessibility.py shows that elements of one look
# never differ in verdict, and that checking one of each fails on the same looks as checking every element.
MARK_CONTRAST_SAMPLES = """() => {
    const ids = new Map(), lookOf = new Map(), samples = new Map();
    const id = key => ids.get(key) ?? (ids.set(key, ids.size), ids.size - 1);
    const look = element => {
        if (!element) return -1;
        if (!lookOf.has(element)) {
            const s = getComputedStyle(element);
            lookOf.set(element, id([look(element.parentElement), element.tagName, element.getAttribute('class'),
                element.getAttribute('style'), s.color, s.backgroundColor, s.backgroundImage, s.opacity, s.fontSize,
                s.fontWeight, s.textShadow, s.webkitTextStroke, s.mixBlendMode, s.filter, s.visibility, s.display,
                s.position].join('|')));
        }
        return lookOf.get(element);
    };
    window.contrastLooks = new Map();  // every element's look, for the test that compares with every element
    for (const element of document.querySelectorAll('body *')) {
        const text = [...element.childNodes].filter(node => node.nodeType === 3).map(node => node.data).join('');
        const key = [look(element), /[\\p{L}\\p{N}]/u.test(text) ? 2 : text.trim() ? 1 : 0,
            element.getClientRects().length > 0].join('|');
        if (!samples.has(key)) samples.set(key, element);
        window.contrastLooks.set(element, key);
    }
    samples.forEach(element => element.setAttribute('data-contrast-sample', ''));
    axe.configure({rules: [{id: 'color-contrast', selector: '[data-contrast-sample]'}]});
}"""


def axe_violations(tab, options=None) -> list[dict]:
    """axe-core's violations on the page as it is now (open the answers first: their code and outputs count),
    colour contrast on one element of each look."""
    tab.evaluate(AXE_SCRIPT)
    tab.evaluate(MARK_CONTRAST_SAMPLES)
    options = {"resultTypes": ["violations"], **(options or {})}
    return tab.evaluate("options => axe.run(document, options)", options)["violations"]


BLANK_PAGE = '<!doctype html><title>left</title><link rel="icon" href="data:,">'  # no request for a /favicon.ico


def blank_page(route):
    """Answer a navigation with an empty page, and let every other request through."""
    if route.request.is_navigation_request():
        route.fulfill(status=200, content_type="text/html", body=BLANK_PAGE)
    else:
        route.continue_()


class Visits:
    """Pages seen on a laptop and a phone, each visited once (see the module's docstring)."""

    def __init__(self, browser, site_url: str, switch_on: set[str]):
        self.browser, self.site_url = browser, site_url
        self.switch_on = switch_on  # pages whose language switcher is followed, to each other language
        self.tabs, self.seen = {}, {}

    def tab(self, screen: str):
        if screen not in self.tabs:
            if screen == "laptop":
                context = self.browser.new_context(
                    viewport={"width": 1366, "height": 800},
                    color_scheme="light",
                    permissions=["clipboard-read", "clipboard-write"],
                )
            else:
                context = self.browser.new_context(
                    viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
                )
            self.tabs[screen] = watched(context.new_page())
        page = self.tabs[screen]
        page.problems.clear()
        page.requests.clear()
        return page

    def laptop(self, path: str) -> dict:
        if ("laptop", path) not in self.seen:
            self.seen["laptop", path] = self._laptop(path)
        return self.seen["laptop", path]

    def phone(self, path: str) -> dict:
        if ("phone", path) not in self.seen:
            self.seen["phone", path] = self._phone(path)
        return self.seen["phone", path]

    def _laptop(self, path: str) -> dict:
        tab = self.tab("laptop")
        tab.goto(self.site_url + path, wait_until="load")
        seen = {}
        code = tab.locator(".language-python pre").count() > 0
        if code:
            tab.wait_for_selector(COPY_BUTTON, state="attached")  # the theme's script adds them
        with contextlib.suppress(PlaywrightTimeout):  # KaTeX typesets after the load; what it left is reported
            tab.wait_for_function(f"!({UNTYPESET}).length", timeout=5000)
        tab.evaluate(OPEN_ANSWERS)
        seen.update(tab.evaluate(LOADED))
        seen["code_blocks"] = tab.evaluate(CODE_BLOCKS) if code else None
        seen["violations"] = axe_violations(tab)
        if path in KEY_PAGES or path.removeprefix("en/") in KEY_PAGES:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=SCREENSHOTS / f"{path.strip('/').replace('/', '_') or 'index'}.png", full_page=True)
        seen["copied"] = [text.rstrip("\n") for text in tab.evaluate(COPY_EACH_BLOCK)]
        # What the page asked for and logged from its load until now (seconds later: late requests count too).
        seen["requests"], seen["problems"] = list(tab.requests), list(tab.problems)
        seen["switched"] = self._switch(tab, path) if path in self.switch_on else {}
        return seen

    def _switch(self, tab, path: str) -> dict:
        """Where each other language's link of the switcher leads when clicked (last: it leaves the page)."""
        led = {}
        tab.evaluate("scrollTo(0, 0)")  # at the top: the switcher keeps the section being read (language-switch.js)
        others = tab.evaluate(
            "[...document.querySelectorAll('a.md-select__link[hreflang]')].map(a => a.hreflang)"
            ".filter(code => code !== document.documentElement.lang)"
        )
        for number, code in enumerate(others):
            if number:
                tab.goto(self.site_url + path, wait_until="load")
            tab.route("**/*", blank_page)  # where it leads is what counts here (the links' own tests load it)
            try:
                with tab.expect_navigation():
                    tab.eval_on_selector(f'a.md-select__link[hreflang="{code}"]', "link => link.click()")
            finally:
                tab.unroute("**/*", blank_page)
            led[code] = tab.url
        return led

    def _phone(self, path: str) -> dict:
        tab = self.tab("phone")
        tab.goto(self.site_url + path, wait_until="load")
        seen = {"width": tab.evaluate(PHONE_WIDTH), "code": None}
        if tab.locator(".language-python pre").count():
            tab.wait_for_selector(COPY_BUTTON, state="attached")
            tab.evaluate(OPEN_ANSWERS)
            seen["code"] = tab.evaluate(PHONE_CODE)
        return seen

    def close(self):
        for tab in self.tabs.values():
            tab.context.close()
