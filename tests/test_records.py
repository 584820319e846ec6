"""Each chapter's records (docs/outputs/) are exactly what a fresh run of its code shows, made with the code,
package versions and device of this machine, with no leftovers from sections that no longer exist.
The per-section comparison happens in each page's code block; this checks the chapter as a whole."""

import pytest

from course_pipeline import device, freshness, records
from course_pipeline.pytest_plugin import chapter_device, chapter_run, project

PROJECT = project()


@pytest.mark.parametrize("chapter", PROJECT.chapters())
def test_records_match_a_fresh_run(chapter):
    runs = list(chapter_run(chapter).values())
    failed = next((run for run in runs if run.error), None)
    if failed:
        pytest.skip(f"{failed.section.where} raised; its code block on the page reports it")
    name = chapter_device(chapter)
    differences = records.differences(PROJECT, chapter, name, runs)
    assert not differences, "\n".join(differences)
    state = freshness.record_state(PROJECT, chapter, name)
    if state != "fresh":
        recorded, now = records.read_run(PROJECT, chapter, name), freshness.versions()
        changed = [
            f"{package} {recorded.get(package)} -> {version}"
            for package, version in now.items()
            if recorded.get(package) != version
        ]
        pytest.fail(
            f"{PROJECT.relative(PROJECT.record_dir(chapter, name))}/run.json: recorded for "
            f"{state} ({', '.join(changed) or chapter + ' or the runner changed'}); the outputs are the same, "
            f"but the stamp must say what they were verified with; {records.REGENERATE} {chapter}"
        )


def test_no_records_without_a_chapter():
    expected = {PROJECT.record_dir(chapter, device.REFERENCE).parent for chapter in PROJECT.chapters()}
    for folder in sorted(path.parent for name in device.DEVICES for path in PROJECT.outputs.rglob(name)):
        assert folder in expected, f"{PROJECT.relative(folder)}/ records a chapter that no page shows; delete it"


@pytest.mark.parametrize("chapter", [c for c in PROJECT.chapters() if device.uses_torch(PROJECT.root / c)])
def test_cuda_outputs_are_checked_on_a_gpu(chapter):
    """On a GPU machine the page blocks above check the CUDA records; here, say plainly that they are not."""
    if chapter_device(chapter) != "cuda":
        pytest.skip(
            f"no CUDA device here: the CUDA outputs of {chapter} are checked on a GPU machine "
            f"(.github/workflows/gpu.yml)"
        )
    assert records.read_run(PROJECT, chapter, "cuda") is not None, (
        f"{chapter} has no CUDA records; {records.REGENERATE} {chapter}"
    )
