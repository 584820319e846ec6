"""Build everything, doing only what changed: re-record stale chapters, re-make stale notebooks, and rebuild the
site only if one of its inputs changed since the last build into the same folder.

    .venv/bin/python -m snippets.pipeline.build [--site-dir site]

The site's inputs are every file under docs/ and snippets/, mkdocs.yml and the package versions; their
fingerprint is kept in <site-dir>/.inputs.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from snippets.pipeline import notebooks, records
from snippets.pipeline.regenerate import regenerate, stale_chapters
from snippets.pipeline.sections import ROOT


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
    if stale and not regenerate(stale):
        return False
    for written in notebooks.write_all():
        print(f"wrote {written}")
    inputs, stamp = fingerprint(), site_dir / ".inputs"
    if stamp.exists() and stamp.read_text() == inputs:
        print(f"the site in {site_dir} is up to date ({time.perf_counter() - started:.1f} s)")
        return True
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site_dir)],
                          cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if done.returncode == 0:
        stamp.write_text(inputs)
        print(f"built the site in {site_dir} ({time.perf_counter() - started:.1f} s)")
    return done.returncode == 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site")
    args = parser.parse_args(argv)
    return 0 if build(args.site_dir.resolve()) else 1


if __name__ == "__main__":
    sys.exit(main())
