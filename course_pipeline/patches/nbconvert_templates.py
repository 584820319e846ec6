"""mkdocs-jupyter makes a new nbconvert exporter, so a new Jinja environment, for every notebook: give each
environment Jinja's own cache of compiled templates, so that nbconvert's templates are compiled once."""

from course_pipeline.memos import templates

CHECKED = {"nbconvert": ("7.17.2",)}


def apply():
    """mkdocs-jupyter makes a new nbconvert exporter, so a new Jinja, for every notebook: give each Jinja's cache."""
    from nbconvert.exporters.templateexporter import TemplateExporter

    create_environment = TemplateExporter._create_environment

    def notebook_templates(self):
        environment = create_environment(self)
        environment.bytecode_cache = templates()
        return environment

    TemplateExporter._create_environment = notebook_templates
