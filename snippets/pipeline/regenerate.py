"""Record chapters' outputs and graphs from real runs, each chapter in a fresh Python; then make the notebooks.

    .venv/bin/python -m snippets.pipeline.regenerate                          # every stale chapter
    .venv/bin/python -m snippets.pipeline.regenerate snippets/autograd.py     # these, stale or not

A chapter is stale when its code, the execution code, a package version or the device changed since its
record (see records.py); fresh chapters are not run again.
"""

import argparse
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from snippets.pipeline import records
from snippets.pipeline.sections import ROOT, SnippetError, chapters


def hardware(device: str) -> str:
    if device == "cuda":
        import torch

        return f"{torch.cuda.get_device_name(0)}, CUDA {torch.version.cuda}"
    cpuinfo = Path("/proc/cpuinfo")
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
              if line.startswith("model name")] if cpuinfo.exists() else []
    return f"{models[0] if models else platform.processor() or 'CPU'} ({platform.machine()})"


def record(path: str) -> str:
    """Run one chapter here, in this process, and write its records."""
    from snippets.pipeline.execute import run_chapter

    started = time.perf_counter()
    runs = run_chapter(path)
    device = records.device_of(path)
    records.write(path, device, runs, hardware(device))
    return f"recorded {path} on {device} in {time.perf_counter() - started:.1f} s"


def record_in_fresh_python(path: str) -> tuple[bool, str]:
    done = subprocess.run([sys.executable, "-m", "snippets.pipeline.regenerate", "--here", path],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    return done.returncode == 0, (done.stdout + done.stderr).strip()


def regenerate(paths: list[str], jobs: int = 2) -> bool:
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(record_in_fresh_python, paths))
    for ok, message in results:
        print(message, file=sys.stdout if ok else sys.stderr)
    return all(ok for ok, _ in results)


def stale_chapters() -> list[str]:
    return [path for path in chapters() if records.is_stale(path, records.guess_device(path))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", help="snippet files to record (default: every stale chapter)")
    parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)  # run in this process
    args = parser.parse_args(argv)
    if args.here:
        try:
            print(record(args.paths[0]))
        except SnippetError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        return 0
    paths = args.paths or stale_chapters()
    ok = regenerate(paths) if paths else True
    if not paths:
        print("every chapter's outputs are fresh; nothing to run")
    from snippets.pipeline import notebooks  # nbformat takes a while to import: not before the chapters start

    for written in notebooks.write_all():
        print(f"wrote {written}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
