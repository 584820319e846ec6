"""What the plugin adds around a chapter's content: the links to its notebook, and the stamp that says where and
with what its outputs were recorded."""

import posixpath
from pathlib import Path

from course_pipeline import device, freshness, records


def notebook_links(project, page_path, page, words):
    """A line under the title: the chapter as a notebook on this site, as a file, and in Colab."""
    name = Path(page_path).stem
    notebook_page = "/" + project.notebook_url(page_path)
    download = posixpath.relpath(f"{notebook_page}{name}.ipynb", "/" + page.url)
    return (
        f"[{words['notebook']}](notebooks/{name}.ipynb) · "
        f'<a href="{download}" download>{words["download"]}</a> · [{words["colab"]}]({project.colab_url(page_path)})'
        f"\n{{: .notebook-links }}"
    )


def stamp(project, chapters, words, label="verified"):
    """Where the outputs of these chapters were recorded: device, hardware and versions, from their records."""
    parts = []
    for name in device.DEVICES:
        for chapter in chapters:
            run = (
                records.read_run(project, chapter, name) if name in freshness.shown_devices(project, chapter) else None
            )
            if run:
                part = (
                    f"{words[name]}: {run['hardware']}, PyTorch {run['torch']}, NumPy {run['numpy']}, "
                    f"Python {run['python']}"
                )
                parts += [part] if part not in parts else []
    return f'\n\n<p class="page-stamp">{words[label]} {"; ".join(parts)}.</p>\n' if parts else ""
