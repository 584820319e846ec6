"""What the site puts around the content, in Chromium: each language's 404 page, the language switcher (it marks the
current language and keeps the reader's section), the links to edit a page and report a problem with it, the
stamp of when and with what a chapter's outputs were recorded, the footer, and each page's metadata (description,
link preview, its versions in every language). Some decisions are also checked on small inputs."""

import datetime
import functools
import http.server
import json
import re
import subprocess
import threading
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from course_pipeline import device, page_furniture, record_chapter, records
from course_pipeline.labels import LABELS
from course_pipeline.pytest_plugin import project
from tests.browser_visits import visit

PROJECT = project()
ZH, EN = PROJECT.default_language, next(language for language in PROJECT.languages if not language.default)
SITE_PATH = urlsplit(PROJECT.site_url).path  # /pytorch-fundamentals/: where GitHub Pages serves the site
CHAPTER_PAGE = "docs/zh/tensors.md"  # a chapter page; its English twin and notebook are checked too
# (page on the site, the Markdown source its edit link opens)
PAGES = [
    (PROJECT.page_url(CHAPTER_PAGE), CHAPTER_PAGE),
    (PROJECT.page_url(PROJECT.twin(CHAPTER_PAGE, EN)), PROJECT.twin(CHAPTER_PAGE, EN)),
    (PROJECT.notebook_url(CHAPTER_PAGE), CHAPTER_PAGE),
    (PROJECT.notebook_url(PROJECT.twin(CHAPTER_PAGE, EN)), PROJECT.twin(CHAPTER_PAGE, EN)),
    (PROJECT.page_url("docs/zh/index.md"), "docs/zh/index.md"),
    (PROJECT.page_url("docs/en/glossary.md"), "docs/en/glossary.md"),
]
SWITCHER = "a.md-select__link[hreflang]"


def attribute(tab, selector, name):
    """An element's attribute, None if there is no such element (no waiting for one)."""
    return tab.evaluate("([s, n]) => document.querySelector(s)?.getAttribute(n) ?? null", [selector, name])


def language_of(path: str):
    return EN if path.startswith(EN.url_prefix) else ZH


def twin_path(path: str, language) -> str:
    return language.url_prefix + path.removeprefix(EN.url_prefix)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


def copyright_of(language) -> str:
    """The footer's copyright line of a language, as mkdocs.yml sets it (the i18n plugin's, else the site's)."""
    i18n = next(plugin["i18n"] for plugin in PROJECT.config["plugins"] if isinstance(plugin, dict) and "i18n" in plugin)
    settings = next(entry for entry in i18n["languages"] if entry["locale"] == language.code)
    return text(settings.get("copyright") or PROJECT.config["copyright"])


# One navigation per page: actions, metadata, footer, switcher, stamp.


@pytest.fixture
def loaded(tab, site_url):
    """Visit a page; its requests, and those that failed (status 400 or more)."""

    def load(path):
        failed = []
        listener = lambda response: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400 else None
        )
        tab.on("response", listener)
        try:
            requests = visit(tab, site_url + path, until="networkidle")
        finally:
            tab.remove_listener("response", listener)
        return requests, failed

    return load


HEAD = """() => {
    const meta = {};
    for (const tag of document.head.querySelectorAll('meta[name], meta[property]')) {
        const key = tag.getAttribute('name') || tag.getAttribute('property');
        meta[key] = meta[key] ? [].concat(meta[key], tag.content) : tag.content;
    }
    const alternates = [...document.head.querySelectorAll('link[hreflang]')]
        .map(link => [link.getAttribute('rel'), link.hreflang, link.getAttribute('href')]);
    return {meta, alternates, lang: document.documentElement.lang};
}"""


