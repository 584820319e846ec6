"""mkdocs-jupyter keeps each rendered notebook in its cache, and after a build deletes the entries that build
did not use. Each language is a build of its own (mkdocs-static-i18n), so each would delete the other's
notebooks and render them again next time. Mark every language's notebooks as used (its private
`_used_cache_paths`, with its own cache key), so that a rebuild with no notebook changed renders none."""

from pathlib import Path

CHECKED = {"mkdocs-jupyter": ("0.26.3",)}


def apply():
    pass  # nothing to change at import; keep_every_language() is called by the plugin for each build


def keep_every_language(config, docs: Path) -> None:
    from mkdocs_jupyter.plugin import _compute_cache_key, _get_cache_path

    jupyter = config.plugins["mkdocs-jupyter"]
    for notebook in docs.glob("*/notebooks/*.ipynb"):
        key = _compute_cache_key(notebook, jupyter.config, jupyter.config["execute"])
        jupyter._used_cache_paths.add(_get_cache_path(jupyter.config["cache_dir"], key))
