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

PROGRESS = "section: "
SIMULATED = "a simulated CUDA record"  # the hardware of a record made with COURSE_DEVICES=cpu,cuda, no GPU


def hardware(device: str) -> str:
    if device == "cuda":
        import torch

        if torch.cuda.is_available():
            return f"{torch.cuda.get_device_name(0)}, CUDA {torch.version.cuda}"
        return f"no CUDA device ({SIMULATED})"
    cpuinfo = Path("/proc/cpuinfo")
    models = (
        [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        if cpuinfo.exists()
        else []
    )
    return f"{models[0] if models else platform.processor() or 'CPU'} ({platform.machine()})"


def end_with_parent() -> None:
    """Die when the process that started this one dies (mkdocs serve stopped, say): no orphan left running."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent had already gone
            sys.exit(1)


def record(project: Project, chapter: str, device: str, folder: Path, scratch: str | None = None) -> str:
    started = time.perf_counter()
    runs = run_chapter(
        project,
        chapter,
        progress=lambda section: print(PROGRESS + section.name, file=sys.stderr, flush=True),
        scratch=scratch,
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
