"""Build everything, doing only what changed: re-record stale chapters, re-make stale notebooks, and rebuild the
site only if one of its inputs changed since the last build into the same folder.

    .venv/bin/python -m course_pipeline.build [--site-dir site]

What the site depends on is freshness.site_inputs(); its fingerprint, with one of the built site's own files (a
page deleted or changed since is noticed), is kept in <site-dir>/.inputs once a build has finished. The site
build is `mkdocs build --strict`, run in this process: while stale chapters run (each in a fresh Python), mkdocs
and its plugins load; the memos (memos.py) make it redo only the pages that changed.
"""

import argparse
import contextlib
import logging
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from course_pipeline import freshness, memos
from course_pipeline.project import Project
from course_pipeline.regenerate import record_all

STAMP = ".inputs"  # in the built site: what it was built from, and what it holds


def build_everything(project: Project, site_dir: Path) -> bool:
    started = time.perf_counter()
    stale = freshness.stale_records(project)
    config = None
    if stale:  # the site will need building: get mkdocs ready while the chapters run
        with ThreadPoolExecutor(max_workers=1) as pool:
            recording = pool.submit(record_all, project, stale)
            config = site_config(project, site_dir)
            warm_up_search(project)
            if not recording.result():
                return False
    from course_pipeline import notebooks  # nbformat takes a while to import: not before the chapters start

    for written in notebooks.write_stale(project):
        print(f"wrote {written}")
    inputs, stamp = freshness.site_inputs(project), site_dir / STAMP
    if stamp.exists() and stamp.read_text() == f"{inputs} {freshness.built_site(site_dir, STAMP)}":
        print(f"the site in {site_dir} is up to date ({time.perf_counter() - started:.1f} s)")
        return True
    stamp.unlink(missing_ok=True)  # a build stopped half-way leaves no stamp that says it finished
    if not build_site(config or site_config(project, site_dir)):
        return False
    staged = stamp.with_name(f"{STAMP}.new")
    staged.write_text(f"{inputs} {freshness.built_site(site_dir, STAMP)}")
    os.replace(staged, stamp)
    print(f"built the site in {site_dir} ({time.perf_counter() - started:.1f} s)")
    return True


def site_config(project: Project, site_dir: Path):
    """mkdocs.yml, loaded as `mkdocs build --strict` loads it, with mkdocs' warnings and errors shown."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.config import load_config

    logger = logging.getLogger("mkdocs")
    if not logger.handlers:  # warnings and errors, formatted as `mkdocs build` does
        logger.addHandler(logging.StreamHandler())
        logger.handlers[0].setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
        logger.setLevel(logging.WARNING)
        logger.propagate = False
    return load_config(str(project.root / "mkdocs.yml"), strict=True, site_dir=str(site_dir))


def warm_up_search(project: Project) -> None:
    """With no memo of cut Chinese words yet (a first build), the search index will load jieba's dictionary
    (about a second): load it now, while the chapters run."""
    if not (project.root / memos.FOLDER / "words.json").exists():
        with contextlib.suppress(ImportError):
            import jieba

            jieba.initialize()


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
    parser.add_argument("--site-dir", type=Path, default=Path("site"))
    args = parser.parse_args(argv)
    project = Project.find()
    return 0 if build_everything(project, (project.root / args.site_dir).resolve()) else 1


if __name__ == "__main__":
    sys.exit(main())
