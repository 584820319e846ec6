// Search results: a word the result has is not shown as missing.
//
// The theme's search (mkdocs-material 9.8.1) cuts a Chinese query into words of the index ("反向传播" into
// "反向" and "传播") and then reads back every word but the last with a wildcard left on ("反向*"), which no word
// of a result starts with: each result then says "缺少: 反向*" under a text where 反向 is marked. Where a result
// shows a word as missing that its title or text has, this takes the mark away, and adds the word to the words
// the result's page highlights (its link's `h`). The index's side: course_pipeline/search_index.py.
(() => {
  const list = document.querySelector(".md-search-result__list");
  if (!list) return;

  const plain = (text) => text.replace(/[\u200b\u200c]/g, "").toLowerCase();

  const fix = (article) => {
    const terms = article.querySelector(".md-search-result__terms");
    if (!terms) return;
    const text = plain(
      [...article.children]
        .filter((element) => element !== terms)
        .map((element) => element.textContent)
        .join(" "),
    );
    const link = article.closest("a");
    const found = [];
    for (const missing of [...terms.querySelectorAll("del")]) {
      const word = plain(missing.textContent).replace(/\*+$/, "");
      if (!word) continue;
      if (!text.includes(word)) {
        missing.textContent = word; // without the wildcard
        continue;
      }
      found.push(word);
      const space = missing.nextSibling;
      if (space && space.nodeType === Node.TEXT_NODE && !space.textContent.trim()) space.remove();
      missing.remove();
    }
    if (!terms.querySelector("del")) terms.remove();
    if (link && found.length) {
      const url = new URL(link.href);
      const words = (url.searchParams.get("h") || "").split(" ").filter(Boolean);
      url.searchParams.set("h", [...new Set([...words, ...found])].join(" "));
      link.href = url.href;
    }
  };

  new MutationObserver((records) => {
    for (const record of records)
      for (const node of record.addedNodes)
        if (node.nodeType === Node.ELEMENT_NODE)
          for (const article of node.matches("article") ? [node] : node.querySelectorAll("article")) fix(article);
  }).observe(list, { childList: true, subtree: true });
})();
