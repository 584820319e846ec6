"""mkdocs-jupyter keeps each rendered notebook in its cache, and after a build deletes the entries that build
did not use. Each language is a build of its own (mkdocs-static-i18n), so each would delete the other's
notebooks and render them again next time. Mark every language's notebooks as used (its private
`_used_cache_paths`, with its own cache key), so that a rebuild with no notebook changed renders none.

It also renders the notebooks one after the other, in the build's process: about half of a first build. So
render_ahead() renders those not in its cache yet in other processes (when there are enough to pay for starting
them), as its own render() would (same function, same arguments, same cache entry, written whole), while the
build goes on with the other pages; the build waits for a notebook's entry before rendering that page
(wait_for), and renders it itself if that failed.
"""

import contextlib
import json
import os
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

CHECKED = {"mkdocs-jupyter": ("0.26.3",)}

_pool: ProcessPoolExecutor | None = None
_rendering: dict[str, Future] = {}  # a notebook's path: its entry being rendered


def apply():
    pass  # nothing to change at import; the plugin calls the functions below


def _cache_path(jupyter, notebook: Path) -> Path:
    from mkdocs_jupyter.plugin import _compute_cache_key, _get_cache_path

    return _get_cache_path(jupyter.config["cache_dir"], _compute_cache_key(notebook, jupyter.config, False))


def keep_every_language(config, docs: Path) -> None:
    jupyter = config.plugins["mkdocs-jupyter"]
    for notebook in docs.glob("*/notebooks/*.ipynb"):
        jupyter._used_cache_paths.add(_cache_path(jupyter, notebook))


NOTEBOOKS_PER_PROCESS = 4  # a process starting (importing nbconvert: a second of work) must have enough to do


def processes_for(missing: int) -> int:
    """Processes to render `missing` notebooks ahead: none for a few (the build renders them sooner itself, as
    after an edit under `mkdocs serve`), at most one per core."""
    return min(os.cpu_count() or 1, missing // NOTEBOOKS_PER_PROCESS)


def render_ahead(config, docs: Path, first_language: str) -> None:
    """Start rendering every language's notebooks that are not in the cache, in other processes, in the order
    the build asks for them (the first language's build first, each folder's files in alphabetical order)."""
    global _pool
    jupyter = config.plugins["mkdocs-jupyter"]
    if jupyter.config["execute"] or not jupyter.config["cache"]:
        return  # a notebook run by the build, or no cache: left to the plugin
    in_order = sorted(docs.glob("*/notebooks/*.ipynb"), key=lambda path: (path.parts[-3] != first_language, path))
    entries = {str(notebook): _cache_path(jupyter, notebook) for notebook in in_order}
    missing = [(path, str(entry)) for path, entry in entries.items() if not entry.exists() and path not in _rendering]
    if not missing or (_pool is None and not processes_for(len(missing))):
        return
    if _pool is None:  # spawned, not forked: `mkdocs serve` has threads
        _pool = ProcessPoolExecutor(
            processes_for(len(missing)), mp_context=get_context("spawn"), initializer=end_with, initargs=(os.getpid(),)
        )
    options = {name: jupyter.config[name] for name in OPTIONS}
    for notebook, cache_path in missing:
        _rendering[notebook] = _pool.submit(render, notebook, options, cache_path)


def end_with(build: int) -> None:
    """In a worker: exit when the build's process has gone (stopped, killed), not live on, holding its output."""
    from course_pipeline.recorder import exit_when

    exit_when(lambda: os.getppid() != build)


def wait_for(notebook: str) -> None:
    """Wait until a notebook rendered ahead is in the cache; if its rendering failed, the plugin renders it."""
    future = _rendering.pop(notebook, None)
    if future:
        try:
            future.result()
        except Exception:  # the plugin's own rendering will say what is wrong
            shut_down()


def shut_down() -> None:
    global _pool
    if _pool:
        _pool.shutdown(cancel_futures=True)
    _pool = None
    _rendering.clear()


# mkdocs-jupyter's settings that its render() passes to nb2html (with execute=False), and the table of contents'.
OPTIONS = (
    "kernel_name",
    "theme",
    "allow_errors",
    "show_input",
    "no_input",
    "no_prompt",
    "remove_tag_config",
    "highlight_extra_classes",
    "include_requirejs",
    "custom_mathjax_url",
    "toc_depth",
)


def render(notebook: str, options: dict, cache_path: str) -> None:
    """What mkdocs-jupyter's render() does on a cache miss (mkdocs_jupyter/plugin.py, on_pre_page's new_render)."""
    from mkdocs_jupyter import convert
    from mkdocs_jupyter.plugin import _get_nb_toc_tokens

    from course_pipeline import patches

    patches.apply_build_patches()  # as in the build (nbconvert's compiled templates)
    toc_depth = options.pop("toc_depth")
    body = convert.nb2html(notebook, execute=False, **options)
    toc_tokens, title = _get_nb_toc_tokens(notebook, toc_depth)
    entry = json.dumps({"content": body, "toc_tokens": toc_tokens, "title": title})
    Path(cache_path).parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=Path(cache_path).parent, delete=False) as file:
        file.write(entry)
    with contextlib.suppress(OSError):
        os.replace(file.name, cache_path)  # whole or not at all: the build may read it at any time
