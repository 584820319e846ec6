"""The site's notebook pages (/notebooks/<page>/, /en/notebooks/<page>/) read as the chapter pages do
(course_pipeline/notebook_pages.py): a table of contents, previous and next links, download and Colab buttons, no
visible ¶, answers folded, the chapter pages' code colours, one title, links that stay on the site. The notebooks
themselves fold the answers too (course_pipeline/notebooks.py)."""

import json
import re
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from markdown_it import MarkdownIt

from course_pipeline.labels import labels
from course_pipeline.pytest_plugin import project
from tests.browser_visits import visit

PROJECT = project()
CHAPTERS = PROJECT.chapter_pages()
SHOWN = {language.code: f"docs/{language.code}/tensors.md" for language in PROJECT.languages}  # seen in Chromium
TOC_LINK = re.compile(r'<a href="#([^"]+)" class="md-nav__link">')
FOOTER = re.compile(r'<a href="([^"]*)" class="md-footer__link md-footer__link--(prev|next)"')
TOKENS = ("k", "kn", "kc", "nn", "nf", "nb", "n", "o", "ow", "p", "s1", "s2", "mi", "mf", "c1")
FOLDED = re.compile(r"^[ \t]*\?\?\?\+?\s", re.M)  # a folded block of a page (an answer)


