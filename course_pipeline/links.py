"""Check the links of a built site: every internal link, image, script and stylesheet must resolve, and every
#anchor must exist on its target page. External links are only listed here; `--external` checks them too
(that needs the internet, so it is not part of the offline tests).

    .venv/bin/python -m course_pipeline.links SITE_DIR [--external]
"""

import argparse
import contextlib
import functools
import http.server
import sys
import threading
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from course_pipeline.project import Project

ATTRIBUTES = {"a": "href", "img": "src", "script": "src", "link": "href", "source": "src", "iframe": "src"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.ids.update(attrs[name] for name in ("id", "name") if attrs.get(name))
        target = attrs.get(ATTRIBUTES.get(tag, ""))
        if target and not (tag == "link" and attrs.get("rel") in ("canonical", "alternate")):
            self.links.append((tag, target))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def source_of(project: Project | None, site: Path, html: Path) -> str:
    """The page a built file came from, for messages: en/tensors/index.html -> docs/en/tensors.md"""
    url = html.parent.relative_to(site).as_posix() + "/"
    found = project.page_of_url("" if url == "./" else url) if project else None
    return found or str(html.relative_to(site))


def check_site(site: Path, project: Project | None = None) -> tuple[list[str], set[str]]:
    """(problems, external links) of the built site in `site`. Links into the project's site_url (the published
    site, as the notebooks and the 404 page use) are internal."""
    site_url = project.site_url if project else ""
    site, base = site.resolve(), urlsplit(site_url).path or "/"
    parsed, problems, external = {}, [], set()

    def page(path):
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    for html in sorted(site.rglob("*.html")):
        url = "/" + html.relative_to(site).as_posix()
        for tag, target in page(html).links:
            if site_url and target.startswith(site_url):
                target = "/" + target[len(site_url) :]
            elif target.startswith(base) and base != "/":
                target = "/" + target[len(base) :]
            parts = urlsplit(target)
            if parts.scheme in ("http", "https"):
                external.add(target)
                continue
            if parts.scheme or target.startswith("//"):
                continue  # mailto:, javascript:, data: ...
            resolved = urlsplit(urljoin(url, target))
            path = site / unquote(resolved.path).lstrip("/")
            if path.is_dir():
                path = path / "index.html"
            where = f"{html.relative_to(site)} (from {source_of(project, site, html)})"
            if not path.resolve().is_relative_to(site) or not path.exists():
                problems.append(
                    f"{where}: <{tag}> points to {target}, which is not in the site; fix the link "
                    f"in the page, or the file it points to"
                )
            elif resolved.fragment and path.suffix == ".html" and unquote(resolved.fragment) not in page(path).ids:
                problems.append(
                    f"{where}: <{tag}> points to {target}, but {path.relative_to(site)} has no "
                    f"#{unquote(resolved.fragment)}; fix the anchor or the heading it names"
                )
    return problems, external


@contextlib.contextmanager
def serve(site: Path):
    """Serve a built site on 127.0.0.1 (a free port) while the block runs; yields its address."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()


# The browser of the tests and the benchmark: Debian's headless shell of Chromium (.ci/setup installs it), the
# same engine as the full browser at a sixth less work per page.
CHROMIUM = Path("/usr/bin/chromium-headless-shell")


def launch_chromium(driver):
    """Start it with Playwright's `driver` (sync_playwright()); the error says how to install it if it is not."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"no Chromium at {CHROMIUM}: install it with `bash .ci/setup` (Debian's {CHROMIUM.name})"
        )
    return driver.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )


def check_external(links: set[str]) -> list[str]:
    problems = []
    for link in sorted(links):
        request = urllib.request.Request(link, method="HEAD", headers={"User-Agent": "link-check"})
        try:
            urllib.request.urlopen(request, timeout=15)
        except Exception as error:
            problems.append(f"{link}: {error}")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a built site (mkdocs build --site-dir ...)")
    parser.add_argument("--external", action="store_true", help="also fetch every external link")
    args = parser.parse_args(argv)
    problems, external = check_site(args.site, Project.find())
    print(f"{len(external)} external links:", *sorted(external), sep="\n  ")
    if args.external:
        problems += check_external(external)
    print(*problems, sep="\n", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
