"""pytest-markdown-docs runs each fence with a "runner"; its API to register one is private (`_runners`).
The test plugin (course_pipeline/pytest_plugin.py) registers a runner that runs each fence's sections as part of
its whole chapter and compares what they show with the records."""

import sys

CHECKED = {"pytest-markdown-docs": ("0.9.2",)}


def runner_api():
    """(the runner base class, the decorator that registers a runner)"""
    from course_pipeline.patches import check

    check(sys.modules[__name__])
    from pytest_markdown_docs._runners import _Runner, register_runner

    return _Runner, register_runner
