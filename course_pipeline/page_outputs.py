"""What goes under a page's code blocks: each fence's recorded output and images, per device tab where the
devices differ, as Markdown that shows the printed text exactly as printed.

An output is titled and classed by what it shows (an error, a warning, or plain output: docs/assets/stylesheets/
outputs.css gives each its look); an image gets an alt text read from the SVG itself (a graph's nodes, a figure's
titles, axis labels and legend) and its own width and height, so the page does not move while it loads."""

import html
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from course_pipeline import records


def shown_under_fence(project, includes, devices, page_dir, words):
    """Markdown lines for what a fence's sections print and draw (recorded on these devices), per device tab
    where devices differ."""
    per_device = {}
    for name in devices:
        texts, images = zip(*(records.section_files(project, i.path, name, i.name) for i in includes))
        per_device[name] = ("".join(texts), [image for group in images for image in group])
    if not per_device:
        return []
    shown = {
        name: output_markdown(project, text, images, page_dir, words) for name, (text, images) in per_device.items()
    }
    if len(set(map(tuple, shown.values()))) == 1:
        return [""] + next(iter(shown.values()))
    lines = [""]
    for name, block in shown.items():
        lines += [f'=== "{words[name]}"', ""] + ["    " + line if line else "" for line in block] + [""]
    return lines


def output_markdown(project, text, images, page_dir, words):
    lines = []
    if text:
        ticks = "`" * max(3, max((len(run) + 1 for run in text.split() if set(run) == {"`"}), default=3))
        kind = output_kind(text)
        classes = ".text .recorded-output" + (f" .recorded-{kind}" if kind != "output" else "")
        lines += [
            f'{ticks}{{ {classes} title="{words[OUTPUT_LABEL[kind]]}" }}',
            *[literal(line) for line in text.rstrip("\n").split("\n")],
            ticks,
            "",
        ]
    for image in images:
        src = posixpath.relpath(image.relative_to(project.docs).as_posix(), page_dir or ".")
        svg = read_svg(image)
        width, height = display_size(svg)
        alt = MARKDOWN_SPECIAL.sub(r"\\\g<0>", describe(svg, words))
        lines += [f'![{alt}]({src}){{ .recorded-graph width="{width}" height="{height}" }}', ""]
    return lines


# A line that shows an error: a traceback, or an exception's name (`RuntimeError: ...`, `torch.OutOfMemoryError:`,
# a bare `UnpicklingError`) at the start of a line, as Python prints it or an except block prints it; a warning's
# category (`UserWarning: ...`) likewise.
ERROR_LINE = re.compile(r"^Traceback \(most recent call last\):|^(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception)(?::|$)")
WARNING_LINE = re.compile(r"^(?:[A-Za-z_]\w*\.)*[A-Z]\w*Warning:")


OUTPUT_LABEL = {"output": "output", "error": "output-error", "warning": "output-warning"}


def output_kind(text: str) -> str:
    """ "error" when the printed text shows an error, "warning" when it shows a warning only, else "output"
    (the label's key in labels.py, and the block's class: recorded-error, recorded-warning)."""
    lines = text.split("\n")
    if any(ERROR_LINE.match(line) for line in lines):
        return "error"
    return "warning" if any(WARNING_LINE.match(line) for line in lines) else "output"


# What Python-Markdown would read as syntax inside an image's alt text (escaped with a backslash).
MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]]")
SVG = "{http://www.w3.org/2000/svg}"
MAX_HEIGHT_PX = 640  # extra.css shows a recorded image at most 32rem high, 640 px at the theme's smallest rem


def read_svg(path: Path) -> ET.Element:
    """A recorded SVG, with its comments (matplotlib writes each text drawn as glyphs in a comment)."""
    return parse_svg(path.read_bytes())


def parse_svg(data: bytes) -> ET.Element:
    return ET.fromstring(data, parser=ET.XMLParser(target=ET.TreeBuilder(insert_comments=True)))


def display_size(svg: ET.Element) -> tuple[int, int]:
    """The width and height in CSS pixels an image is shown at: its own size (pt, px), at most MAX_HEIGHT_PX high,
    so that the page keeps its place while the image loads."""
    width, height = (length_px(svg.get(side, "")) for side in ("width", "height"))
    scale = min(1.0, MAX_HEIGHT_PX / height)
    return round(width * scale), round(height * scale)


UNITS_PX = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}


def length_px(length: str) -> float:
    number = re.fullmatch(r"\s*([\d.]+)\s*([a-z]*)\s*", length)
    if not number or number[2] not in UNITS_PX:
        raise ValueError(f"a recorded SVG has no usable width or height: '{length}'")
    return float(number[1]) * UNITS_PX[number[2]]