def html_of(site, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def notebook_of(page: str) -> dict:
    return json.loads(PROJECT.notebook_path(page).read_text(encoding="utf-8"))


def reading_order(language) -> list[str]:
    """The pages of a language in the order of mkdocs.yml's nav."""
    return [f"docs/{language.code}/{entry}" for entry in PROJECT.config["nav"]]


def article(html: str) -> str:
    return html[html.index("<article") : html.index("</article>")]


def contents(html: str) -> list[str]:
    """The anchors the table of contents (the secondary sidebar) links to."""
    return TOC_LINK.findall(html[html.index("md-sidebar--secondary") :])


# The built site: every notebook page, both languages


@pytest.mark.parametrize("page", CHAPTERS)
def test_notebook_page_has_the_chapter_pages_contents(built_site, page):
    notebook = html_of(built_site, PROJECT.notebook_url(page))
    chapter = html_of(built_site, PROJECT.page_url(page))
    toc = contents(notebook)
    assert toc, f"/{PROJECT.notebook_url(page)} has no table of contents"
    assert toc == contents(chapter), f"/{PROJECT.notebook_url(page)}: its contents differ from its chapter's"
    ids = set(re.findall(r'<h[1-6] id="([^"]+)"', article(notebook)))
    missing = [anchor for anchor in toc if unquote(anchor) not in ids]
    assert not missing, f"/{PROJECT.notebook_url(page)}: contents entries lead nowhere: {missing}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_notebook_page_links_to_the_previous_and_next_notebooks(built_site, page):
    """In reading order: the chapters' notebooks, and where a neighbour has none (home, glossary), that page."""
    url = PROJECT.notebook_url(page)
    order = reading_order(PROJECT.language_of(page))
    place = order.index(page)

    def expected(other):
        return "/" + (PROJECT.notebook_url(other) if other in CHAPTERS else PROJECT.page_url(other))

    links = {kind: urlsplit(urljoin("/" + url, href)).path for href, kind in FOOTER.findall(html_of(built_site, url))}
    want = {}
    if place > 0:
        want["prev"] = expected(order[place - 1])
    if place + 1 < len(order):
        want["next"] = expected(order[place + 1])
    assert links == want, f"/{url}: its footer links to {links}, not {want}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_notebook_page_shows_what_its_chapter_shows(built_site, page):
    """One title, no Jupyter ¶, the answers folded with their code, links on this site, the two buttons."""
    url = PROJECT.notebook_url(page)
    html = article(html_of(built_site, url))
    assert html.count("<h1") == 1, f"/{url} has {html.count('<h1')} titles"
    assert "anchor-link" not in html, f"/{url} shows Jupyter's ¶ links"
    assert PROJECT.site_url not in html, f"/{url} links to the published site, not to this one"
    answers = len(FOLDED.findall((PROJECT.root / page).read_text(encoding="utf-8")))
    folds = re.findall(r'<details class="success">.*?</details>', html, re.S)
    assert len(folds) == answers, f"/{url} folds {len(folds)} answers; its chapter has {answers}"
    assert all("jp-CodeCell" in fold for fold in folds), f"/{url}: an answer's code is not folded with it"
    words = labels(PROJECT.language_of(page).code)
    name = PROJECT.notebook_path(page).name
    buttons = re.search(r'<p class="notebook-buttons">(.*?)</p>', html)
    assert buttons, f"/{url} has no download and Colab buttons"
    assert f'href="{name}" download>{words["download"]}</a>' in buttons[1], f"/{url}: no download button"
    assert f'href="{PROJECT.colab_url(page)}">{words["colab"]}</a>' in buttons[1], f"/{url}: no Colab button"
    assert (built_site / url / name).is_file(), f"/{url}{name} is not on the site"


# The notebooks: answers fold in Jupyter and Colab too; links stay absolute there


@pytest.mark.parametrize("page", CHAPTERS)
def test_notebook_folds_the_answers(page):
    cells = notebook_of(page)["cells"]
    answers = len(FOLDED.findall((PROJECT.root / page).read_text(encoding="utf-8")))
    markdown = MarkdownIt("commonmark")  # Jupyter's Markdown (CommonMark, with HTML blocks)
    folds = [cell for cell in cells if cell["cell_type"] == "markdown" and "<details" in "".join(cell["source"])]
    assert len(folds) == answers, f"{page}'s notebook folds {len(folds)} answers, its page has {answers}"
    for cell in folds:
        rendered = markdown.render("".join(cell["source"]))
        inside = re.search(r"<details[^>]*>\s*<summary>[^<]+</summary>(.*?)</details>", rendered, re.S)
        assert inside and re.search(r"<(p|ul|ol)>", inside[1]), f"{page}: an answer's Markdown does not render"
        assert not re.search(r"\*\*|`", re.sub(r"<code>.*?</code>", "", inside[1])), f"{page}: raw Markdown shows"
    hidden = [cell for cell in cells if cell["metadata"].get("jupyter", {}).get("source_hidden")]
    assert len(hidden) == answers, f"{page}'s notebook hides {len(hidden)} answers' code, its page has {answers}"
    assert all(cell["metadata"]["jupyter"].get("outputs_hidden") for cell in hidden)
    links = re.findall(r"\]\((https?://[^)]+)\)", "".join("".join(cell["source"]) for cell in cells))
    assert any(link.startswith(PROJECT.site_url) for link in links), f"{page}'s notebook has no link to the site"


@pytest.mark.parametrize("page", CHAPTERS)
def test_notebook_headings_keep_the_chapter_pages_anchors(page):
    source = (PROJECT.root / page).read_text(encoding="utf-8")
    ids = re.findall(r"^#{2,6} .*\{\s*#([\w-]+)\s*\}\s*$", source, re.M)
    text = "\n".join("".join(cell["source"]) for cell in notebook_of(page)["cells"] if cell["cell_type"] == "markdown")
    kept = re.findall(r'^#{2,6} .*<a id="([\w-]+)"></a>$', text, re.M)
    assert kept == ids, f"{page}'s notebook headings have the anchors {kept}, its page {ids}"


# In Chromium: one chapter per language


COLOURS = f"""() => Object.fromEntries({list(TOKENS)}.map(name => {{
    const token = document.querySelector(`.md-content :is(.highlight, .highlight-ipynb) .${{name}}`);
    return [name, token && getComputedStyle(token).color];
}}))"""

LOOK = """() => {
    const visible = element => !!element && element.checkVisibility() && element.getBoundingClientRect().width > 0;
    const pilcrows = [...document.querySelectorAll('.md-content *')].filter(element =>
        [...element.childNodes].some(node => node.nodeType === 3 && node.data.includes('¶')));
    const folds = [...document.querySelectorAll('.md-content details.success')];
    const buttons = [...document.querySelectorAll('.notebook-buttons a')];
    return {
        titles: [...document.querySelectorAll('.md-content h1')].map(h => h.firstChild.textContent.trim()),
        title: document.title,
        toc: [...document.querySelectorAll('.md-sidebar--secondary a.md-nav__link')]
            .map(a => [a.textContent.trim(), a.getAttribute('href'), visible(a)]),
        targets: [...document.querySelectorAll('.md-sidebar--secondary a.md-nav__link')]
            .map(a => !!document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)))),
        pilcrows: pilcrows.map(e => [e.className, getComputedStyle(e).opacity]),
        folds: folds.map(d => [d.open, d.querySelectorAll('.jp-CodeCell').length,
                               [...d.querySelectorAll('.highlight')].some(visible)]),
        buttons: buttons.map(a => [a.textContent.trim(), a.getAttribute('href'), a.hasAttribute('download'),
                                   visible(a), Math.round(a.getBoundingClientRect().top)]),
        footer: [...document.querySelectorAll('.md-footer__link')].map(a => [a.className, a.href, visible(a)]),
        hosts: [...document.querySelectorAll('.md-content a[href]')].map(a => new URL(a.href).host),
    };
}"""


def colours(tab) -> dict:
    light = tab.evaluate(COLOURS)
    tab.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    dark = tab.evaluate(COLOURS)
    tab.evaluate("document.body.setAttribute('data-md-color-scheme', 'default')")
    return {"light": light, "dark": dark}


@pytest.mark.parametrize("page", SHOWN.values())
def test_notebook_page_in_the_browser(tab, site_url, page):
    url = PROJECT.notebook_url(page)
    visit(tab, site_url + PROJECT.page_url(page))
    chapter_title = tab.inner_text(".md-content h1").removesuffix("¶").strip()
    chapter_toc = tab.eval_on_selector_all(
        ".md-sidebar--secondary a.md-nav__link",
        "links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])",
    )
    chapter_colours = colours(tab)
    visit(tab, site_url + url)
    look = tab.evaluate(LOOK)

    assert look["titles"] == [chapter_title], f"/{url} shows the titles {look['titles']}, not one {chapter_title}"
    assert look["title"].startswith(chapter_title + " - "), f"/{url}: its window title is {look['title']}"
    assert [entry[:2] for entry in look["toc"]] == chapter_toc, f"/{url}: its contents are not its chapter's"
    assert all(entry[2] for entry in look["toc"]) and all(look["targets"]), f"/{url}: contents hidden or broken"
    assert chapter_title not in [entry[0] for entry in look["toc"]], f"/{url}: the contents repeat the title"

    shown = [pilcrow for pilcrow in look["pilcrows"] if pilcrow != ["headerlink", "0"]]
    assert not shown, f"/{url} shows ¶ marks (other than the hidden permalinks): {shown[:5]}"

    assert look["folds"], f"/{url} has no folded answers"
    for is_open, code_cells, code_visible in look["folds"]:
        assert not is_open and code_cells and not code_visible, f"/{url}: an answer is not folded with its code"

    words = labels(PROJECT.language_of(page).code)
    name = PROJECT.notebook_path(page).name
    buttons = look["buttons"]
    assert [button[:3] for button in buttons] == [
        [words["download"], name, True],
        [words["colab"], PROJECT.colab_url(page), False],
    ], f"/{url}: its buttons are {buttons}"
    assert all(button[3] for button in buttons) and buttons[0][4] == buttons[1][4], f"/{url}: buttons {buttons}"
    downloaded = tab.evaluate(f"fetch({json.dumps(name)}).then(response => response.json())")
    assert downloaded == notebook_of(page), f"/{url}: its download button does not give {name}"

    order = reading_order(PROJECT.language_of(page))
    place = order.index(page)
    footer = {kind.split("--")[-1]: urlsplit(href).path for kind, href, visible in look["footer"] if visible}
    assert footer == {
        "prev": "/" + PROJECT.notebook_url(order[place - 1]),
        "next": "/" + PROJECT.notebook_url(order[place + 1]),
    }, f"/{url}: its footer leads to {footer}"

    published = urlsplit(PROJECT.site_url).netloc
    assert published not in look["hosts"], f"/{url} has links to {published}, away from the site being read"

    notebook_colours = colours(tab)
    for scheme, expected in chapter_colours.items():
        compared = {name: colour for name, colour in expected.items() if colour and notebook_colours[scheme][name]}
        assert len(compared) > 8, f"too few code tokens to compare on /{url}: {compared}"
        differ = {name: (colour, notebook_colours[scheme][name]) for name, colour in compared.items()}
        differ = {name: pair for name, pair in differ.items() if pair[0] != pair[1]}
        assert not differ, f"/{url} colours its code unlike its chapter ({scheme}): {differ}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_notebook_figures_are_described_and_sized(built_site, page):
    """As on the chapter pages: a real description (page_outputs.describe), not nbconvert's placeholder, and a size."""
    images = re.findall(r"<img [^>]*>", article(html_of(built_site, PROJECT.notebook_url(page))))
    for image in images:
        alt = re.search(r'alt="([^"]*)"', image)
        assert alt and len(alt[1]) > 10 and "No description" not in alt[1], f"{page}'s notebook: {image[:120]}"
        assert re.search(r'width="\d+"', image) and re.search(r'height="\d+"', image), f"{page}'s notebook: no size"
