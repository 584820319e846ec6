"""Every change this project makes to a third-party package's internals, one module per target. Each module
says why it is there (its docstring), which versions of its package it was checked against (CHECKED), and
applies itself with apply(). A version not in CHECKED is refused with a message that says what to do.

The build's patches only make rebuilds faster (memos of pure steps) or keep a cache warm: with
COURSE_PATCHES=off the site builds without any of them, and CI compares the two sites byte for byte. Two are
needed, and are applied either way: notebooks as pages (mkdocs_notebook_pages.py) for the site, and the test
plugin's runner (pytest_markdown_docs.py) for the tests.
"""

import importlib
import os
from importlib import metadata

SWITCH = "COURSE_PATCHES"
BUILD_PATCHES = ("mkdocs_pages", "material_search", "pymdownx_highlight", "nbconvert_templates", "mkdocs_jupyter_cache")


class PatchError(Exception):
    pass


def check(module) -> None:
    """Refuse to patch a version of the target package that this patch was not checked against."""
    for package, checked in module.CHECKED.items():
        installed = metadata.version(package)
        if installed not in checked:
            raise PatchError(
                f"{module.__name__} changes internals of {package} and was checked against {', '.join(checked)}, "
                f"but {installed} is installed. Check that the patch still does what its docstring says (build "
                f"with and without it: {SWITCH}=off, and compare), then add {installed} to its CHECKED; or build "
                f"with {SWITCH}=off"
            )


def enabled() -> bool:
    return os.environ.get(SWITCH, "on").lower() != "off"


_applied: set[str] = set()


def apply_build_patches() -> None:
    """Apply the build's patches once per process: the optional ones unless switched off."""
    for name in ("mkdocs_notebook_pages", *(BUILD_PATCHES if enabled() else ())):
        if name not in _applied:
            module = importlib.import_module(f"{__name__}.{name}")
            check(module)
            module.apply()
            _applied.add(name)