def describe(svg: ET.Element, words) -> str:
    """An image's alt text, from the image itself: a torchviz graph's nodes from the output back to the leaves,
    a matplotlib figure's titles, axis labels and legend entries."""
    if any(group.get("class") == "node" for group in svg.iter(f"{SVG}g")):
        return words["alt-graph"] + words["alt-colon"] + graph_description(svg, words)
    panels, titles = figure_texts(svg)
    if len(panels) == 1:
        parts = [*titles, panel_description(panels[0], words)]
        return words["alt-figure"] + words["alt-colon"] + words["alt-parts"].join(part for part in parts if part)
    head = words["alt-panels"].format(count=len(panels))
    if titles:
        head += words["alt-colon"] + words["alt-list"].join(titles)
    if all(set(panel) <= {"title"} for panel in panels):  # a grid of images, each with its title
        shown = words["alt-parts"].join(words["alt-list"].join(panel.get("title", [])) for panel in panels)
        return head + words["alt-colon"] + shown
    described = [
        words["alt-panel"].format(number=number) + words["alt-colon"] + panel_description(panel, words)
        for number, panel in enumerate(panels, 1)
    ]
    return head + words["alt-end"] + words["alt-end"].join(described)


def panel_description(panel: dict, words) -> str:
    parts = []
    if panel.get("title"):
        parts.append(words["alt-list"].join(panel["title"]))
    for key in ("x", "y", "legend"):
        if panel.get(key):
            parts.append(words[f"alt-{key}"] + words["alt-colon"] + words["alt-list"].join(panel[key]))
    return words["alt-parts"].join(parts)


def figure_texts(svg: ET.Element) -> tuple[list[dict], list[str]]:
    """A matplotlib figure's texts, per axes ({"title", "x", "y", "legend"}: their lines) and the figure's own
    (a suptitle): tick labels left out. Text is read from the comment matplotlib writes before the glyphs of each
    text it draws as paths (and before mathtext), else from <text> elements (svg.fonttype "none")."""
    panels: dict[str, dict] = {}  # axes id -> {role: lines}
    axis_count: dict[str, int] = {}  # axes id -> how many of its axes (x, then y) were met
    figure: list[str] = []

    def visit(element, axes, role, said):
        said = said or any(child.tag is ET.Comment for child in element)  # its <text> only repeats the comment
        for child in element:
            if child.tag is ET.Comment or (child.tag == f"{SVG}text" and not said):
                text = tex_free(child.text or "" if child.tag is ET.Comment else "".join(child.itertext()))
                if text and role != "tick":
                    (figure if axes is None else panels[axes].setdefault(role, [])).append(text)
                continue
            name, inner_axes, inner_role = child.get("id") or "", axes, role
            if re.fullmatch(r"axes_\d+", name):
                inner_axes, inner_role = name, "title"
                panels[name], axis_count[name] = {}, 0
            elif re.fullmatch(r"[xy]tick_\d+", name):
                inner_role = "tick"
            elif re.fullmatch(r"legend_\d+", name):
                inner_role = "legend"
            elif axes is not None and re.fullmatch(r"matplotlib\.axis_\d+", name):
                axis_count[axes] += 1
                inner_role = "x" if axis_count[axes] == 1 else "y"  # an axes draws its x axis first, then its y
            visit(child, inner_axes, inner_role, said)

    visit(svg, None, None, False)
    return list(panels.values()), figure


def tex_free(text: str) -> str:
    """A label as words: mathtext's `$...$`, `\\mathdefault{...}` and backslashes dropped, entities decoded."""
    text = html.unescape(text).strip()
    text = re.sub(r"\\math(?:default|rm|it|bf)\{([^{}]*)\}", r"\1", text)
    return re.sub(r"\s+", " ", text.replace("$", "").replace("\\", "")).strip()


def graph_description(svg: ET.Element, words) -> str:
    """A torchviz graph, from each output back to its leaves: `label ← input`, with a node's several inputs in
    brackets, separated by alt-parts; a node met a second time by its label, marked alt-again."""
    labels, inputs = {}, {}
    for group in svg.iter(f"{SVG}g"):
        title = group.findtext(f"{SVG}title", "")
        if group.get("class") == "node":
            labels[title] = " ".join(
                text for text in ("".join(t.itertext()).strip() for t in group.iter(f"{SVG}text")) if text
            )
        elif group.get("class") == "edge" and "->" in title:
            source, target = title.split("->", 1)
            inputs.setdefault(target, []).append(source)
    order = list(labels)
    outputs = [node for node in order if not any(node in sources for sources in inputs.values())]
    described: set[str] = set()

    def walk(node):
        if node in described:
            return labels[node] + words["alt-again"]
        described.add(node)
        sources = sorted(inputs.get(node, []), key=order.index)
        if not sources:
            return labels[node]
        if len(sources) == 1:
            return f"{labels[node]} ← {walk(sources[0])}"
        return f"{labels[node]} ← [" + words["alt-parts"].join(walk(source) for source in sources) + "]"

    return words["alt-parts"].join(walk(node) for node in outputs)


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def literal(line: str) -> str:
    """A line of printed output as text on the page: never read as an include line (pymdownx.snippets reads
    those even in code blocks; `;` escapes one), and with control characters shown as their symbols (␛, ␍)."""
    line = CONTROL.sub(lambda match: chr(0x2421 if match[0] == "\x7f" else 0x2400 + ord(match[0])), line)
    return re.sub(r"^([ \t]*)(;*-+8<-)", r"\1;\2", line)