@pytest.mark.parametrize("path, source", PAGES)
def test_page_furniture(tab, loaded, site_url, path, source):
    requests, failed = loaded(path)
    language = language_of(path)
    words = LABELS[language.code]
    own_host = urlsplit(site_url).netloc
    foreign = [r for r in requests if urlsplit(r).netloc not in (own_host, "")]
    assert not foreign, f"/{path} asked other hosts: {foreign}"
    assert not failed, f"/{path}: requests failed: {failed}"  # no <alternate>/sitemap.xml, say
    assert not [r for r in requests if r.endswith("sitemap.xml")], f"/{path} fetched a sitemap: {requests}"
    assert not tab.problems, f"/{path}: " + "; ".join(tab.problems)

    # The page's actions: its Markdown source on GitHub, and a new issue naming the page and the source.
    edit = attribute(tab, "article a.page-action-edit", "href")
    assert edit == f"{PROJECT.repository}/edit/main/{source}", f"/{path}: the edit link goes to {edit}"
    assert attribute(tab, "article a.page-action-edit", "title") == words["edit"]
    report = urlsplit(attribute(tab, "article a.page-action-report", "href") or "")
    assert f"{report.scheme}://{report.netloc}{report.path}" == f"{PROJECT.repository}/issues/new"
    query = {key: values[0] for key, values in parse_qs(report.query).items()}
    assert f"/{path}" in query["title"], f"/{path}: the issue's title does not name the page: {query['title']}"
    assert PROJECT.site_url + path in query["body"] and source in query["body"], (
        f"/{path}: the issue's body does not name the page and its source: {query['body']!r}"
    )
    assert attribute(tab, "article a.page-action-report", "title") == words["report"]

    # Metadata: a description of this page, a link preview, and the page in every language.
    head = tab.evaluate(HEAD)
    meta = head["meta"]
    assert head["lang"] == language.code
    description = meta.get("description", "")
    assert 20 <= len(description) <= 160 and "](" not in description and "`" not in description, (
        f"/{path}: description {description!r}"
    )
    assert description != PROJECT.config["site_description"] or path == "", f"/{path}: the site's description"
    published = PROJECT.site_url + path
    expected_og = {
        "og:url": published,
        "og:description": description,
        "og:locale": words["locale"],
        "og:type": "website" if path in ("", EN.url_prefix) else "article",
    }
    assert {key: meta.get(key) for key in expected_og} == expected_og
    assert meta.get("og:title") and meta.get("og:site_name"), f"/{path}: no og:title or og:site_name"
    expected = {(code.code, PROJECT.site_url + twin_path(path, code)) for code in PROJECT.languages}
    expected.add(("x-default", PROJECT.site_url + twin_path(path, ZH)))
    assert {(lang, href) for rel, lang, href in head["alternates"]} == expected, head["alternates"]
    assert all(rel.split() == ["alternate"] for rel, *_ in head["alternates"]), head["alternates"]

    # The switcher marks the page's language, visibly.
    tab.hover(".md-header .md-select")
    current = tab.eval_on_selector_all(
        f"{SWITCHER}[aria-current]",
        """links => links.map(link => [link.hreflang,
            link.querySelector('.language-mark svg')?.getBoundingClientRect().width || 0])""",
    )
    assert len(current) == 1 and current[0][0] == language.code and current[0][1] > 0, (
        f"/{path}: the switcher's current language: {current}"
    )

    # The footer in the page's language.
    footer = tab.inner_text(".md-footer .md-copyright")
    assert copyright_of(language) in re.sub(r"\s+", " ", footer), f"/{path}: footer {footer!r}"
    assert "Material for MkDocs" in footer and words["made-with"].split("{link}")[0].strip() in footer

    # The commit the site was built from, at the bottom of the content.
    commit = page_furniture.build_commit(PROJECT.root)
    if commit:
        shown = tab.evaluate("document.querySelector('article .page-commit')?.innerText ?? ''")
        assert commit in shown, f"/{path} does not name the commit {commit}"


def test_descriptions_differ_between_pages(built_site):
    found = {}
    for page in PROJECT.pages():
        html = (built_site / PROJECT.page_url(page) / "index.html").read_text(encoding="utf-8")
        found.setdefault(re.search(r'<meta name="description" content="([^"]*)"', html)[1], []).append(page)
    shared = {description: pages for description, pages in found.items() if len(pages) > 1}
    assert not shared, f"pages with the same description: {shared}"


# The chapter's stamp


def test_chapter_stamp_is_under_the_notebook_links(tab, site_url):
    page = PROJECT.twin(CHAPTER_PAGE, EN)
    words = LABELS[EN.code]
    visit(tab, site_url + PROJECT.page_url(page))
    top = tab.evaluate("""() => {
        const links = document.querySelector('article p.notebook-links');
        const next = links && links.nextElementSibling;
        return next && next.classList.contains('page-stamp--top') ? next.innerText : null;
    }""")
    assert top, "no stamp right under the notebook links"
    run = records.read_run(PROJECT, PROJECT.chapter_of(page), device.REFERENCE)
    assert f"PyTorch {run['torch']}" in top
    if run.get("recorded"):
        assert run["recorded"] in top, f"the stamp does not say when the outputs were recorded: {top!r}"
    # Its details link leads to the full stamp at the bottom: hardware and versions.
    tab.click("article .page-stamp--top a")
    assert urlsplit(tab.url).fragment == page_furniture.STAMP_ID
    details = tab.inner_text(f"#{page_furniture.STAMP_ID}")
    assert details.startswith(words["verified"]) and run["hardware"] in details and run["numpy"] in details


