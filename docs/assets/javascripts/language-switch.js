// The language switcher keeps the reader's place: a section has the same anchor in every language, so each
// language's link (overrides/partials/alternate.html) gets the anchor of the section being read: the address's
// #hash while its target is on screen, otherwise the last heading that went past the top of the screen.
(() => {
  const links = () => document.querySelectorAll("a.md-select__link[hreflang]");
  const headings = () => document.querySelectorAll(".md-content article :is(h2, h3, h4, h5, h6)[id]");
  const hash = () => {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch {
      return location.hash.slice(1);
    }
  };

  function place() {
    const anchor = hash();
    const target = anchor && document.getElementById(anchor);
    if (target) {
      const box = target.getBoundingClientRect();
      if (box.bottom > 0 && box.top < innerHeight) return anchor;
    }
    // the section whose heading last passed a line a little below the header
    const top = (document.querySelector(".md-header")?.offsetHeight ?? 0) + innerHeight / 5;
    let found = "";
    for (const heading of headings()) {
      if (heading.getBoundingClientRect().top > top) break;
      found = heading.id;
    }
    return found;
  }

  function update(anchor) {
    for (const link of links()) {
      link.dataset.page ??= link.getAttribute("href").split("#")[0];
      link.setAttribute("href", link.dataset.page + (anchor ? "#" + encodeURIComponent(anchor) : ""));
    }
  }

  document$.subscribe(() => update(hash()));
  addEventListener("hashchange", () => update(hash()));
  // Just before a switcher link is followed (or opened in a new tab, or copied), it gets the current section.
  for (const type of ["pointerdown", "click", "auxclick", "contextmenu", "keydown"]) {
    document.addEventListener(
      type,
      (event) => {
        if (event.target instanceof Element && event.target.closest("a.md-select__link[hreflang]")) update(place());
      },
      true,
    );
  }
})();
