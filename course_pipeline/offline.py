"""The site for reading from disk: both languages, built with Material's offline plugin (pages as .html files,
search from file://), zipped into the built site for download.

    .venv/bin/python -m course_pipeline.offline SITE_DIR

builds that variant of mkdocs.yml in a temporary folder and writes SITE_DIR/download/<name>.zip, whole or not
at all. The zip is the same, byte for byte, whenever the site is (sorted entries, fixed times), so the CI's
comparison of two builds covers it too.
"""

import argparse
import logging
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from course_pipeline import memos
from course_pipeline.build import build_site
from course_pipeline.project import Project

ZIP = "download/pytorch-fundamentals-offline.zip"  # in the built site; the home pages link to it
FOLDER = "pytorch-fundamentals"  # the zip's one top folder: unzipped, <FOLDER>/index.html is the home page
# Material's offline plugin adds iframe-worker (search's worker from file://) from unpkg.com unless a
# polyfill named so is there already: the site's own copy (docs/assets/iframe-worker/, npm iframe-worker 1.0.4).
SHIM = "assets/iframe-worker/shim.js"


def offline_config(project: Project, site_dir: Path):
    """mkdocs.yml as `mkdocs build --strict` loads it, with the offline plugin added (it sets
    use_directory_urls: false) and iframe-worker served by the site itself."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.config import load_config
    from mkdocs.utils.yaml import yaml_load

    config_file = project.root / "mkdocs.yml"
    with open(config_file, "rb") as file:
        raw = yaml_load(file)
    return load_config(
        str(config_file),
        strict=True,
        site_dir=str(site_dir),
        use_directory_urls=False,
        plugins=[*raw["plugins"], "offline"],
        extra={**raw.get("extra", {}), "polyfills": [SHIM]},
    )


def write_search_scripts(site: Path):
    """Search from file:// loads <language>/search/search_index.js, as the offline plugin writes it; the plugin
    writes only the combined index, before course_pipeline/search_index.py splits it per language."""
    for index in site.rglob("search/search_index.json"):
        data = index.read_text(encoding="utf-8")
        index.with_suffix(".js").write_text(f"var __index = {data}", encoding="utf-8")


def write_zip(site: Path, target: Path):
    """The site under FOLDER/, sorted, with fixed times and modes; written beside the target, then renamed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", delete=False)
    try:
        with staged, zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(site.rglob("*")):
                if path.is_file():
                    entry = zipfile.ZipInfo(f"{FOLDER}/{path.relative_to(site).as_posix()}", (1980, 1, 1, 0, 0, 0))
                    entry.external_attr = 0o644 << 16
                    archive.writestr(entry, path.read_bytes(), zipfile.ZIP_DEFLATED)
        os.chmod(staged.name, 0o644)  # readable when served, as the site's other files
        os.replace(staged.name, target)
    except BaseException:
        Path(staged.name).unlink(missing_ok=True)
        raise


def build_offline(project: Project, site_dir: Path) -> bool:
    started = time.perf_counter()
    # Its own memos: its pages differ from the site's (.html addresses), and each build keeps only what it used.
    memos.FOLDER = f"{memos.FOLDER}/offline"
    with tempfile.TemporaryDirectory(prefix="offline-site-") as folder:
        site = Path(folder)
        if not build_site(offline_config(project, site)):
            return False
        write_search_scripts(site)
        write_zip(site, site_dir / ZIP)
    print(f"wrote {site_dir / ZIP} ({time.perf_counter() - started:.1f} s)")
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site_dir", type=Path, help="the built site, where the zip goes")
    args = parser.parse_args(argv)
    logger = logging.getLogger("mkdocs")  # warnings and errors, formatted as `mkdocs build` does
    logger.addHandler(logging.StreamHandler())
    logger.handlers[-1].setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    return 0 if build_offline(Project.find(), args.site_dir.resolve()) else 1


if __name__ == "__main__":
    sys.exit(main())
