"""The project, read once from mkdocs.yml: languages, URLs, twins, notebooks and chapters, for any set of
languages."""

import pytest

from course_pipeline.project import Project, ProjectError

CONFIG = """\
site_url: https://example.org/course
markdown_extensions:
  - toc:
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds: {case: lower}
plugins:
  - search
  - i18n:
      languages:
        - locale: fr
          name: Français
        - locale: de
          default: true
          name: Deutsch
extra:
  repository: https://github.com/someone/course
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(CONFIG)
    for code in ("de", "fr"):
        (tmp_path / "docs" / code).mkdir(parents=True)
        (tmp_path / "docs" / code / "index.md").write_text("# Home\n")
        (tmp_path / "docs" / code / "demo.md").write_text('# Demo\n\n```python\n--8<-- "snippets/demo.py:hi"\n```\n')
    return Project(tmp_path)


def test_languages_urls_and_twins(project):
    assert [(language.code, language.default, language.url_prefix) for language in project.languages] == [
        ("fr", False, "fr/"),
        ("de", True, ""),
    ]
    assert project.site_url == "https://example.org/course/"
    assert project.page_url("docs/de/index.md") == "" and project.page_url("docs/fr/demo.md") == "fr/demo/"
    assert project.published_url("docs/fr/demo.md", "#x") == "https://example.org/course/fr/demo/#x"
    assert project.twin("docs/de/demo.md", project.language("fr")) == "docs/fr/demo.md"
    assert project.page_of_url("fr/demo/") == "docs/fr/demo.md"
    assert project.page_of_url("fr/notebooks/demo/") == "docs/fr/notebooks/demo.ipynb"


def test_chapters_and_where_their_files_go(project):
    assert project.chapters() == ["snippets/demo.py"]
    assert project.chapter_pages() == ["docs/de/demo.md", "docs/fr/demo.md"]
    assert project.notebook_path("docs/fr/demo.md") == project.root / "docs/fr/notebooks/demo.ipynb"
    assert project.notebook_url("docs/fr/demo.md") == "fr/notebooks/demo/"
    assert project.record_dir("snippets/demo.py", "cpu") == project.root / "docs/outputs/demo/cpu"
    assert project.colab_url("docs/de/demo.md") == (
        "https://colab.research.google.com/github/someone/course/blob/main/docs/de/notebooks/demo.ipynb"
    )


def test_a_project_is_found_from_a_folder_inside_it(project):
    assert Project.find(project.root / "docs" / "fr").root == project.root


def test_a_config_without_languages_says_what_is_missing(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    with pytest.raises(ProjectError, match="i18n plugin"):
        Project(tmp_path)
