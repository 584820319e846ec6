// The theme wraps each code block's copy button in a <nav>, which makes every block a navigation landmark with
// no name: screen readers list dozens of them. A copy button is not navigation: its <nav> gets role="none"
// (the button keeps its own name, the theme's translated title), as the theme adds them.
(() => {
  const NAV = "nav.md-code__nav:not([role])";
  const fix = (element) => element.setAttribute("role", "none");
  document.querySelectorAll(NAV).forEach(fix);
  new MutationObserver((changes) => {
    for (const change of changes)
      for (const node of change.addedNodes)
        if (node instanceof Element) (node.matches(NAV) ? [node] : node.querySelectorAll(NAV)).forEach(fix);
  }).observe(document.body, { childList: true, subtree: true });
})();
