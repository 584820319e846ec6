"""The pipeline fails loudly, saying what and where, when a contributor breaks something, and what it shows after
an edit is never stale.

Each test makes a tiny project in a temporary folder (this repository's config and page tests, one demo chapter),
breaks or edits one thing in it, and runs the real test command, the real strict build or `mkdocs serve` on it,
with the installed pipeline (course_pipeline).
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from course_pipeline import records
from course_pipeline.patches import mkdocs_jupyter_cache
from course_pipeline.pytest_plugin import project as this_project
from course_pipeline.record_chapter import SIMULATED
from course_pipeline.recorder import alive

ROOT = this_project().root

DEMO = """\
# --8<-- [start:hello]
print("2 + 2 =", 2 + 2)
# --8<-- [end:hello]

# --8<-- [start:index]
values = [10, 20, 30]
print(values[1])
# --8<-- [end:index]
"""

PAGE = """\
# {title}

## {heading} {{ #first-section }}

```python
--8<-- "snippets/demo.py:hello"
```

??? note "{heading}"

    ```python
    --8<-- "snippets/demo.py:index"
    ```
"""


def run(project, *command, **environment):
    done = subprocess.run(
        [sys.executable, "-m", *command], cwd=project, capture_output=True, text=True, env={**os.environ, **environment}
    )
    return done.returncode, done.stdout + done.stderr


def run_tests(project):
    return run(project, "pytest", "-p", "no:cacheprovider", "-q")


def strict_build(project):
    return run(project, "mkdocs", "build", "--strict", "--site-dir", str(project / "site"))


@pytest.fixture(scope="session")  # once per process: pytest-xdist interleaves modules
def base(tmp_path_factory):
    project = tmp_path_factory.mktemp("project")
    (project / "snippets").mkdir()
    (project / "snippets" / "demo.py").write_text(DEMO)
    shutil.copytree(ROOT / "docs" / "assets", project / "docs" / "assets")
    shutil.copytree(ROOT / "overrides", project / "overrides")
    (project / "tests").mkdir()
    for name in ("test_pages.py", "test_records.py"):
        shutil.copy(ROOT / "tests" / name, project / "tests" / name)
    shutil.copy(ROOT / "pytest.ini", project / "pytest.ini")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(re.sub(r"(?ms)^nav:.*?\n\n", "", config), encoding="utf-8")
    for language, title, heading in (("zh", "演示", "第一节"), ("en", "Demo", "First section")):
        (project / "docs" / language).mkdir()
        anchor = "first-section"
        (project / "docs" / language / "index.md").write_text(f"# {title}\n\n[{heading}](demo.md#{anchor})\n")
        (project / "docs" / language / "demo.md").write_text(PAGE.format(title=title, heading=heading))
    code, output = run(project, "course_pipeline.regenerate")
    assert code == 0, output
    return project


@pytest.fixture
def project(base, tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(base, copy)
    return copy


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_intact_project_passes_tests_and_build(project):
    code, output = run_tests(project)
    assert code == 0, output
    assert "passed" in output
    code, output = strict_build(project)
    assert code == 0, output


def test_a_broken_snippet_names_the_page_line_and_the_snippet_line(project):
    edit(project / "snippets" / "demo.py", "values[1]", "values[7]")
    code, output = run_tests(project)
    assert code != 0
    assert "docs/zh/demo.md:12" in output and "docs/en/demo.md:12" in output
    assert 'snippets/demo.py", line 7' in output and "IndexError: list index out of range" in output


def test_the_sections_after_a_failed_one_say_which_failed(project):
    edit(project / "snippets" / "demo.py", "2 + 2)", "2 + 2, undefined)")
    code, output = run_tests(project)
    assert code != 0 and "NameError: name 'undefined' is not defined" in output
    assert "snippets/demo.py:index did not run, because section 'hello' (snippets/demo.py:2) failed before it" in output


def test_a_changed_printed_number_fails_with_a_diff_and_the_command_to_rerecord(project):
    edit(project / "snippets" / "demo.py", "2 + 2)", "2 + 3)")
    code, output = run_tests(project)
    assert code != 0
    assert "docs/outputs/demo/cpu/hello.txt is stale" in output
    assert "-2 + 2 = 4" in output and "+2 + 2 = 5" in output
    assert "python -m course_pipeline.regenerate snippets/demo.py" in output
    code, output = strict_build(project)
    assert code != 0 and "snippets/demo.py" in output and "regenerate" in output


def test_a_hand_edited_output_fails(project):
    edit(project / "docs" / "outputs" / "demo" / "cpu" / "hello.txt", "4", "5")
    code, output = run_tests(project)
    assert code != 0 and "hello.txt was changed by hand" in output and "regenerate snippets/demo.py" in output
    assert "the code now shows something else" not in output, "the code did not change"


def test_a_deleted_section_fails_tests_and_build(project):
    edit(project / "snippets" / "demo.py", "# --8<-- [start:index]\n", "")
    edit(project / "snippets" / "demo.py", "# --8<-- [end:index]\n", "")
    code, output = run_tests(project)
    assert code != 0
    assert "snippets/demo.py:5: code outside any section" in output
    code, output = strict_build(project)
    assert code != 0


def test_a_missing_twin_fails(project):
    (project / "docs" / "en" / "demo.md").unlink()
    code, output = run_tests(project)
    assert code != 0
    assert "docs/zh/demo.md has no en twin: create docs/en/demo.md" in output
    code, output = strict_build(project)  # else the English site would show the Chinese page
    assert code != 0 and "docs/zh/demo.md has no en twin: create docs/en/demo.md" in output, output


def test_twins_that_show_different_code_fail(project):
    edit(project / "docs" / "en" / "demo.md", "demo.py:hello", "demo.py:index")
    code, output = run_tests(project)
    assert code != 0
    assert "code block 1 differs between twins" in output


def test_code_written_on_a_page_fails(project):
    edit(project / "docs" / "en" / "demo.md", '--8<-- "snippets/demo.py:hello"', 'print("typed by hand")')
    code, output = run_tests(project)
    assert code != 0
    assert "docs/en/demo.md:6: python code written on the page" in output


def test_regenerate_names_the_pages_it_cannot_read_and_makes_nothing(project):
    edit(project / "docs" / "zh" / "demo.md", "demo.py:hello", "demo.py:helo")
    edit(project / "docs" / "en" / "demo.md", '--8<-- "snippets/demo.py:hello"', 'print("typed by hand")')
    code, output = run(project, "course_pipeline.regenerate")
    assert code == 1 and "Traceback" not in output, output
    assert "docs/zh/demo.md:6: snippets/demo.py has no section 'helo' (did you mean 'hello'?)" in output
    assert "docs/en/demo.md:6: python code written on the page" in output


def build(project, site, **environment):
    return run(project, "course_pipeline.build", "--site-dir", str(project / site), **environment)


@pytest.mark.parametrize("link", ["missing.md", "demo.md#no-such-heading"])
def test_a_dead_link_or_anchor_fails_the_build(project, link):
    edit(project / "docs" / "en" / "index.md", "(demo.md#first-section)", f"({link})")
    code, output = strict_build(project)
    assert code != 0
    assert "en/index.md" in output
    code, output = build(project, "again")  # from the page memos now: they must log the warning again
    assert code != 0
    assert "en/index.md" in output and "strict" in output


def test_outputs_that_differ_on_cuda_are_shown_in_device_tabs(project):
    cpu = project / "docs" / "outputs" / "demo" / "cpu"
    cuda = cpu.with_name("cuda")
    shutil.copytree(cpu, cuda)
    edit(cuda / "hello.txt", "2 + 2 = 4", "2 + 2 = 4 (on a GPU)")
    info = json.loads((cuda / "run.json").read_text())  # as a GPU run would have recorded it
    info.update(device="cuda", outputs=records.digest_of(records.recorded_files(cuda)))
    (cuda / "run.json").write_text(json.dumps(info))
    code, output = strict_build(project)
    assert code == 0, output
    page = (project / "site" / "en" / "demo" / "index.html").read_text(encoding="utf-8")
    assert page.count('class="tabbed-set') == 1, "only the block whose outputs differ gets tabs"
    assert ">CPU</label>" in page and ">CUDA GPU</label>" in page
    assert "2 + 2 = 4 (on a GPU)" in page
    assert "CUDA GPU:" in page.split('class="page-stamp"')[1], "the stamp names the GPU run too"
    edit(project / "snippets" / "demo.py", "2 + 2)", "2 + 3)")  # CPU records can be made again here, CUDA ones not
    code, output = run(project, "course_pipeline.regenerate")
    assert code == 0 and "note: docs/outputs/demo/cuda/ no longer matches snippets/demo.py" in output, output
    edit(project / "snippets" / "demo.py", "2 + 3)", "2 + 2)")
    assert run(project, "course_pipeline.regenerate")[0] == 0
    info.update(hardware=f"no CUDA device ({SIMULATED})")  # made with COURSE_DEVICES=cpu,cuda, no GPU
    (cuda / "run.json").write_text(json.dumps(info))
    code, output = strict_build(project)
    assert code != 0 and "docs/outputs/demo/cuda/: a simulated record" in output, output


def test_a_rebuild_from_the_memos_makes_the_site_a_build_from_scratch_makes(project):
    """The build's memos (course_pipeline/memos.py) never serve a result made from other inputs, and notebooks
    rendered ahead in other processes (patches/mkdocs_jupyter_cache.py) are what mkdocs-jupyter renders itself."""
    for language in ("zh", "en"):  # a second chapter page: four notebooks, enough to be rendered ahead
        page = '# More\n\n```python\n--8<-- "snippets/demo.py:index"\n```\n'
        (project / "docs" / language / "more.md").write_text(page)
    assert mkdocs_jupyter_cache.processes_for(4) == 1
    code, output = build(project, "before")
    assert code == 0, output
    memos = project / ".cache" / "site-build"
    assert {"pages.json", "search.json", "words.json", "highlight.json"} <= {path.name for path in memos.iterdir()}
    # Code that prints the same: the page's Markdown is unchanged, but not the file it includes.
    edit(project / "snippets" / "demo.py", "values = [10, 20, 30]", "values = [10, 20, 30]  # three")
    code, output = build(project, "code-only")
    assert code == 0, output
    assert "# three" in (project / "code-only" / "en" / "demo" / "index.html").read_text(encoding="utf-8")
    edit(project / "snippets" / "demo.py", "2 + 2)", "2 + 3)")  # an output changes
    edit(
        project / "docs" / "zh" / "demo.md",
        "## 第一节 { #first-section }\n",
        "## 第一节 { #first-section }\n\n新添的中文句子。\n",
    )  # new words
    code, output = build(project, "memoized")
    assert code == 0, output
    assert "recorded snippets/demo.py" in output, "the edited chapter runs again"
    assert len(list((project / ".cache" / "mkdocs-jupyter").iterdir())) == 4, "each language's notebooks are kept"
    shutil.rmtree(project / ".cache")  # the memos, nbconvert's templates, mkdocs-jupyter's notebooks
    code, output = build(project, "scratch", COURSE_PATCHES="off")
    assert code == 0, output
    memoized, scratch = project / "memoized", project / "scratch"
    files = sorted(path.relative_to(scratch) for path in scratch.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(memoized) for path in memoized.rglob("*") if path.is_file())
    differing = [str(name) for name in files if (memoized / name).read_bytes() != (scratch / name).read_bytes()]
    assert differing in ([], [".inputs"]), f"differ from a build without memos or patches: {differing}"
    assert "2 + 2 = 5" in (memoized / "en" / "demo" / "index.html").read_text(encoding="utf-8")
    assert "新添的中文句子" in (memoized / "demo" / "index.html").read_text(encoding="utf-8")


def test_mkdocs_serve_shows_an_edited_output_after_the_save(project):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{free.getsockname()[1]}"
    site_path = urllib.parse.urlsplit(this_project().site_url).path  # where mkdocs serve puts the site
    log = project.parent / f"{project.name}-serve.log"  # outside the project, which a chapter may not change
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", address],
        cwd=project,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )

    def page_when(condition, seconds=90):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                page = urllib.request.urlopen(f"http://{address}{site_path}en/demo/").read().decode()
                if condition(page):
                    return page
            except OSError:
                pass
            time.sleep(0.5)
        server.kill()
        pytest.fail(f"mkdocs serve did not show it within {seconds} s:\n{log.read_text()[-3000:]}")

    try:
        page_when(lambda page: "2 + 2 = 4" in page)
        edit(project / "snippets" / "demo.py", "2 + 2)", "2 + 3)")
        page_when(lambda page: "2 + 2 = 5" in page)
        time.sleep(3)  # long enough for a second build to start, if the first one's writes started it
        said = log.read_text()
        assert said.count("Detected file changes") == 1, f"one save, one build; mkdocs serve said:\n{said[-3000:]}"
        # A chapter that fails: the site still answers, with the page's new prose and no output of old code.
        edit(project / "snippets" / "demo.py", "2 + 3)", "2 + 3, undefined)")
        edit(project / "docs" / "en" / "demo.md", "# Demo", "# Demo, edited")
        assert "2 + 2 = 5" not in page_when(lambda page: "Demo, edited" in page)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "some chapters could not be recorded" in log.read_text()


GPU_CHAPTER = """\
# --8<-- [start:ones]
import torch

