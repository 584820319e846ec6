"""Changes to third-party internals live in course_pipeline/patches/, one module per target: each refuses a
version it was not checked against, and COURSE_PATCHES=off builds without the optional ones (.ci/run compares
the sites built with and without them byte for byte)."""

import importlib
import pkgutil

import pytest

from course_pipeline import patches

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
