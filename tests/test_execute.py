"""The chapter runner (course_pipeline/execute.py) cannot be harmed by the chapter it runs: a section that hangs,
ends the process, breaks Python's syntax, prints what no terminal could or prints megabytes becomes an error that
names the file, the line and the fix; files land in a scratch folder; global state does not leak into the next
chapter run in the same process."""

import os

import pytest

from course_pipeline.execute import run_chapter
from course_pipeline.project import Project
from course_pipeline.sections import SnippetError


def project_with(tmp_path, monkeypatch, **chapters) -> Project:
    (tmp_path / "snippets").mkdir(parents=True)
    (tmp_path / "mkdocs.yml").write_text(
        "plugins:\n  - i18n:\n      languages:\n        - locale: en\n          default: true\n"
    )
    for name, code in chapters.items():
        (tmp_path / "snippets" / f"{name}.py").write_text(code)
    monkeypatch.setenv("COURSE_TIME_LIMIT", "1")
    monkeypatch.setenv("COURSE_OUTPUT_LIMIT_KB", "2")
    return Project(tmp_path)


def section(name, code):
    return f"# --8<-- [start:{name}]\n{code}\n# --8<-- [end:{name}]\n"


def error_of(project, chapter, **options):
    runs = run_chapter(project, f"snippets/{chapter}.py", **options)
    return runs[-1].section.name, runs[-1].error


def test_a_section_that_never_ends_is_stopped_at_the_time_limit(tmp_path, monkeypatch):
    project = project_with(
        tmp_path, monkeypatch, hang=section("setup", "x = 1") + section("spin", "while True:\n    x += 1")
    )
    name, error = error_of(project, "hang")
    assert name == "spin"
    assert "snippets/hang.py:5: section 'spin' of snippets/hang.py was still running after 1 s" in error
    assert "time_limit" in error and "COURSE_TIME_LIMIT" in error


def test_os_exit_is_an_error_not_the_end_of_the_run(tmp_path, monkeypatch):
    project = project_with(tmp_path, monkeypatch, leave=section("quit", "import os\nos._exit(0)"))
    assert "os._exit(0)" in error_of(project, "leave")[1]
    assert callable(os._exit)


def test_a_syntax_error_names_the_snippet_line(tmp_path, monkeypatch):
    code = section("fine", "# a comment\nx = 1") + section("broken", "# first a comment\ny = (1,\nprint(y)")
    project = project_with(tmp_path, monkeypatch, typo=code)
    error = error_of(project, "typo")[1]
    assert 'File "snippets/typo.py", line 7\n    y = (1,\nSyntaxError' in error, error


def test_text_no_terminal_could_print_is_an_error(tmp_path, monkeypatch):
    project = project_with(tmp_path, monkeypatch, surrogate=section("odd", "print('\\udc80')"))
    assert "cannot be written as UTF-8" in error_of(project, "surrogate")[1]


def test_an_output_over_the_limit_is_refused(tmp_path, monkeypatch):
    project = project_with(tmp_path, monkeypatch, chatty=section("log", "for i in range(1000):\n    print(i)"))
    error = error_of(project, "chatty")[1]
    assert "section 'log' prints 4 kB, over the limit of 2 kB" in error and "output_limit_kb" in error


def test_a_memory_address_is_refused_with_its_line(tmp_path, monkeypatch):
    code = "print('first')\nprint(object.__new__(object))\nprint('the flag byte at 0xFF is set')"
    project = project_with(tmp_path, monkeypatch, address=section("show", code))
    with pytest.raises(SnippetError) as raised:
        run_chapter(project, "snippets/address.py")
    assert "prints a memory address, which changes on every run: '<object object at 0x" in str(raised.value)
    short = project_with(tmp_path / "short", monkeypatch, flag=section("show", "print('the flag at 0xFF is set')"))
    assert error_of(short, "flag")[1] is None  # a short hexadecimal number is no address


def test_one_long_printed_line_is_refused_for_its_size_at_once(tmp_path, monkeypatch):
    project = project_with(tmp_path, monkeypatch, long=section("line", "print('x' * 1_000_000)"))
    error = error_of(project, "long")[1]  # not "still running after 1 s": the checks of its output take no time
    assert "prints 1000 kB, over the limit" in error


def test_what_a_section_writes_to_stderr_is_part_of_its_output(tmp_path, monkeypatch):
    code = "import sys\nprint('out')\nprint('err', file=sys.stderr)\nprint('out again')"
    project = project_with(tmp_path, monkeypatch, noisy=section("log", code))
    assert run_chapter(project, "snippets/noisy.py")[0].output == "out\nerr\nout again\n"  # as a terminal shows


