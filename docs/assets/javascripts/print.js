// A printed page shows the folded answers: every closed <details> opens just before printing and closes again
// after it. The print styles (extra.css) show them too where no beforeprint event comes (a PDF made headless).
(() => {
  let opened = [];
  addEventListener("beforeprint", () => {
    opened = [...document.querySelectorAll("details:not([open])")];
    for (const details of opened) details.open = true;
  });
  addEventListener("afterprint", () => {
    for (const details of opened) details.open = false;
    opened = [];
  });
})();