def fake_runs(runs):
    return lambda project, chapter: runs[chapter]


def test_stamp_says_when_each_record_was_made(monkeypatch):
    words = LABELS["en"]
    run = {"hardware": "A CPU (x86_64)", "torch": "2.0", "numpy": "2.1", "python": "3.11.7"}
    runs = {
        "a.py": [("cpu", {**run, "recorded": "2026-11-20"}), ("cuda", {**run, "hardware": "A GPU"})],
        "b.py": [("cpu", {**run, "recorded": "2026-11-29"})],
    }
    monkeypatch.setattr(page_furniture, "_shown_runs", fake_runs(runs))
    one = page_furniture.stamp(PROJECT, ["a.py"], words)
    assert "A CPU (x86_64), PyTorch 2.0, NumPy 2.1, Python 3.11.7, recorded 2026-11-20;" in one
    assert "A GPU, PyTorch 2.0, NumPy 2.1, Python 3.11.7." in one  # a record made before dates: no date
    both = page_furniture.stamp(PROJECT, ["a.py", "b.py"], words, "verified-course")
    assert "(recorded between 2026-11-20 and 2026-11-29)" in both
    top = page_furniture.recorded_line(PROJECT, "a.py", words)
    assert top.startswith("Outputs recorded from a real run on 2026-11-20 (CPU and CUDA GPU, PyTorch 2.0;")
    runs["c.py"] = [("cpu", run)]
    assert page_furniture.recorded_line(PROJECT, "c.py", LABELS["zh"]).startswith(
        "本页的输出记录于真实运行（CPU，PyTorch 2.0，"
    )


def test_a_record_carries_its_utc_date_outside_the_outputs_digest(monkeypatch, tmp_path):
    monkeypatch.setattr(record_chapter, "run_chapter", lambda *args, **kwargs: [])
    record_chapter.record(PROJECT, PROJECT.chapters()[0], "cpu", tmp_path / "record")
    run = json.loads((tmp_path / "record" / "run.json").read_text(encoding="utf-8"))
    assert run["recorded"] == datetime.datetime.now(datetime.UTC).date().isoformat()
    assert run["outputs"] == records.digest_of({})


def test_commit_is_the_checkout_head():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT.root, capture_output=True, text=True)
    except OSError:
        pytest.skip("no git here")
    assert page_furniture.build_commit(PROJECT.root) == (head.stdout.strip() if head.returncode == 0 else "")


# The language switcher keeps the reader's section.


def switch(tab, code):
    with tab.expect_navigation():
        tab.eval_on_selector(f'{SWITCHER}[hreflang="{code}"]', "link => link.click()")
    tab.wait_for_load_state("load")


def test_switching_language_keeps_the_section(tab, site_url):
    english, chinese = PROJECT.page_url(PROJECT.twin(CHAPTER_PAGE, EN)), PROJECT.page_url(CHAPTER_PAGE)
    visit(tab, site_url + english + "#broadcasting")
    switch(tab, ZH.code)
    assert tab.url == site_url + chinese + "#broadcasting"
    switch(tab, EN.code)
    assert tab.url == site_url + english + "#broadcasting"
    # A section reached by scrolling, with no #hash in the address, is kept too.
    visit(tab, site_url + chinese)
    tab.evaluate("document.getElementById('choosing-a-device').scrollIntoView()")
    switch(tab, EN.code)
    assert tab.url == site_url + english + "#choosing-a-device"
    # And a #hash that changes while reading (a link in the table of contents) is in the links at once.
    tab.evaluate("location.hash = 'two-kinds-of-multiplication'")
    href = attribute(tab, f'{SWITCHER}[hreflang="{ZH.code}"]', "href")
    assert href.endswith("#two-kinds-of-multiplication"), href


# The 404 pages, served as GitHub Pages serves the site: under its path, /404.html for every missing address.


