"""What the GPU workflow (.github/workflows/gpu.yml, via .ci/gpu) runs on a machine with a CUDA GPU:

- CUDA records missing or stale: record them, copy them to the artifact folder with the command that commits
  them, and fail saying so (a workflow cannot commit; a maintainer downloads the artifact and commits it);
- CUDA records fresh: run the README's test command, which checks every block against them.

    .venv/bin/python -m course_pipeline.gpu_check [--artifact .ci/cuda-records]

CPU records are the CPU CI's to check: a GPU machine's PyTorch is another build (a CUDA one), so they are not
made here.
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from course_pipeline import device, freshness
from course_pipeline.project import Project
from course_pipeline.regenerate import record_all


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--artifact",
        type=Path,
        default=Path(".ci/cuda-records"),
        help="where fresh CUDA records are put for the workflow to upload",
    )
    args = parser.parse_args(argv)
    project = Project.find()
    if "cuda" not in device.machine_devices():
        print("error: no CUDA device that PyTorch can use on this machine; run this on a GPU runner", file=sys.stderr)
        return 2
    stale = [(chapter, name) for chapter, name in freshness.stale_records(project) if name == "cuda"]
    if not stale:
        print("every chapter's CUDA records are fresh: running the README's test command")
        return subprocess.run([sys.executable, "-m", "pytest"], cwd=project.root).returncode
    print(f"CUDA records missing or stale for: {', '.join(chapter for chapter, _ in stale)}; recording them")
    if not record_all(project, stale):
        return 1
    artifact = (project.root / args.artifact).resolve()
    shutil.rmtree(artifact, ignore_errors=True)
    for chapter, _ in stale:
        folder = project.record_dir(chapter, "cuda")
        shutil.copytree(folder, artifact / folder.relative_to(project.root))
    instruction = (
        f"New CUDA records are in the artifact {args.artifact.name} (docs/outputs/<chapter>/cuda/). Commit "
        f"them: download and unzip the artifact at the repository's root, check the differences "
        f"(git diff docs/outputs), then `git add docs/outputs && git commit -m 'CUDA records'`; the next "
        f"run of this workflow then runs the tests against them."
    )
    (artifact / "README.txt").write_text(instruction + "\n", encoding="utf-8")
    print(f"error: {instruction}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
