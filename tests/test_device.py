"""The one device rule (course_pipeline/device.py) and what it makes stale (freshness.py), on a simulated CUDA
machine, a machine with an NVIDIA device file but no usable CUDA, and a CPU machine."""

import sys

import pytest

from course_pipeline import device, freshness
from course_pipeline.project import Project

TORCH_CHAPTER = "# --8<-- [start:make]\nimport torch\nprint(torch.ones(1))\n# --8<-- [end:make]\n"
PLAIN_CHAPTER = "# --8<-- [start:add]\nprint(1 + 1)\n# --8<-- [end:add]\n"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "plugins:\n  - i18n:\n      languages:\n        - locale: en\n          default: true\n"
    )
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "tensors.py").write_text(TORCH_CHAPTER)
    (tmp_path / "snippets" / "plain.py").write_text(PLAIN_CHAPTER)
    (tmp_path / "docs" / "en").mkdir(parents=True)
    for name, section in (("tensors", "make"), ("plain", "add")):
        (tmp_path / "docs" / "en" / f"{name}.md").write_text(
            f'# {name}\n\n```python\n--8<-- "snippets/{name}.py:{section}"\n```\n'
        )
    return Project(tmp_path)


@pytest.fixture
def simulated_cuda(monkeypatch):
    monkeypatch.setenv(device.OVERRIDE, "cpu,cuda")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)


def test_a_simulated_cuda_machine_records_torch_chapters_on_both_devices(project, simulated_cuda):
    assert device.machine_devices() == ["cpu", "cuda"]
    assert device.devices_for(project.root / "snippets/tensors.py") == ["cpu", "cuda"]
    assert device.devices_for(project.root / "snippets/plain.py") == ["cpu"], "no torch: the same on every device"
    assert device.current(project.root / "snippets/tensors.py") == "cuda", "the tests compare with CUDA records"
    assert device.environment("cpu")["CUDA_VISIBLE_DEVICES"] == "", "a CPU record is made with the GPU hidden"
    assert "CUDA_VISIBLE_DEVICES" not in device.environment("cuda")
    assert sorted(freshness.stale_records(project)) == [
        ("snippets/plain.py", "cpu"),
        ("snippets/tensors.py", "cpu"),
        ("snippets/tensors.py", "cuda"),
    ]


def test_a_cpu_machine_records_on_the_cpu_only(project, monkeypatch):
    monkeypatch.setenv(device.OVERRIDE, "cpu")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    assert device.current(project.root / "snippets/tensors.py") == "cpu"
    assert "CUDA_VISIBLE_DEVICES" not in device.environment("cpu"), "no GPU to hide"
    assert sorted(freshness.stale_records(project)) == [("snippets/plain.py", "cpu"), ("snippets/tensors.py", "cpu")]


def test_an_nvidia_device_file_without_usable_cuda_is_a_cpu_machine(tmp_path, monkeypatch):
    """PyTorch is asked (in a fresh Python), not guessed from /dev: no CUDA records that can never be made."""
    import torch

    expected = torch.cuda.is_available()  # what this machine really has (no GPU on CPU CI)
    (tmp_path / "nvidia0").write_text("")
    monkeypatch.setattr(device, "NVIDIA_DEVICE_FILES", str(tmp_path / "nvidia[0-9]*"))
    monkeypatch.delenv(device.OVERRIDE, raising=False)
    monkeypatch.delitem(sys.modules, "torch")  # as in a build, which does not import torch
    device.cuda_usable.cache_clear()
    try:
        assert device.cuda_usable() == expected
        assert device.machine_devices() == (["cpu", "cuda"] if expected else ["cpu"])
    finally:
        device.cuda_usable.cache_clear()


def test_an_unknown_device_in_the_override_is_refused(monkeypatch):
    monkeypatch.setenv(device.OVERRIDE, "cuda,tpu")
    with pytest.raises(ValueError, match="COURSE_DEVICES"):
        device.machine_devices()


def test_what_makes_a_record_stale(project, monkeypatch):
    chapter = "snippets/tensors.py"
    recorded = freshness.record_key(project, chapter, "cpu")
    assert freshness.record_key(project, chapter, "cuda") != recorded, "a record made on the CPU is stale on a GPU"
    versions = freshness.versions()
    monkeypatch.setattr(freshness, "versions", lambda: {**versions, "torch": "0.0.0"})
    assert freshness.record_key(project, chapter, "cpu") != recorded, "a record made with another torch is stale"
    monkeypatch.undo()
    (project.root / chapter).write_text(TORCH_CHAPTER + "# one more line\n")
    assert freshness.record_key(project, chapter, "cpu") != recorded, "a record made from other code is stale"


def test_the_site_depends_on_every_package_and_file(project, monkeypatch):
    before = freshness.site_inputs(project)
    versions = freshness.all_versions()
    monkeypatch.setattr(freshness, "all_versions", lambda: [*versions, "mkdocs-material==99.0"])
    assert freshness.site_inputs(project) != before, "upgrading a site package rebuilds the site"
    monkeypatch.undo()
    (project.root / "docs" / "en" / "plain.md").write_text("# changed\n")
    assert freshness.site_inputs(project) != before


def test_a_record_edited_by_hand_or_damaged_is_never_fresh(project):
    from course_pipeline import records
    from course_pipeline.execute import run_chapter
    from course_pipeline.sections import SnippetError

    chapter = "snippets/plain.py"
    staged = project.root / "staged"
    info = {"key": freshness.record_key(project, chapter, "cpu"), "code": freshness.chapter_code(project, chapter)}
    records.write_folder(staged, run_chapter(project, chapter), info)
    records.install(project, chapter, "cpu", staged)
    assert freshness.record_state(project, chapter, "cpu") == "fresh"
    folder = project.record_dir(chapter, "cpu")
    (folder / "add.txt").write_text("3\n")  # typed by hand
    assert freshness.record_state(project, chapter, "cpu") == "edited"
    (folder / "run.json").write_text('{"key": ')  # a write cut short
    with pytest.raises(
        SnippetError, match=r"docs/outputs/plain/cpu/run.json is damaged .*regenerate snippets/plain.py"
    ):
        freshness.record_state(project, chapter, "cpu")
    assert [path.name for path in folder.parent.iterdir()] == ["cpu"], "no half-written folder left beside it"


def test_two_chapters_with_one_name_keep_their_own_records(project):
    assert project.record_dir("snippets/plain.py", "cpu") != project.record_dir("snippets/extra/plain.py", "cpu")