def test_files_a_chapter_writes_land_in_a_scratch_folder(tmp_path, monkeypatch):
    project = project_with(
        tmp_path, monkeypatch, writer=section("write", "with open('out.txt', 'w') as out:\n    out.write('x')")
    )
    monkeypatch.chdir(tmp_path)
    assert error_of(project, "writer")[1] is None
    assert not (tmp_path / "out.txt").exists() and os.getcwd() == str(tmp_path)


def test_a_chapter_that_writes_into_the_project_fails_and_is_not_told_to_delete(tmp_path, monkeypatch):
    write = f"open({str(tmp_path / 'snippets' / 'made.txt')!r}, 'w').close()"
    project = project_with(tmp_path, monkeypatch, writer=section("write", write))
    with pytest.raises(SnippetError) as raised:
        run_chapter(project, "snippets/writer.py")
    message = str(raised.value)
    assert "snippets/writer.py changed the project: snippets/made.txt (new)" in message
    assert "another program" in message and "delete" not in message.lower()  # they may be a contributor's files


def test_a_chapter_that_changes_or_removes_a_project_file_fails(tmp_path, monkeypatch):
    (tmp_path / "LICENSE").write_text("MIT\n")
    (tmp_path / "notes.txt").write_text("mine\n")
    change = f"open({str(tmp_path / 'LICENSE')!r}, 'a').write('oops')\n" + (
        f"import os\nos.remove({str(tmp_path / 'notes.txt')!r})"
    )
    project = project_with(tmp_path, monkeypatch, writer=section("write", change))
    with pytest.raises(SnippetError) as raised:
        run_chapter(project, "snippets/writer.py")
    assert "snippets/writer.py changed the project: LICENSE (changed), notes.txt (removed)" in str(raised.value)


def test_a_chapter_that_rewrites_a_file_it_left_fails_again(tmp_path, monkeypatch):
    write = f"with open({str(tmp_path / 'snippets' / 'made.txt')!r}, 'w') as made:\n    made.write('x')"
    project = project_with(tmp_path, monkeypatch, writer=section("write", write))
    for _ in range(2):  # the file it left behind does not let a second run pass
        with pytest.raises(SnippetError) as raised:
            run_chapter(project, "snippets/writer.py")
        assert "snippets/made.txt" in str(raised.value)


def test_files_the_tools_write_are_not_the_project_s(tmp_path, monkeypatch):
    write = f"import pathlib\npathlib.Path({str(tmp_path / '.ci' / 'screenshots')!r}).mkdir(parents=True)\n" + (
        f"open({str(tmp_path / '.ci' / 'screenshots' / 'index.png')!r}, 'w').close()"
    )
    project = project_with(tmp_path, monkeypatch, writer=section("write", write))
    assert error_of(project, "writer")[1] is None  # the browser tests' screenshots, written meanwhile


def test_a_working_folder_given_is_used_and_kept(tmp_path, monkeypatch):
    project = project_with(tmp_path / "project", monkeypatch, writer=section("write", "open('out.txt', 'w').close()"))
    given = tmp_path / "scratch"
    given.mkdir()
    assert error_of(project, "writer", scratch=str(given))[1] is None
    assert (given / "out.txt").exists()  # its owner (recorder.py) removes it, even after a crash


def test_global_state_does_not_leak_into_the_next_chapter(tmp_path, monkeypatch):
    leak = section(
        "leak",
        "import numpy as np\nimport warnings\nnp.set_printoptions(precision=2)\n"
        "warnings.simplefilter('error')\nimport os\nos.environ['LEAKED'] = '1'",
    )
    show = section("show", "import numpy as np\nimport os\nprint(np.array([1 / 3]), os.environ.get('LEAKED'))")
    project = project_with(tmp_path, monkeypatch, leak=leak, show=show)
    assert error_of(project, "leak")[1] is None
    runs = run_chapter(project, "snippets/show.py")
    assert runs[0].output == "[0.33333333] None\n"


@pytest.mark.parametrize(
    "torch_setting", ["torch.set_default_dtype(torch.float64)", "_ = torch.set_grad_enabled(False)"]
)
def test_torch_settings_do_not_leak_either(tmp_path, monkeypatch, torch_setting):
    project = project_with(
        tmp_path,
        monkeypatch,
        leak=section("leak", f"import torch\n{torch_setting}"),
        show=section("show", "import torch\nprint(torch.ones(1).dtype, torch.is_grad_enabled())"),
    )
    monkeypatch.setenv("COURSE_TIME_LIMIT", "120")  # importing torch the first time takes a while
    project = Project(project.root)
    run_chapter(project, "snippets/leak.py")
    shown = run_chapter(project, "snippets/show.py")[0]
    assert (shown.output, shown.error) == ("torch.float32 True\n", None), shown.error
