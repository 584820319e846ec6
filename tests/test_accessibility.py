"""Accessibility and the reading experience, in headless Chromium: axe-core (bundled by axe-playwright-python, no
download) on every page in both languages, notebook pages included, in the light scheme and on key pages in the
dark one; the light/dark toggle; graphs on the dark background; KaTeX only where there is math; printed answers."""

import pytest
from axe_playwright_python.base import AXE_SCRIPT

from course_pipeline.labels import LABELS
from course_pipeline.pytest_plugin import project
from tests.browser_visits import OPEN_ANSWERS, axe_violations, visit, watched

PROJECT = project()
SITE_PAGES = [PROJECT.page_url(page) for page in PROJECT.pages()] + [
    PROJECT.notebook_url(page) for page in PROJECT.chapter_pages()
]
DARK_PAGES = ("", "en/", "computation-graph/", "en/evaluation/", "notebooks/computation-graph/", "en/glossary/")
BLOCKING = ("serious", "critical")


def scheme_tab(browser, scheme):
    """A tab whose system preference is `scheme` (the site follows it until the reader chooses)."""
    context = browser.new_context(viewport={"width": 1366, "height": 800}, color_scheme=scheme)
    return context, watched(context.new_page())


@pytest.fixture(scope="session")  # once per process: pytest-xdist interleaves modules
def light_tab(browser):
    context, page = scheme_tab(browser, "light")
    yield page
    context.close()


@pytest.fixture(scope="session")  # once per process: pytest-xdist interleaves modules
def dark_tab(browser):
    context, page = scheme_tab(browser, "dark")
    yield page
    context.close()


def violations(tab, options=None):
    """axe-core's violations on the page as it is now (answers opened: their code and outputs are checked too)."""
    tab.evaluate(OPEN_ANSWERS)
    return axe_violations(tab, options)


def report(path, found):
    lines = [f"/{path}: {len(found)} accessibility violations (axe-core):"]
    for violation in found:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} ({len(violation['nodes'])})")
        for node in violation["nodes"][:3]:
            summary = " ".join(node.get("failureSummary", "").split())[:300]
            html = " ".join(node["html"].split())[:160]
            lines.append(f"    {' '.join(map(str, node['target']))}: {html}\n      {summary}")
    return "\n".join(lines)


def blocking(tab):
    return [v for v in violations(tab) if v["impact"] in BLOCKING]


@pytest.mark.parametrize("path", SITE_PAGES)
def test_no_serious_accessibility_violations(visits, path):
    found = [v for v in visits.laptop(path)["violations"] if v["impact"] in BLOCKING]  # answers opened
    assert not found, report(path, found)


# Colours no reader could read, put in a code block's keywords, an admonition's text, the navigation, one table
# cell and one paragraph of its own (an inline style): the kinds of text a page has, each failing for axe-core.
UNREADABLE = {"light": "#c8c8c8", "dark": "#484848"}  # on the scheme's background
DEFECTS = ".highlight .k, .admonition p, .md-nav__link, td:first-child {color: COLOUR !important}"
ONE_PARAGRAPH = (
    "colour => { const all = document.querySelectorAll('.md-content p'); all[all.length >> 1].style.color = colour }"
)
LOOKS = """found => [...new Set(found.flatMap(violation => violation.nodes
    .map(node => contrastLooks.get(document.querySelector(node.target[0])))))]"""


