"""Checks of the project as a whole that the build and the regenerate command run before anything else: pages
without a twin, pages whose code fences cannot be read, include lines that name nothing, links that lead out of
the project."""

from course_pipeline.sections import did_you_mean, read_sections


def problems(project) -> list[str]:
    """Everything that stops a build or a recording before it starts, each with the file and line where it is."""
    unreadable = [str(error) for error in map(project.page_error, project.pages()) if error]
    return links_out_of_the_project(project) + missing_twins(project) + unreadable + broken_includes(project)


def missing_twins(project, pages=None) -> list[str]:
    """Pages (all, or those given) without a twin in some language: the site would show that language the other
    one's page."""
    return [
        f"{page} has no {language.code} twin: create {project.twin(page, language)} with the same code blocks (a "
        f"page and its translation move together)"
        for page in (project.pages() if pages is None else pages)
        for language in project.languages
        if not (project.root / project.twin(page, language)).exists()
    ]


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
        if project.page_error(page):
            continue  # problems() names it
        for include in project.includes(page):
            where = f"{include.page}:{include.line}"
            if not (project.root / include.path).is_file():
                broken.append(f"{where}: includes {include.path}, which does not exist; fix the include line")
            elif include.name not in (names := [section.name for section in read_sections(project.root, include.path)]):
                broken.append(
                    f"{where}: {include.path} has no section '{include.name}'{did_you_mean(include.name, names)}; fix "
                    f"the include line or add the section"
                )
    return broken
