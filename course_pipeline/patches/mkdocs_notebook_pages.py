"""Notebooks are pages, rendered by mkdocs-jupyter. mkdocs-static-i18n rebuilds every File as a plain one, which
turns .ipynb pages back into static files (its issue #198); adding .ipynb to mkdocs' list of page extensions
survives that. Unlike the build's other patches this one is needed for a correct site, so COURSE_PATCHES=off
does not remove it."""

CHECKED = {"mkdocs": ("1.6.1",), "mkdocs-static-i18n": ("1.3.1",)}


def apply():
    import mkdocs.utils

    if ".ipynb" not in mkdocs.utils.markdown_extensions:
        mkdocs.utils.markdown_extensions = (*mkdocs.utils.markdown_extensions, ".ipynb")
