"""Checks of the project as a whole that the build runs before anything else: include lines that name nothing,
links that lead out of the project."""

from course_pipeline.sections import read_sections


def links_out_of_the_project(project):
    """Symbolic links under docs/ or snippets/ that lead outside the project: the site would publish, or a page
    include, a file that is not the project's."""
    return [
        f"{project.relative(path)}: a link to {path.resolve()}, outside the project; copy the file in instead"
        for folder in (project.docs, project.snippets)
        for path in folder.rglob("*")
        if path.is_symlink() and not path.resolve().is_relative_to(project.root)
    ]


def broken_includes(project):
    """Include lines that name a snippet file or section that does not exist, with where they are."""
    broken = []
    for page in project.pages():
        for include in project.includes(page):
            where = f"{include.page}:{include.line}"
            if not (project.root / include.path).is_file():
                broken.append(f"{where}: includes {include.path}, which does not exist; fix the include line")
            elif include.name not in [section.name for section in read_sections(project.root, include.path)]:
                broken.append(
                    f"{where}: {include.path} has no section '{include.name}'; fix the include line or add the section"
                )
    return broken
