"""Code blocks, their outputs and images as readers see them, in headless Chromium, on every chapter page in both
languages: on a 1366 px laptop screen (both sidebars shown) no code scrolls sideways, outputs and errors look
apart from code and from each other, exercises are numbered 1..n, images have a description and a size; on a
390 px phone the copy button leaves the first line of code readable and display math stays on the screen."""

import re

import pytest

from course_pipeline import page_outputs
from course_pipeline.labels import labels
from course_pipeline.pytest_plugin import project

PROJECT = project()
CHAPTERS = PROJECT.chapter_pages()
ERROR_LINE = re.compile(r"^(?:Traceback \(most recent call last\):|(?:\w+\.)*[A-Z]\w*(?:Error|Exception)(?::|$))", re.M)
WARNING_LINE = re.compile(r"^(?:\w+\.)*[A-Z]\w*Warning:", re.M)
CONTRAST_PAGE = "docs/zh/pitfalls.md"  # outputs, errors and warnings on one page


@pytest.fixture(scope="session")  # once per process: pytest-xdist interleaves modules
def laptop(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    yield context.new_page()
    context.close()


def open_page(tab, site_url, page):
    tab.goto(site_url + PROJECT.page_url(page), wait_until="load")
    tab.wait_for_selector('.language-python button[data-md-type="copy"]', state="attached")  # the theme's script
    tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


@pytest.mark.parametrize("page", CHAPTERS)
def test_code_outputs_exercises_and_images_on_a_laptop(visits, page):
    words = labels(PROJECT.language_of(page).code)
    seen = visits.laptop(PROJECT.page_url(page))["code_blocks"]  # with every answer opened
    where = f"{page} at 1366x800"
    assert seen["sidebars"] == 2, f"{where}: expected both sidebars shown, saw {seen['sidebars']}"
    assert not seen["scrolling"], (
        f"{where}: these code blocks scroll sideways (their longest line shown); wrap the lines in snippets/ "
        f"(tests/test_pages.py says which): {seen['scrolling']}"
    )
    assert not seen["covered"], f"{where}: the copy button covers the first line of: {seen['covered']}"

    # Outputs: an error output is marked and titled as one; all outputs look apart from code.
    for block in seen["outputs"]:
        error = bool(ERROR_LINE.search(block["text"]))
        assert ("recorded-error" in block["classes"]) == error, (
            f"{where}: an output {'showing' if error else 'without'} an error is "
            f"{'not ' if error else ''}marked recorded-error:\n{block['text'][:300]}"
        )
        warning = not error and bool(WARNING_LINE.search(block["text"]))
        assert ("recorded-warning" in block["classes"]) == warning, (
            f"{where}: an output {'showing' if warning else 'without'} a warning (and no error) is "
            f"{'not ' if warning else ''}marked recorded-warning:\n{block['text'][:300]}"
        )
        title = words["output-error" if error else "output-warning" if warning else "output"]
        assert block["title"] == title, f"{where}: an output's title is {block['title']!r}, not {title!r}"
        assert not block["rule"].endswith(" 0px"), f"{where}: an output has no rule on its left"
    assert seen["codeBackground"] not in seen["outputBackgrounds"], (
        f"{where}: an output has the background of code ({seen['codeBackground']})"
    )
    rules = {("recorded-error" in b["classes"]): b["rule"] for b in seen["outputs"]}
    if len(rules) == 2:
        assert rules[True] != rules[False], f"{where}: errors and outputs have the same rule: {rules[True]}"

    # Exercises: one numbered list, an item per exercise, each holding its folded answer.
    exercises = seen["exercises"]
    if exercises is not None:
        lists = exercises["lists"]
        assert len(lists) == 1 and lists[0]["start"] == 1, (
            f"{where}: the exercises are {len(lists)} numbered lists (starts "
            f"{[item['start'] for item in lists]}), so they are numbered 1, 1, 1...; indent each folded answer "
            f"(??? success) by 4 spaces under its list item"
        )
        items = lists[0]["items"]
        assert items == [":1"] * len(items), (
            f"{where}: exercise items (value:answers in it) are {items}; each item holds its one answer"
        )
        assert exercises["answers"] == len(items), f"{where}: {exercises['answers']} answers, {len(items)} items"

    # Images: described by what they show, and sized before they load.
    prefixes = (words["alt-figure"], words["alt-graph"], words["alt-panels"].split("{")[0])
    for image in seen["images"]:
        stem = image["src"].rsplit("/", 1)[-1].removesuffix(".svg")
        alt = image["alt"]
        assert len(alt) > 20 and alt.startswith(prefixes) and stem not in alt, (
            f"{where}: {image['src']} has the alt text {alt!r}; describe what it shows (page_outputs.describe)"
        )
        assert image["width"] > 0 and image["height"] > 0, f"{where}: {image['src']} has no width and height"
        ratio = image["width"] / image["height"]
        assert abs(ratio / image["natural"] - 1) < 0.02, (
            f"{where}: {image['src']} is {image['width']}x{image['height']}, not in its own proportions"
        )


@pytest.mark.parametrize("page", CHAPTERS)
def test_copy_button_and_math_on_a_phone(visits, page):
    seen = visits.phone(PROJECT.page_url(page))["code"]  # with every answer opened
    where = f"{page} on a 390 px phone"
    assert not seen["covered"], f"{where}: the copy button covers the first line of: {seen['covered']}"
    text = (PROJECT.root / page).read_text(encoding="utf-8")
    if re.search(r"^\s*\$\$", text, re.M):
        assert seen["math"], f"{page} has display math ($$), but no .katex-display is shown"
    for math in seen["math"]:
        assert math["left"] >= -1 and math["right"] <= 391, (
            f"{where}: display math '{math['text']}' runs off the screen ({math['left']:.0f}..{math['right']:.0f} px)"
        )
        assert not math["wide"] or math["overflow"] in ("auto", "scroll"), (
            f"{where}: display math '{math['text']}' is wider than the screen and cannot scroll within its box"
        )


# The WCAG contrast of an element's text against what is behind it, every colour composited over the page.
CONTRAST = """(selector) => {
    const paint = document.createElement('canvas').getContext('2d', {willReadFrequently: true});
    const rgba = css => { paint.clearRect(0, 0, 1, 1); paint.fillStyle = '#000'; paint.fillStyle = css;
        paint.fillRect(0, 0, 1, 1); const d = paint.getImageData(0, 0, 1, 1).data;
        return [d[0], d[1], d[2], d[3] / 255]; };
    const over = (top, under) => top.slice(0, 3).map((c, i) => c * top[3] + under[i] * (1 - top[3])).concat(1);
    const behind = element => {
        const chain = [];
        for (let node = element; node; node = node.parentElement) chain.unshift(getComputedStyle(node).backgroundColor);
        return chain.reduce((under, css) => over(rgba(css), under), [255, 255, 255, 1]);
    };
    const luminance = c => c.slice(0, 3).map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 :
        ((v + 0.055) / 1.055) ** 2.4).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05); };
    return [...document.querySelectorAll(selector)].map(element => {
        const back = behind(element);
        return ratio(over(rgba(getComputedStyle(element).color), back), back);
    });
}"""


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_output_colours_pass_wcag_aa(laptop, site_url, scheme):
    open_page(laptop, site_url, CONTRAST_PAGE)
    laptop.add_style_tag(content="*, *::before { transition: none !important }")
    laptop.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    for kind in ("recorded-output:not(.recorded-error):not(.recorded-warning)", "recorded-error", "recorded-warning"):
        for part in ("> .filename", "> pre > code"):
            ratios = laptop.evaluate(CONTRAST, f".{kind} {part}")
            assert ratios, f"{CONTRAST_PAGE} shows no .{kind} {part} to check"
            assert min(ratios) >= 4.5, (
                f"{CONTRAST_PAGE}, {scheme} scheme: .{kind} {part} has a text contrast of {min(ratios):.2f}, "
                f"under WCAG AA's 4.5 (docs/assets/stylesheets/outputs.css)"
            )


def test_output_kinds_and_image_descriptions_come_from_what_was_recorded(tmp_path):
    """Without a browser: which outputs are errors or warnings, and the alt text of a figure whose text matplotlib
    kept as <text> (svg.fonttype "none"; the course's figures draw it as paths, read from their comments)."""
    assert page_outputs.output_kind("tensor([1.])\nRuntimeError: shapes differ\n") == "error"
    assert page_outputs.output_kind("Traceback (most recent call last):\n  File ...") == "error"
    assert page_outputs.output_kind("UnpicklingError\n") == "error"
    assert page_outputs.output_kind("UserWarning: careful\n0.5\n") == "warning"
    assert page_outputs.output_kind("error: 0.25\nNo Error here\n") == "output"
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib import pyplot

    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure, axes = pyplot.subplots()
        axes.plot([0, 1], [1, 0], label="training loss")
        axes.set(title="Loss curves", xlabel="epoch", ylabel="$\\mathrm{MSE}$")
        axes.legend()
        figure.savefig(tmp_path / "figure.svg")
        pyplot.close(figure)
    svg = page_outputs.read_svg(tmp_path / "figure.svg")
    assert page_outputs.describe(svg, labels("en")) == (
        "Figure: Loss curves; x axis: epoch; y axis: MSE; legend: training loss"
    )
    width, height = page_outputs.display_size(svg)
    assert (width, height) == (614, 461), "matplotlib's default 6.4 x 4.8 in is 460.8 x 345.6 pt: 614.4 x 460.8 px"
