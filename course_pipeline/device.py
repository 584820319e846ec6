"""The one rule for devices.

- A chapter that imports torch is recorded on every device this machine has: the CPU always, and CUDA when
  PyTorch can use a GPU here. A chapter that does not import torch prints the same everywhere: CPU only.
- The CPU records are the reference: notebooks show them, and every machine can make them (on a GPU machine a
  chapter is recorded for the CPU with the GPU hidden from it).
- A run in this process (the tests' page blocks, a notebook kernel) uses the last device of the machine's list:
  CUDA where there is one.

Whether PyTorch can use CUDA is asked without importing torch into a process that does not need it: no NVIDIA
device file, no CUDA; otherwise a short Python answers. `COURSE_DEVICES=cpu,cuda` sets the list instead (a
simulated CUDA machine for the tests; `cpu` to ignore a GPU).
"""

import ast
import functools
import glob
import os
import subprocess
import sys
from pathlib import Path

NVIDIA_DEVICE_FILES = "/dev/nvidia[0-9]*"
REFERENCE = "cpu"
DEVICES = ("cpu", "cuda")  # in the order pages show them
OVERRIDE = "COURSE_DEVICES"


@functools.cache
def cuda_usable() -> bool:
    if "torch" in sys.modules:
        return sys.modules["torch"].cuda.is_available()
    if not glob.glob(NVIDIA_DEVICE_FILES):
        return False
    asked = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.cuda.is_available())"], capture_output=True, text=True
    )
    return asked.stdout.strip() == "True"


def machine_devices() -> list[str]:
    """The devices this machine records on, reference first."""
    if os.environ.get(OVERRIDE):
        chosen = [name.strip() for name in os.environ[OVERRIDE].split(",") if name.strip()]
        unknown = [name for name in chosen if name not in DEVICES]
        if unknown or REFERENCE not in chosen:
            raise ValueError(
                f"{OVERRIDE}={os.environ[OVERRIDE]!r}: list devices among {', '.join(DEVICES)}, {REFERENCE} included"
            )
        return [name for name in DEVICES if name in chosen]
    return [REFERENCE, "cuda"] if cuda_usable() else [REFERENCE]


def uses_torch(chapter_file: Path) -> bool:
    """Whether a chapter imports torch; a chapter that does not has the same output on every device."""
    try:
        tree = ast.parse(chapter_file.read_text(encoding="utf-8"), filename=str(chapter_file))
    except (OSError, SyntaxError, ValueError):
        return False  # a chapter that cannot be read fails in its own page's blocks, with the reason
    for node in ast.walk(tree):
        names = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
        if any(name.split(".")[0] in ("torch", "torchviz") for name in names):
            return True
    return False


def devices_for(chapter_file: Path) -> list[str]:
    """The devices a chapter is recorded on here."""
    return machine_devices() if uses_torch(chapter_file) else [REFERENCE]


def current(chapter_file: Path) -> str:
    """The device a run of the chapter in this process uses, and whose records it is compared with."""
    return devices_for(chapter_file)[-1]


def environment(device: str) -> dict[str, str]:
    """The environment for a fresh Python that records a chapter on `device`: on a GPU machine, the CPU run
    sees no GPU, so that the chapter's own `torch.cuda.is_available()` chooses the CPU."""
    env = dict(os.environ)
    if device == REFERENCE and "cuda" in machine_devices():
        env["CUDA_VISIBLE_DEVICES"] = ""
    return env