@pytest.mark.parametrize("path, scheme", [("training-run/", "light"), ("en/notebooks/autograd/", "dark")])
def test_contrast_checked_once_per_look_fails_where_every_element_does(light_tab, dark_tab, site_url, path, scheme):
    """browser_visits.MARK_CONTRAST_SAMPLES: checking one element of each look finds every look that fails when
    every element is checked, and no other (here with unreadable colours put on five kinds of text)."""
    tab = light_tab if scheme == "light" else dark_tab
    visit(tab, site_url + path)
    tab.evaluate(OPEN_ANSWERS)
    tab.add_style_tag(content=DEFECTS.replace("COLOUR", UNREADABLE[scheme]))
    tab.evaluate(ONE_PARAGRAPH, UNREADABLE[scheme])
    contrast = {"runOnly": {"type": "rule", "values": ["color-contrast"]}}
    sampled = axe_violations(tab, contrast)
    tab.evaluate(AXE_SCRIPT)  # axe-core afresh: colour contrast on every element
    every = tab.evaluate("options => axe.run(document, options)", contrast)
    assert sampled and every["violations"], f"/{path}: the unreadable colours were not found"
    sampled_looks, every_looks, passed_looks = (
        sorted(tab.evaluate(LOOKS, found), key=str) for found in (sampled, every["violations"], every["passes"])
    )
    assert None not in every_looks + passed_looks, f"/{path}: an element axe-core checked has no look"
    assert len(every_looks) >= 5, f"/{path}: not every kind of unreadable text was found: {every_looks}"
    mixed = set(every_looks) & set(passed_looks)
    assert not mixed, f"/{path}: elements that look alike pass and fail: looks {sorted(mixed)}"
    assert sampled_looks == every_looks, f"/{path}: checked once per look, other looks fail than when all are"
    nodes = [sum(len(v["nodes"]) for v in found) for found in (sampled, every["violations"])]
    assert nodes[0] < nodes[1], f"/{path}: as many elements checked once per look as in all ({nodes})"


@pytest.mark.parametrize("path", DARK_PAGES)
def test_dark_scheme_follows_the_system_and_passes(dark_tab, site_url, path):
    visit(dark_tab, site_url + path)
    scheme = dark_tab.evaluate("document.body.dataset.mdColorScheme")
    assert scheme == "slate", f"/{path} with a dark system preference shows the '{scheme}' scheme, not 'slate'"
    found = blocking(dark_tab)
    assert not found, "dark scheme: " + report(path, found)


@pytest.mark.parametrize("path", ["computation-graph/", "en/notebooks/computation-graph/"])
def test_graphs_sit_on_a_light_panel_in_the_dark_scheme(dark_tab, site_url, path):
    """Graphs have transparent backgrounds and dark lines and text: each needs a light background of its own."""
    visit(dark_tab, site_url + path)
    backgrounds = dark_tab.evaluate("""[...document.querySelectorAll(
        '.md-typeset img.recorded-graph, .jupyter-wrapper .jp-OutputArea-output img')]
        .map(image => getComputedStyle(image).backgroundColor)""")
    assert backgrounds, f"/{path}: no graph found"
    dark = [colour for colour in backgrounds if luminance(colour) < 0.8]
    assert not dark, f"/{path}: {len(dark)} of {len(backgrounds)} graphs have no light panel: {dark[:3]}"


def luminance(css_colour):
    """Relative luminance of an rgb()/rgba() colour; a transparent one counts as dark (the page shows through)."""
    parts = [float(part) for part in css_colour[css_colour.index("(") + 1 : -1].split(",")]
    if len(parts) == 4 and parts[3] < 1:
        return 0.0
    linear = [s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4 for s in (c / 255 for c in parts[:3])]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("language", PROJECT.languages, ids=lambda language: language.code)
def test_the_toggle_switches_scheme_in_the_pages_language(browser, site_url, language):
    context, tab = scheme_tab(browser, "light")  # a tab of its own: the theme remembers the reader's choice
    try:
        visit(tab, site_url + language.url_prefix + "tensors/")
        words = LABELS[language.code]
        for name, scheme in (("palette-dark", "slate"), ("palette-light", "default")):
            toggle = tab.locator("label[for^='__palette_']:visible")
            assert toggle.get_attribute("title") == words[name], f"/{language.url_prefix}: the toggle's name"
            toggle.click()
            assert tab.evaluate("document.body.dataset.mdColorScheme") == scheme
    finally:
        context.close()


