"""Record one chapter on one device in this Python: run its sections, write docs/outputs/<chapter>/<device>/.

    .venv/bin/python -m course_pipeline.record_chapter snippets/tensors.py cpu

regenerate.py starts one fresh Python per chapter and device with this, as a reader's fresh Python would run
the chapter (on a GPU machine, a CPU record is made with the GPU hidden: see device.environment).
"""

import platform
import sys
import time
from pathlib import Path

from course_pipeline import freshness, records
from course_pipeline.execute import run_chapter
from course_pipeline.project import Project
from course_pipeline.sections import SnippetError


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


def record(project: Project, chapter: str, device: str) -> str:
    started = time.perf_counter()
    runs = run_chapter(project, chapter)
    records.write(
        project,
        chapter,
        device,
        runs,
        {
            "key": freshness.record_key(project, chapter, device),
            "code": freshness.chapter_code(project, chapter),
            "device": device,
            "hardware": hardware(device),
            **freshness.versions(),
        },
    )
    return f"recorded {chapter} on {device} in {time.perf_counter() - started:.1f} s"


def main(argv=None) -> int:
    chapter, device = argv or sys.argv[1:]
    try:
        print(record(Project.find(), chapter, device))
    except SnippetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
