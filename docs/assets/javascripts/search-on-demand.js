// The search index (over half a megabyte for the Chinese pages) is fetched when a reader turns to search, not with
// every page. The theme (mkdocs-material 9.8) asks for search/search_index.json with an XMLHttpRequest as it
// starts; this script, loaded before the theme's (overrides/main.html), holds that request back until the reader
// opens or focuses the search box or presses a key (the theme's search keys are among them). Meanwhile the theme
// says "Initializing search". Should a later theme fetch the index otherwise, it is simply fetched at once again
// (tests/test_browser.py checks that a page loads no index, tests/test_search.py that search works).
(() => {
  let release;
  const wanted = new Promise((resolve) => (release = resolve));
  const isSearch = (event) => event.target instanceof Element && event.target.closest(".md-search, [for='__search']");
  document.addEventListener("focusin", (event) => isSearch(event) && release(), true);
  document.addEventListener("pointerdown", (event) => isSearch(event) && release(), true);
  document.addEventListener("keydown", () => release(), true);

  const held = new WeakSet();
  const { open, send } = XMLHttpRequest.prototype;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (/\/search\/search_index\.json$/.test(String(url))) held.add(this);
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...body) {
    if (!held.has(this)) return send.apply(this, body);
    wanted.then(() => send.apply(this, body));
  };
})();
