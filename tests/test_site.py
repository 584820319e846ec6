"""Quality gates on the built site: every internal link and anchor resolves, in both languages, twin pages show
the same images and the same number of exercises, and notebook pages stay light."""

import re

import pytest

from course_pipeline import links
from course_pipeline.links import check_site
from course_pipeline.pytest_plugin import project

PROJECT = project()
DEFAULT_PAGES = [page for page in PROJECT.pages() if PROJECT.language_of(page).default]


def test_every_internal_link_and_anchor_resolves(built_site):
    problems, _ = check_site(built_site, PROJECT)
    assert not problems, "\n".join(problems)


def built(site, page):
    """docs/zh/tensors.md -> the built HTML of that page"""
    return (site / PROJECT.page_url(page) / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", DEFAULT_PAGES)
def test_twins_show_the_same_images_and_exercises(built_site, page):
    for language in PROJECT.languages:
        twin = PROJECT.twin(page, language)
        mine, theirs = built(built_site, page), built(built_site, twin)
        images = [
            re.findall(r'<img[^>]*src="[^"]*?outputs/([^"]+?)(?:-[a-z]{2})?\.svg"', html) for html in (mine, theirs)
        ]
        assert images[0] == images[1], f"{page} and {twin} show different recorded images: {images[0]} vs {images[1]}"
        solutions = [html.count('<details class="success"') for html in (mine, theirs)]
        assert solutions[0] == solutions[1], (
            f"{page} has {solutions[0]} exercise solutions, {twin} has "
            f"{solutions[1]}; both languages must have the same exercises"
        )


def test_notebook_pages_do_not_carry_jupyterlab_s_whole_stylesheet(built_site):
    notebook_pages = sorted(built_site.glob("**/notebooks/*/index.html"))
    assert len(notebook_pages) == len(PROJECT.chapter_pages())
    heavy = [
        str(path.relative_to(built_site))
        for path in notebook_pages
        if '@charset "UTF-8";.jupyter-wrapper{' in path.read_text(encoding="utf-8")
    ]
    assert not heavy, f"JupyterLab's 570 kB stylesheet is inlined again (course_pipeline/plugin.py): {heavy}"


def test_the_link_check_names_what_is_broken_and_where(tmp_path):
    (tmp_path / "en" / "tensors").mkdir(parents=True)
    (tmp_path / "en" / "tensors" / "index.html").write_text('<h2 id="shapes">Shapes</h2>')
    (tmp_path / "index.html").write_text(
        '<a href="en/tensors/#shapes">ok</a> <a href="en/tensors/#shape">anchor</a>'
        ' <a href="en/models/">page</a> <img src="outputs/graph.svg">'
        ' <a href="https://example.org/">away</a>'
    )
    problems, external = check_site(tmp_path, PROJECT)
    assert external == {"https://example.org/"}
    assert len(problems) == 3, problems
    assert "index.html (from docs/zh/index.md): <a> points to en/tensors/#shape" in problems[0]
    assert "has no #shape" in problems[1 - 1]
    assert "en/models/, which is not in the site" in problems[1]
    assert "<img> points to outputs/graph.svg" in problems[2]


def test_a_missing_browser_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(links, "CHROMIUM", tmp_path / "chromium-headless-shell")
    with pytest.raises(FileNotFoundError, match=r"install it with `bash \.ci/setup`"):
        links.launch_chromium(driver=None)  # refused before the driver is used