device = "cuda" if torch.cuda.is_available() else "cpu"
print(torch.ones(2, device=device).sum().item())
# --8<-- [end:ones]
"""


def test_the_gpu_workflow_records_cuda_outputs_then_tests_against_them(project):
    """.ci/gpu on a simulated CUDA machine: the first run records the missing CUDA records, puts them in the
    artifact with the command that commits them, and fails; once they are committed, it runs the tests."""
    (project / "snippets" / "gpu.py").write_text(GPU_CHAPTER)
    for language in ("zh", "en"):
        (project / "docs" / language / "gpu.md").write_text('# GPU\n\n```python\n--8<-- "snippets/gpu.py:ones"\n```\n')
    cuda = {"COURSE_DEVICES": "cpu,cuda"}
    code, output = run(project, "course_pipeline.gpu_check", "--artifact", "artifact", **cuda)
    assert code == 1, output
    assert "CUDA records missing or stale for: snippets/gpu.py" in output and "git add docs/outputs" in output
    artifact = project / "artifact"
    assert (artifact / "docs" / "outputs" / "gpu" / "cuda" / "ones.txt").read_text() == "2.0\n"
    assert "git add docs/outputs" in (artifact / "README.txt").read_text()
    assert not (artifact / "docs" / "outputs" / "demo").exists(), "a chapter without torch has no CUDA records"
    shutil.copytree(artifact / "docs", project / "docs", dirs_exist_ok=True)  # as the maintainer commits them
    code, output = run(project, "course_pipeline.gpu_check", "--artifact", "artifact", **cuda)
    assert code == 0, output
    assert "CUDA records are fresh: running the README's test command" in output and "passed" in output
    code, output = run(project, "course_pipeline.gpu_check", **{"COURSE_DEVICES": "cpu"})
    assert code == 2 and "no CUDA device" in output


def chapter(project, name, code, section="run"):
    (project / "snippets" / f"{name}.py").write_text(f"# --8<-- [start:{section}]\n{code}\n# --8<-- [end:{section}]\n")


def test_regenerate_refuses_what_cannot_be_recorded_and_records_nothing(project, tmp_path):
    chapter(project, "crash", "import ctypes\nctypes.string_at(0)", section="boom")
    chapter(project, "early", "import os\nos._exit(0)")
    chapter(project, "shuffled", "print(set('abcdefghijklmnop'))")
    chapter(project, "spin", "while True:\n    pass", section="forever")
    chapter(project, "writer", "import os\nopen(os.path.join(os.environ['DEMO_ROOT'], 'leak.txt'), 'w').close()")
    notebook = project / "docs" / "en" / "notebooks" / "demo.ipynb"
    notebook.unlink()
    names = ["crash", "early", "shuffled", "spin", "writer"]
    sections = {"crash": "boom", "spin": "forever"}
    fences = "".join(f'```python\n--8<-- "snippets/{name}.py:{sections.get(name, "run")}"\n```\n\n' for name in names)
    for language in ("zh", "en"):
        (project / "docs" / language / "bad.md").write_text(f"# Bad\n\n{fences}")
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    started = time.monotonic()
    code, output = run(
        project,
        "course_pipeline.regenerate",
        *[f"snippets/{name}.py" for name in names],
        COURSE_TIME_LIMIT="3",
        DEMO_ROOT=str(project),
        TMPDIR=str(temporary),
    )
    assert code == 1 and time.monotonic() - started < 60, output
    assert "snippets/crash.py crashed (SIGSEGV) in section 'boom'" in output
    assert "the chapter called os._exit(0)" in output
    assert "snippets/shuffled.py printed something else on a second run (with PYTHONHASHSEED=1" in output
    assert "(PYTHONHASHSEED=0)" in output and "(recorded)" not in output, "two runs, nothing recorded yet"
    assert "section 'forever' of snippets/spin.py was still running after 3 s" in output
    assert "snippets/writer.py changed the project: leak.txt (new)" in output
    assert not any((project / "docs" / "outputs" / name).exists() for name in names), "nothing half-recorded"
    assert "notebooks not made" in output and not notebook.exists()
    assert not list(temporary.iterdir()), "a crashed chapter's working folder is removed too"


def test_the_test_command_fails_when_a_chapter_ends_the_process(project):
    edit(project / "snippets" / "demo.py", 'print("2 + 2 =", 2 + 2)', "import os\nos._exit(0)")
    code, output = run_tests(project)
    assert code != 0 and "the chapter called os._exit(0)" in output, output


def test_a_hand_edited_output_fails_the_strict_build_and_is_recorded_again(project):
    edit(project / "docs" / "outputs" / "demo" / "cpu" / "hello.txt", "4", "5")
    code, output = strict_build(project)
    assert code != 0 and "docs/outputs/demo/cpu/: its files were changed by hand" in output, output
    code, output = run(project, "course_pipeline.regenerate")
    assert code == 0 and "recorded snippets/demo.py" in output, output
    assert (project / "docs" / "outputs" / "demo" / "cpu" / "hello.txt").read_text() == "2 + 2 = 4\n"


def test_a_bad_page_fails_its_own_tests_not_the_whole_run(project):
    edit(project / "docs" / "en" / "demo.md", '--8<-- "snippets/demo.py:hello"', '--8<-- "snippets/gone.py:hello"')
    code, output = run_tests(project)
    assert code != 0 and " passed" in output, output
    assert "docs/en/demo.md:6: snippets/gone.py" in output or "docs/en/demo.md:6" in output, output
    code, output = strict_build(project)
    assert code != 0 and "docs/en/demo.md:6: includes snippets/gone.py, which does not exist" in output, output


def test_printed_text_is_shown_as_printed_never_as_page_syntax(project):
    edit(
        project / "snippets" / "demo.py",
        'print("2 + 2 =", 2 + 2)',
        'print("2 + 2 =", 2 + 2)\nprint(\'--8<-- "mkdocs.yml"\')\nprint("bell\\x07 and back\\rspace")',
    )
    code, output = run(project, "course_pipeline.regenerate")
    assert code == 0, output
    assert "\r" in (project / "docs" / "outputs" / "demo" / "cpu" / "hello.txt").read_bytes().decode()
    code, output = run_tests(project)
    assert code == 0, output  # a printed "\r" is recorded as printed, so the record matches the next run
    code, output = strict_build(project)
    assert code == 0, output
    page = (project / "site" / "en" / "demo" / "index.html").read_text(encoding="utf-8")
    assert '--8&lt;-- "mkdocs.yml"' in page and "site_url" not in page.split("page-stamp")[0]
    assert "bell␇ and back␍space" in page


def test_a_link_out_of_the_project_fails_the_build(project, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("not the project's")
    (project / "docs" / "en" / "secret.txt").symlink_to(outside)
    code, output = strict_build(project)
    assert code != 0 and "docs/en/secret.txt: a link to" in output and "outside the project" in output, output


def test_a_failed_build_leaves_no_stamp_and_a_damaged_site_is_built_again(project):
    code, output = build(project, "site")
    assert code == 0 and "built the site" in output, output
    (project / "site" / "en" / "demo" / "index.html").unlink()
    code, output = build(project, "site")
    assert code == 0 and "built the site" in output, output  # not "up to date" with a page missing
    edit(project / "docs" / "en" / "index.md", "(demo.md#first-section)", "(missing.md)")
    code, output = build(project, "site")
    assert code != 0 and not (project / "site" / ".inputs").exists(), output
    edit(project / "docs" / "en" / "index.md", "(missing.md)", "(demo.md#first-section)")  # reverted
    code, output = build(project, "site")
    assert code == 0 and "built the site" in output, output


def test_two_chapters_with_one_name_keep_their_own_records(project):
    (project / "snippets" / "extra").mkdir()
    (project / "snippets" / "extra" / "demo.py").write_text(DEMO.replace("2 + 2", "3 + 3"))
    for language in ("zh", "en"):
        (project / "docs" / language / "extra.md").write_text(
            '# Extra\n\n```python\n--8<-- "snippets/extra/demo.py:hello"\n```\n\n```python\n'
            '--8<-- "snippets/extra/demo.py:index"\n```\n'
        )
    for _ in range(2):
        code, output = run(project, "course_pipeline.regenerate")
        assert code == 0, output
    assert "fresh; nothing to run" in output
    assert (project / "docs" / "outputs" / "demo" / "cpu" / "hello.txt").read_text() == "2 + 2 = 4\n"
    assert (project / "docs" / "outputs" / "extra" / "demo" / "cpu" / "hello.txt").read_text() == "3 + 3 = 6\n"


KEPT_RECORDER = """
import os, tempfile, threading
from pathlib import Path
from course_pipeline import regenerate
from course_pipeline.project import Project

project = Project.find()
record = lambda: regenerate.recorder(project, "0", "cpu").record("snippets/demo.py", Path(tempfile.mkdtemp()) / "run")
thread = threading.Thread(target=record)  # as a save's build under mkdocs serve records
thread.start()
thread.join()
first = regenerate.recorder(project, "0", "cpu").process.pid
print(first, record(), regenerate.recorder(project, "0", "cpu").process.pid == first, flush=True)
os.kill(os.getpid(), 9)  # mkdocs serve stopped hard
"""


def test_a_warm_recorder_outlives_the_build_that_started_it_not_the_process(project):
    """mkdocs serve keeps its recorders (course_pipeline/recorder.py) between saves, though each save's build
    starts them from a thread that ends; they end with the process that started them."""
    done = subprocess.run([sys.executable, "-c", KEPT_RECORDER], cwd=project, capture_output=True, text=True)
    pid, recorded, same = (done.stdout.split() + ["", "", ""])[:3]
    assert recorded == "None" and same == "True", done.stdout + done.stderr  # by the recorder the thread started
    deadline = time.monotonic() + 30
    while alive(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(int(pid)), "the recorder kept running after the process that started it ended"
