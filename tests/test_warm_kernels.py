"""Kernels forked by a warm Python (course_pipeline/warm_kernels.py) are fresh kernels: a new namespace in the
notebook's folder and environment, random numbers of its own, interrupts reach it, and none
outlives whoever started it."""

import os
import signal
import time

import nbformat
import pytest
from jupyter_client import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course_pipeline import warm_kernels
from course_pipeline.recorder import alive

# Numbers from the default generators, never seeded: each fresh Python seeds them anew, from the system.
UNSEEDED = "import random, numpy, torch; print(random.random(), numpy.random.rand(), torch.rand(1).item())"


@pytest.fixture(scope="module")
def kernels():
    with warm_kernels.started(dict(os.environ)) as options:
        yield options


def run(kernels, folder, *cells, timeout=60, **environment):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell) for cell in cells])
    client = NotebookClient(
        notebook, **kernels, timeout=timeout, interrupt_on_timeout=True, resources={"metadata": {"path": str(folder)}}
    )
    client.execute(env={**os.environ, **environment})
    return ["".join(output.get("text", "") for output in cell.outputs).strip() for cell in notebook.cells]


def test_each_kernel_starts_fresh_where_and_as_it_is_asked(kernels, tmp_path):
    first = run(kernels, tmp_path, "left_behind = 1", UNSEEDED, "import os; print(os.environ['ASKED'])", ASKED="a")
    second = run(
        kernels,
        tmp_path / "..",
        "print('left_behind' in dir())",
        UNSEEDED,
        "import os, sys; print(os.getcwd() == sys.path[0] == os.path.realpath('.'), os.environ.get('ASKED'))",
    )
    numbers = [set(first[1].split()), set(second[1].split())]
    assert len(numbers[0]) == 3 and not numbers[0] & numbers[1], f"two kernels drew the same numbers: {numbers}"
    assert first[2] == "a"
    assert second[0] == "False", "a kernel sees what another one defined"
    assert second[2] == "True None", "a kernel is not in its folder or keeps another's environment"


def test_a_cell_past_its_time_is_interrupted(kernels, tmp_path):
    started = time.monotonic()
    with pytest.raises(CellExecutionError, match="KeyboardInterrupt"):
        run(kernels, tmp_path, "import time; time.sleep(60)", timeout=2)
    assert time.monotonic() - started < 30


def test_a_kernel_ends_with_its_stand_in(kernels):
    manager = KernelManager(kernel_name=kernels["kernel_name"])
    manager.kernel_spec_manager = kernels["kernel_manager_class"]().kernel_spec_manager
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)  # its outputs are not missed (the output channel is connected)
    printed = []
    client.execute_interactive(
        "import os; print(os.getpid())",
        timeout=30,
        output_hook=lambda message: printed.append(message["content"].get("text", "")),
    )
    client.stop_channels()
    kernel = int("".join(printed))
    os.kill(manager.provisioner.process.pid, signal.SIGKILL)  # Jupyter's kernel process dies, with no word
    manager.provisioner.process.wait()
    deadline = time.monotonic() + 10
    while alive(kernel) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(kernel), "a kernel outlived its stand-in"
