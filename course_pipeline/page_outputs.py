"""What goes under a page's code blocks: each fence's recorded output and images, per device tab where the
devices differ, as Markdown that shows the printed text exactly as printed."""

import posixpath
import re

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
        lines += [
            f'{ticks}{{ .text .recorded-output title="{words["output"]}" }}',
            *[literal(line) for line in text.rstrip("\n").split("\n")],
            ticks,
            "",
        ]
    for image in images:
        src = posixpath.relpath(image.relative_to(project.docs).as_posix(), page_dir or ".")
        lines += [f"![{words['graph']}: {image.stem}]({src}){{ .recorded-graph }}", ""]
    return lines


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def literal(line: str) -> str:
    """A line of printed output as text on the page: never read as an include line (pymdownx.snippets reads
    those even in code blocks; `;` escapes one), and with control characters shown as their symbols (␛, ␍)."""
    line = CONTROL.sub(lambda match: chr(0x2421 if match[0] == "\x7f" else 0x2400 + ord(match[0])), line)
    return re.sub(r"^([ \t]*)(;*-+8<-)", r"\1;\2", line)
