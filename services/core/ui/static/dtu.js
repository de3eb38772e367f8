// A little plain JavaScript shared by the DTU UIs (no build step, no CDN).
"use strict";
const dtu = {
  // Live updates: EventSource on `url`, one handler per event name.
  stream(url, handlers) {
    const source = new EventSource(url);
    for (const [name, handler] of Object.entries(handlers)) {
      source.addEventListener(name, (event) => handler(JSON.parse(event.data)));
    }
    return source;
  },
  escape(text) {
    const div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  },
};
// <input data-filter="#list li">: hide the items that do not contain the typed text.
document.addEventListener("input", (event) => {
  const selector = event.target.dataset && event.target.dataset.filter;
  if (!selector) return;
  const needle = event.target.value.toLowerCase();
  for (const item of document.querySelectorAll(selector)) {
    item.hidden = needle !== "" && !item.textContent.toLowerCase().includes(needle);
  }
});
// <form data-confirm="Really?">: ask before submitting.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
// <dialog> openers: <button data-open="#dialog-id">.
document.addEventListener("click", (event) => {
  const opener = event.target.closest && event.target.closest("[data-open]");
  if (opener) document.querySelector(opener.dataset.open).showModal();
  const closer = event.target.closest && event.target.closest("[data-close]");
  if (closer) closer.closest("dialog").close();
});