@pytest.mark.parametrize("path", ["tensors/", "en/tensors/"])
def test_search_dialog_is_named_and_copy_buttons_are_no_landmarks(light_tab, site_url, path):
    visit(light_tab, site_url + path)
    light_tab.wait_for_selector('button[data-md-type="copy"]', state="attached")  # the theme's script adds them
    rules = ["aria-dialog-name", "landmark-unique"]
    found = violations(light_tab, {"runOnly": {"type": "rule", "values": rules}})
    assert not found, report(path, found)
    navs = light_tab.evaluate("document.querySelectorAll('nav.md-code__nav:not([role=none])').length")
    assert navs == 0, f"/{path}: {navs} copy buttons sit in a <nav> landmark"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language, term", [("", "梯度"), ("en/", "gradient")])
def test_search_results_pass(light_tab, dark_tab, site_url, scheme, language, term):
    tab = light_tab if scheme == "light" else dark_tab
    visit(tab, site_url + language + "glossary/")
    tab.focus("input.md-search__input")
    tab.keyboard.type(term, delay=20)
    tab.keyboard.press("End")  # Chinese text is typed without key events; this one makes the search run
    tab.wait_for_selector(".md-search-result__item", timeout=10000)
    found = blocking(tab)
    assert not found, f"search results for '{term}', {scheme} scheme: " + report(language + "glossary/", found)


@pytest.mark.parametrize(
    "path, math",
    [("", False), ("en/", False), ("linear-regression/", True), ("en/notebooks/linear-regression/", True)],
)
def test_katex_loads_only_where_there_is_math(light_tab, site_url, path, math):
    requested = [url for url in visit(light_tab, site_url + path) if "katex" in url]
    if not math:
        assert not requested, f"/{path} has no math but loads KaTeX: {requested}"
        return
    assert requested, f"/{path} has math but loads no KaTeX"
    light_tab.wait_for_selector(".katex", state="attached")
    raw = light_tab.evaluate("""[...document.querySelectorAll('.md-content p, .md-content li')]
        .filter(e => /\\$[^$\\s][^$]*\\$/.test(e.textContent) && !e.querySelector('.katex'))
        .map(e => e.textContent.slice(0, 60))""")
    assert not raw, f"/{path}: math left untypeset: {raw[:3]}"


@pytest.mark.parametrize("path", ["linear-regression/", "en/notebooks/linear-regression/"])
def test_printed_page_shows_the_answers_in_light_colours(dark_tab, site_url, path):
    """Printed from a reader whose system is dark: the page prints in the light scheme's colours, answers open."""
    tab = dark_tab
    visit(tab, site_url + path)
    answer = "details:not([open]) > :not(summary)"
    assert tab.locator(answer).count(), f"/{path}: no folded answer to print"
    tab.add_style_tag(content="*, ::before, ::after { transition: none !important }")  # colours change at once
    try:
        # The print styles show a folded answer's content with no beforeprint event (a headless PDF)...
        tab.emulate_media(media="print")
        hidden = tab.evaluate(f"[...document.querySelectorAll('{answer}')].filter(e => !e.checkVisibility()).length")
        assert hidden == 0, f"/{path}: printed, {hidden} parts of folded answers are hidden"
        found = violations(tab, {"runOnly": {"type": "rule", "values": ["color-contrast"]}})
        assert not found, "printed: " + report(path, found)
        # ...and print.js opens every folded <details> before printing, the theme's and any other, and closes
        # them again after.
        tab.evaluate("""document.querySelector('article').append(Object.assign(
            document.createElement('details'), {id: 'print-check', innerHTML: '<summary>?</summary><p>!</p>'}))""")
        tab.evaluate("dispatchEvent(new Event('beforeprint'))")
        closed = tab.evaluate("document.querySelectorAll('details:not([open])').length")
        assert closed == 0, f"/{path}: {closed} answers still folded when printing"
        tab.evaluate("dispatchEvent(new Event('afterprint'))")
        assert not tab.evaluate("document.getElementById('print-check').open"), "answers stay open after print"
    finally:
        tab.emulate_media(media="screen")
