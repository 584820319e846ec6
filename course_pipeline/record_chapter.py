"""Record one chapter on one device in this Python: run its sections, write its records into a folder.

    .venv/bin/python -m course_pipeline.record_chapter snippets/tensors.py cpu --to FOLDER

regenerate.py calls record() in a process forked for the chapter by a warm recorder (recorder.py), as a
reader's fresh Python would run the chapter (on a GPU machine, a CPU record is made with the GPU hidden: see
device.environment), and puts the folder in place when all went well. Before each section it says which one
starts on stderr ("section: NAME"), so that the parent can say where a crash happened. It ends with the parent,
and fails if the chapter left files in the project.
"""

import argparse
import ctypes
import os
import platform
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from course_pipeline import freshness, records
from course_pipeline.execute import run_chapter
from course_pipeline.project import Project
from course_pipeline.sections import SnippetError

IGNORED = {".git", ".venv", ".cache", "site", "__pycache__", "node_modules", ".pytest_cache"}
PROGRESS = "section: "


def hardware(device: str) -> str:
    if device == "cuda":
        import torch

        if torch.cuda.is_available():
            return f"{torch.cuda.get_device_name(0)}, CUDA {torch.version.cuda}"
        return "no CUDA device (a simulated CUDA record)"
    cpuinfo = Path("/proc/cpuinfo")
    models = (
        [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        if cpuinfo.exists()
        else []
    )
    return f"{models[0] if models else platform.processor() or 'CPU'} ({platform.machine()})"


def project_files(root: Path) -> set[str]:
    """Every file of the project, the folders of tools and caches left out."""
    found = set()
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if name not in IGNORED]
        found.update(os.path.relpath(os.path.join(folder, name), root) for name in files)
    return found


def end_with_parent() -> None:
    """Die when the process that started this one dies (mkdocs serve stopped, say): no orphan left running."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent had already gone
            sys.exit(1)


def record(project: Project, chapter: str, device: str, folder: Path) -> str:
    started, before = time.perf_counter(), project_files(project.root)
    runs = run_chapter(
        project, chapter, progress=lambda section: print(PROGRESS + section.name, file=sys.stderr, flush=True)
    )
    left = sorted(project_files(project.root) - before)
    if left:
        raise SnippetError(
            f"{chapter} wrote into the project: {', '.join(left)}; a chapter writes its files into its working "
            f"folder (a scratch folder when recorded) or a temporary one. Delete them and fix the chapter"
        )
    records.write_folder(
        folder,
        runs,
        {
            "key": freshness.record_key(project, chapter, device),
            "code": freshness.chapter_code(project, chapter),
            "device": device,
            "hardware": hardware(device),
            **freshness.versions(),
            "recorded": datetime.now(UTC).date().isoformat(),  # shown in the stamp; not in the outputs' digest
        },
    )
    return f"recorded {chapter} on {device} in {time.perf_counter() - started:.1f} s"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("chapter")
    parser.add_argument("device")
    parser.add_argument("--to", type=Path, required=True, help="an empty folder for the records")
    args = parser.parse_args(argv)
    end_with_parent()
    try:
        print(record(Project.find(), args.chapter, args.device, args.to.resolve()))
    except SnippetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
