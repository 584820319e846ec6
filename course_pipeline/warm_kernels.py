"""Fresh Jupyter kernels without the wait for imports: a warm Python that has imported what the chapters import
(recorder.preload: torch alone takes a second or two, its first optimizer one more) and ipykernel, and run
nothing, forks a kernel for each notebook. The kernel starts as a fresh one does: a new namespace, in the
notebook's folder and environment, with nothing run. tests/test_notebooks.py runs every notebook in one.

    with warm_kernels.started(environment) as options: NotebookClient(notebook, **options, ...).execute()

Jupyter starts, as the kernel's process, a stand-in (`python -m course_pipeline.warm_kernels kernel SOCKET -f
CONNECTION_FILE`): it asks the warm Python (`... serve SOCKET`) for a kernel, passes interrupts and
terminations on to it, and ends when it ends. A kernel ends when its stand-in has gone; the warm Python when
whoever started it has.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from traitlets import default

from course_pipeline.recorder import alive, draw_new_seeds, exit_when

NAME = "warm-python3"


@contextlib.contextmanager
def started(environment: dict):
    """A warm Python for kernels with this environment (the one that modules read at import: MPLBACKEND,
    OpenMP's variables), and what to give nbclient's NotebookClient for its kernels to be forked by it."""
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory(prefix="kernels-") as folder:  # short: a socket's path has a length limit
        address, specs = str(Path(folder) / "socket"), Path(folder) / "kernels"
        argv = [sys.executable, "-m", "course_pipeline.warm_kernels", "kernel", address, "-f", "{connection_file}"]
        (specs / NAME).mkdir(parents=True)
        spec = {"argv": argv, "display_name": NAME, "language": "python"}
        (specs / NAME / "kernel.json").write_text(json.dumps(spec))

        class WarmKernelManager(AsyncKernelManager):
            @default("kernel_spec_manager")
            def _kernel_specs(self):
                return KernelSpecManager(kernel_dirs=[str(specs)])

        server = subprocess.Popen(
            [sys.executable, "-m", "course_pipeline.warm_kernels", "serve", address],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=environment,
        )
        try:
            if server.stdout.readline().strip() != "ready":
                raise RuntimeError(f"the warm Python for kernels did not start (exit code {server.wait()})")
            yield {"kernel_name": NAME, "kernel_manager_class": WarmKernelManager}
        finally:
            server.stdin.close()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def serve(address: str) -> None:
    """The warm Python: import, then fork a kernel for each stand-in that asks, until standard input closes."""
    from course_pipeline.project import Project
    from course_pipeline.recorder import preload

    preload(Project.find())
    import ipykernel.kernelapp  # noqa: F401  (imported once, here)

    def reap(*_):
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass

    signal.signal(signal.SIGCHLD, reap)  # a kernel that ended is gone at once: its stand-in sees it
    threading.Thread(target=lambda: (os.read(0, 1), os._exit(0)), daemon=True).start()  # until stdin closes
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(address)
    listener.listen()
    print("ready", flush=True)
    os.dup2(2, 1)  # nobody reads standard output from now on: kernels write to standard error, as Jupyter's do
    while True:
        connection, _ = listener.accept()
        with connection:
            request = json.loads(connection.makefile().readline())
            kernel = os.fork()
            if kernel == 0:
                listener.close()
                run_kernel(request)
            connection.sendall(f"{kernel}\n".encode())


def run_kernel(request: dict) -> None:
    """In the forked child: become the kernel a fresh `python -m ipykernel_launcher` in that folder would be."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    draw_new_seeds()
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # not the warm Python's standard input
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["environment"])
    sys.path[0] = request["cwd"]  # where `python -m` puts the folder it starts in
    sys.argv = ["ipykernel_launcher", *request["argv"]]
    if os.environ.get("JPY_PARENT_PID"):  # read by ipykernel at its import (here, before there was one)
        sys.argv.append(f"--IPKernelApp.parent_handle={os.environ['JPY_PARENT_PID']}")
    exit_when(lambda: not alive(request["stand_in"]))
    from ipykernel.kernelapp import launch_new_instance

    code = 0
    try:
        launch_new_instance()
    except SystemExit as end:
        code = end.code if isinstance(end.code, int) else 1
    finally:
        os._exit(code)


def stand_in(address: str, argv: list[str]) -> int:
    """Jupyter's kernel process: get a kernel from the warm Python, pass signals on, last as long as it."""
    with socket.socket(socket.AF_UNIX) as connection:
        connection.connect(address)
        request = {"argv": argv, "cwd": os.getcwd(), "environment": dict(os.environ), "stand_in": os.getpid()}
        connection.sendall((json.dumps(request) + "\n").encode())
        kernel = int(connection.makefile().readline())

    def pass_on(number, frame):
        with contextlib.suppress(ProcessLookupError):  # the kernel has just ended
            os.kill(kernel, number)

    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(number, pass_on)
    jupyter = os.getppid()
    while alive(kernel):
        if os.getppid() != jupyter:  # whoever started it has gone without stopping it: stop the kernel
            os.kill(kernel, signal.SIGKILL)
            return 1
        time.sleep(0.02)
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        serve(argv[1])
        return 0
    if argv[:1] == ["kernel"]:
        return stand_in(argv[1], argv[2:])
    print("usage: python -m course_pipeline.warm_kernels serve SOCKET | kernel SOCKET -f CONNECTION_FILE")
    return 2


if __name__ == "__main__":
    sys.exit(main())
