"""The site for reading from disk (course_pipeline/offline.py): a zip in the built site that both home pages link
to and that, unzipped, works in Chromium over file://: navigation, the language switcher and search."""

import os
import re
import zipfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from course_pipeline.offline import FOLDER, ZIP, write_zip
from course_pipeline.pytest_plugin import project
from tests.browser_visits import watched

PROJECT = project()
playwright = pytest.importorskip("playwright.sync_api")
HOMES = [
    f"{PROJECT.docs.relative_to(PROJECT.root).as_posix()}/{language.code}/index.md" for language in PROJECT.languages
]
CHAPTER = "tensors"  # a chapter the test goes to from the home page
SEARCHES = [("", "梯度", "linear-regression.html"), ("en/", "gradient", "en/linear-regression.html")]


def title(page: str) -> str:
    """The page's own heading, as the site shows it."""
    first = next(line for line in (PROJECT.root / page).read_text(encoding="utf-8").splitlines() if line[:2] == "# ")
    return re.sub(r"\s*\{.*\}\s*$", "", first[2:]).replace("`", "").strip()


def heading(tab) -> str:
    return tab.inner_text("article h1").removesuffix("¶").strip()  # without the permalink


@pytest.mark.parametrize("home", HOMES)
def test_the_home_page_links_to_the_zip_in_the_site(built_site, home):
    url = "/" + PROJECT.page_url(home)
    html = (built_site / PROJECT.page_url(home) / "index.html").read_text(encoding="utf-8")
    targets = {urlsplit(urljoin(url, href)).path for href in re.findall(r'<a [^>]*href="([^"]+\.zip)"', html)}
    assert "/" + ZIP in targets, f"{home} does not link to /{ZIP} (its .zip links go to {sorted(targets)})"
    assert (built_site / ZIP).is_file(), f"the built site has no {ZIP}: run python -m course_pipeline.offline SITE"


def test_the_zip_is_the_same_whenever_the_site_is(tmp_path):
    """CI compares two built sites byte for byte (.ci/run): file times and the order files are found in must not
    show in the zip."""
    site = tmp_path / "site"
    (site / "en").mkdir(parents=True)
    for name in ("index.html", "en/index.html"):
        (site / name).write_text(name)
    write_zip(site, tmp_path / "first.zip")
    os.utime(site / "index.html", (1_900_000_000, 1_900_000_000))
    write_zip(site, tmp_path / "second.zip")
    assert (tmp_path / "first.zip").read_bytes() == (tmp_path / "second.zip").read_bytes()
    assert zipfile.ZipFile(tmp_path / "first.zip").namelist() == [f"{FOLDER}/en/index.html", f"{FOLDER}/index.html"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["first.zip", "second.zip", "site"]  # nothing staged


@pytest.fixture(scope="session")  # once per process: pytest-xdist interleaves modules
def offline_site(built_site, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(built_site / ZIP) as archive:
        archive.extractall(folder)
    return folder / FOLDER


@pytest.fixture
def disk_tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield watched(context.new_page())
    context.close()


def test_the_unzipped_site_reads_from_disk_in_both_languages(disk_tab, offline_site):
    tab, home = disk_tab, (offline_site / "index.html").as_uri()
    tab.goto(home)
    assert tab.evaluate("document.documentElement.lang") == PROJECT.default_language.code
    assert heading(tab) == title(HOMES[0]), "index.html is not the Chinese home page"
    with tab.expect_navigation():
        tab.click(f'.md-sidebar--primary a.md-nav__link[href="{CHAPTER}.html"]')
    chapter_zh = f"{PROJECT.docs.relative_to(PROJECT.root).as_posix()}/zh/{CHAPTER}.md"
    assert tab.url == (offline_site / f"{CHAPTER}.html").as_uri()
    assert heading(tab) == title(chapter_zh)
    with tab.expect_navigation():
        tab.eval_on_selector('a.md-select__link[hreflang="en"]', "link => link.click()")
    assert tab.url == (offline_site / "en" / f"{CHAPTER}.html").as_uri(), "the language switcher did not lead to en"
    assert heading(tab) == title(chapter_zh.replace("/zh/", "/en/"))
    outside = sorted({url for url in tab.requests if not url.startswith("file:")})
    assert not outside, f"the offline site asked the network for {outside}"
    assert not tab.problems, "; ".join(tab.problems)


@pytest.mark.parametrize("language, term, chapter", SEARCHES)
def test_search_works_from_disk(disk_tab, offline_site, language, term, chapter):
    tab = disk_tab
    tab.goto((offline_site / language / "glossary.html").as_uri())
    tab.focus("input.md-search__input")
    tab.keyboard.type(term, delay=20)
    tab.keyboard.press("End")  # Chinese text is typed without key events; this one makes the search run
    try:
        tab.wait_for_selector(".md-search-result__item", timeout=10000)
    except playwright.TimeoutError:
        pytest.fail(f"searching '{term}' from disk on /{language}glossary.html showed no result: {tab.problems}")
    found = [
        Path(urlsplit(link).path).relative_to(offline_site).as_posix()
        for link in tab.eval_on_selector_all(".md-search-result__item > a", "items => items.map(a => a.href)")
    ]
    assert chapter in found, f"searching '{term}' from disk on /{language}glossary.html did not find {chapter}: {found}"
    assert found[0].startswith("en/") == (language == "en/"), (
        f"searching '{term}' from disk on /{language}: the first result {found[0]} is not in the page's language"
    )
    assert not tab.problems, "; ".join(tab.problems)
