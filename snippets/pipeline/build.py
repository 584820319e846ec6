"""Build everything, doing only what changed: re-record stale chapters, re-make stale notebooks, and rebuild the
site only if one of its inputs changed since the last build into the same folder.

    .venv/bin/python -m snippets.pipeline.build [--site-dir site]

The site's inputs are every file under docs/ and snippets/, mkdocs.yml and the package versions; their
fingerprint is kept in <site-dir>/.inputs. The site build is `mkdocs build --strict`, run in this process: while
stale chapters run (each in a fresh Python), mkdocs and its plugins load; the memos of site_cache.py make it
redo only the pages that changed.
"""

import argparse
import contextlib
import hashlib
import json
import logging
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from snippets.pipeline import records
from snippets.pipeline.regenerate import regenerate, stale_chapters
from snippets.pipeline.sections import DOCS, ROOT


def fingerprint() -> str:
    digest = hashlib.sha256(json.dumps(records.versions()).encode())
    files = [ROOT / "mkdocs.yml"] + sorted(path for folder in ("docs", "snippets") for path in (ROOT / folder).rglob("*")
                                           if path.is_file() and "__pycache__" not in path.parts)
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def build(site_dir: Path) -> bool:
    started = time.perf_counter()
    stale = stale_chapters()
    config = None
    if stale:  # the site will need building: get mkdocs ready while the chapters run
        with ThreadPoolExecutor(max_workers=1) as pool:
            recording = pool.submit(regenerate, stale)
            config = site_config(site_dir)
            warm_up_notebooks()
            if not recording.result():
                return False
    from snippets.pipeline import notebooks  # nbformat takes a while to import: not before the chapters start

    for written in notebooks.write_all():
        print(f"wrote {written}")
    inputs, stamp = fingerprint(), site_dir / ".inputs"
    if stamp.exists() and stamp.read_text() == inputs:
        print(f"the site in {site_dir} is up to date ({time.perf_counter() - started:.1f} s)")
        return True
    if not build_site(config or site_config(site_dir)):
        return False
    stamp.write_text(inputs)
    print(f"built the site in {site_dir} ({time.perf_counter() - started:.1f} s)")
    return True


def site_config(site_dir: Path):
    """mkdocs.yml, loaded as `mkdocs build --strict` loads it, with mkdocs' warnings and errors shown."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.config import load_config

    logger = logging.getLogger("mkdocs")
    if not logger.handlers:  # warnings and errors, formatted as `mkdocs build` does
        logger.addHandler(logging.StreamHandler())
        logger.handlers[0].setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
        logger.setLevel(logging.WARNING)
        logger.propagate = False
    return load_config(str(ROOT / "mkdocs.yml"), strict=True, site_dir=str(site_dir))


def warm_up_notebooks():
    """The first notebook a process renders also pays for nbconvert's set-up (about 0.4 s): render one that is
    there already, and throw it away."""
    from mkdocs_jupyter.convert import nb2html

    existing = sorted(DOCS.glob("*/notebooks/*.ipynb"), key=lambda path: path.stat().st_size)
    with contextlib.suppress(Exception):  # only a warm-up: a broken notebook is the build's to report
        nb2html(str(existing[0]), custom_mathjax_url="")


def build_site(config) -> bool:
    """What `mkdocs build --strict` does, in this process."""
    from mkdocs.commands.build import build as build_pages
    from mkdocs.exceptions import MkDocsException

    config.plugins.on_startup(command="build", dirty=False)
    try:
        build_pages(config)
    except MkDocsException as error:
        print(f"error: {error.format_message()}", file=sys.stderr)
        return False
    finally:
        config.plugins.on_shutdown()
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site")
    args = parser.parse_args(argv)
    return 0 if build(args.site_dir.resolve()) else 1


if __name__ == "__main__":
    sys.exit(main())
