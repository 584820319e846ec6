"""Each chapter's records (docs/outputs/) are exactly what a fresh run of its code shows, made with the code,
package versions and device of this machine, with no leftovers from sections that no longer exist.
The per-section comparison happens in each page's code block; this checks the chapter as a whole."""

import pytest
from snippets.pipeline import records
from snippets.pipeline.sections import ROOT, chapters
from tests.markdown_blocks import chapter_device, chapter_run


@pytest.mark.parametrize("path", chapters())
def test_records_match_a_fresh_run(path):
    runs = list(chapter_run(path).values())
    failed = next((run for run in runs if run.error), None)
    if failed:
        pytest.skip(f"{failed.section.where} raised; its code block on the page reports it")
    problems = records.problems(path, chapter_device(path), runs)
    assert not problems, "\n".join(problems)


def test_no_records_without_a_chapter():
    names = {path.split("/")[-1].removesuffix(".py") for path in chapters()}
    for folder in sorted(records.OUTPUTS.iterdir()):
        assert folder.name in names, (f"{folder.relative_to(ROOT)}/ records a chapter that no page shows; "
                                      f"delete it")


@pytest.mark.parametrize("path", [path for path in chapters() if records.uses_torch(path)])
def test_cuda_outputs_are_checked_on_a_gpu(path):
    """On a GPU machine the page blocks above check the CUDA records; here, say plainly that they are not."""
    if chapter_device(path) != "cuda":
        pytest.skip(f"no CUDA device here: the CUDA outputs of {path} are checked on a GPU machine "
                    f"(.github/workflows/gpu.yml)")
    assert records.read_run(path, "cuda") is not None, f"{path} has no CUDA records; {records.REGENERATE} {path}"


def test_another_snippet_package_version_or_device_makes_a_chapter_stale(monkeypatch, tmp_path):
    path = chapters()[0]
    recorded = records.key(path, "cpu")
    assert records.key(path, "cuda") != recorded, "a record made on the CPU is stale on a GPU"
    versions = records.versions()
    monkeypatch.setattr(records, "versions", lambda: {**versions, "torch": "0.0.0"})
    assert records.key(path, "cpu") != recorded, "a record made with another torch is stale"
    monkeypatch.undo()
    edited = tmp_path / "chapter.py"
    edited.write_text((ROOT / path).read_text(encoding="utf-8") + "\n# one more line\n", encoding="utf-8")
    monkeypatch.setattr(records, "ROOT", tmp_path)
    assert records.key("chapter.py", "cpu") != recorded, "a record made from other code is stale"