@pytest.fixture(scope="session")  # once per process: pytest-xdist interleaves modules
def pages_url(built_site, tmp_path_factory):
    root = tmp_path_factory.mktemp("github-pages")
    (root / SITE_PATH.strip("/")).symlink_to(built_site, target_is_directory=True)

    class GitHubPages(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send_error(self, code, message=None, explain=None):
            if code != 404:
                return super().send_error(code, message, explain)
            body = (built_site / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GitHubPages, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}{SITE_PATH}"
    server.shutdown()
    server.server_close()


NOT_FOUND = """() => [...document.querySelectorAll('article :is(h1, section[lang])')].map(part => {
    const box = part.tagName === 'H1' ? part.parentElement : part;
    return {lang: part.closest('[lang]').lang, heading: part.tagName === 'H1' ? part.innerText :
        box.querySelector('h2').innerText, home: box.querySelector('a.not-found-home').href,
        search: box.querySelector('a.not-found-search').href};
})"""


def not_found_page(tab, url, expected_status=404):
    failed = []
    listener = lambda response: failed.append(response.url) if response.status >= 400 else None
    tab.on("response", listener)
    try:
        response = tab.goto(url, wait_until="networkidle")
    finally:
        tab.remove_listener("response", listener)
    assert response.status == expected_status, f"{url}: status {response.status}"
    assert failed == ([url] if expected_status == 404 else []), f"{url}: these requests failed: {failed}"
    page_itself = "Failed to load resource: the server responded with a status of 404"  # Chromium on the page
    problems = [p for p in tab.problems if not (expected_status == 404 and page_itself in p)]
    assert not problems, f"{url}: " + "; ".join(problems)
    own_host = urlsplit(url).netloc
    assert not [r for r in tab.requests if urlsplit(r).netloc not in (own_host, "")]
    assert tab.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky", (
        f"{url}: the theme's stylesheet did not load"
    )
    return tab.evaluate(NOT_FOUND)


@pytest.mark.parametrize("missing", [ZH.url_prefix + "no-such-page/", EN.url_prefix + "no-such-page/"])
def test_missing_page_gets_the_404_page_in_both_languages(tab, pages_url, missing):
    tab.requests.clear()
    parts = not_found_page(tab, pages_url + missing)
    assert tab.evaluate("document.documentElement.lang") == ZH.code
    assert LABELS[ZH.code]["not-found"] in tab.title()
    expected = [
        {
            "lang": language.code,
            "heading": f"404 - {LABELS[language.code]['not-found']}",
            "home": pages_url + language.url_prefix,
            "search": pages_url + language.url_prefix + "?q=",
        }
        for language in PROJECT.languages
    ]
    assert parts == expected
    switcher = tab.eval_on_selector_all(SWITCHER, "links => links.map(link => [link.hreflang, link.href])")
    assert switcher == [[language.code, pages_url + language.url_prefix] for language in PROJECT.languages]


def test_english_404_page(tab, pages_url):
    tab.requests.clear()
    parts = not_found_page(tab, pages_url + EN.url_prefix + "404.html", expected_status=200)
    assert tab.evaluate("document.documentElement.lang") == EN.code
    assert tab.title().startswith(LABELS[EN.code]["not-found"])
    assert parts == [
        {
            "lang": EN.code,
            "heading": f"404 - {LABELS[EN.code]['not-found']}",
            "home": pages_url + EN.url_prefix,
            "search": pages_url + EN.url_prefix + "?q=",
        }
    ]
    assert urljoin(pages_url, tab.evaluate("JSON.parse(document.getElementById('__config').textContent).base")) == (
        pages_url + EN.code
    ), "the English 404 page's search box does not search the English pages"
    # Its search link opens the search of the English pages.
    with tab.expect_navigation():
        tab.click("a.not-found-search")
    tab.wait_for_function("document.getElementById('__search').checked", timeout=5000)  # the search is open
    assert tab.evaluate("document.documentElement.lang") == EN.code


def test_the_license_names_both_licences():
    licence = (PROJECT.root / "LICENSE").read_text(encoding="utf-8")
    assert "CC BY 4.0" in licence and "MIT" in licence


# The description, on small inputs


def test_description_is_the_first_paragraph_as_plain_text():
    page = """---
description: set by the page
---
# Title { #title }

[Previous chapter](a.md) showed **bold** and *emphasis*, `code()` and $x^2$[^1] with an
![image](x.png)image and <abbr>HTML</abbr>.

Second paragraph.
"""
    assert page_furniture.description(page) == (
        "Previous chapter showed bold and emphasis, code() and x^2 with an image and HTML."
    )
    chinese = '# 标题\n\n```python\n--8<-- "snippets/a.py:b"\n```\n\n第一句话，[张量](glossary.md#tensor)\n接着写。\n'
    assert page_furniture.description(chinese) == "第一句话，张量接着写。"  # lines joined without a space
    long = "word " * 60
    short = page_furniture.description(long)
    assert short.endswith("…") and len(short) <= page_furniture.DESCRIPTION_WIDTH
    sentences = "这是第一句。" * 30
    assert page_furniture.description(sentences).endswith("。") and len(page_furniture.description(sentences)) <= 80
