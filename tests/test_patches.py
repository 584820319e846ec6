"""Changes to third-party internals live in course_pipeline/patches/, one module per target: each refuses a
version it was not checked against, and COURSE_PATCHES=off builds without the optional ones (.ci/run compares
the sites built with and without them byte for byte)."""

import importlib
import os
import pkgutil

import pytest

from course_pipeline import patches
from course_pipeline.patches import mkdocs_jupyter_cache

MODULES = [
    importlib.import_module(f"course_pipeline.patches.{module.name}")
    for module in pkgutil.iter_modules(patches.__path__)
]


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__.rsplit(".", 1)[1])
def test_every_patch_says_why_and_what_it_was_checked_against(module):
    assert module.__doc__ and len(module.__doc__) > 80, f"{module.__name__} needs a docstring saying why it exists"
    assert module.CHECKED, f"{module.__name__}: CHECKED names the package versions it was checked against"
    patches.check(module)  # the versions installed here are among them


def test_an_unchecked_version_is_refused_with_what_to_do(monkeypatch):
    module = importlib.import_module("course_pipeline.patches.mkdocs_pages")
    monkeypatch.setattr(patches.metadata, "version", lambda package: "99.0")
    with pytest.raises(
        patches.PatchError,
        match=r"mkdocs_pages changes internals of mkdocs .* but 99.0 is installed"
        r".*COURSE_PATCHES=off",
    ):
        patches.check(module)


def test_the_switch_turns_the_optional_patches_off(monkeypatch):
    monkeypatch.setenv(patches.SWITCH, "off")
    assert not patches.enabled()
    monkeypatch.setenv(patches.SWITCH, "on")
    assert patches.enabled()
    assert set(patches.BUILD_PATCHES) | {"mkdocs_notebook_pages", "pytest_markdown_docs"} == {
        module.__name__.rsplit(".", 1)[1] for module in MODULES
    }, "every patch module is listed in patches/__init__.py"


def test_notebooks_are_rendered_ahead_only_when_there_are_enough_to_pay_for_a_process(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    per_process = mkdocs_jupyter_cache.NOTEBOOKS_PER_PROCESS
    assert mkdocs_jupyter_cache.processes_for(2) == 0  # an edited chapter's notebooks, one per language
    assert mkdocs_jupyter_cache.processes_for(per_process) == 1
    assert mkdocs_jupyter_cache.processes_for(34) == 2  # a first build: one process per core
