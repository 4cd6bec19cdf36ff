/* The large-text and high-contrast reading mode (适老化), switched by the header's button.
 *
 * The mode is the attribute data-bp-reading="large" on <html>; budget.css does the rest.
 * The choice is kept in localStorage, read again by the inline script in main.html's
 * head before the next page is drawn. Storage may be refused (private modes, some
 * file:// pages): the button then still works on the page it is pressed on.
 */
(function () {
  "use strict";

  var KEY = "bp-reading"; // also read by main.html
  var LARGE = "large";
  var root = document.documentElement;

  function saved() {
    try {
      return localStorage.getItem(KEY) === LARGE;
    } catch (error) {
      return root.getAttribute("data-bp-reading") === LARGE;
    }
  }

  function save(on) {
    try {
      if (on) localStorage.setItem(KEY, LARGE);
      else localStorage.removeItem(KEY);
    } catch (error) {}
  }

  function show(on) {
    if (on) root.setAttribute("data-bp-reading", LARGE);
    else root.removeAttribute("data-bp-reading");
    document.querySelectorAll(".bp-reading-toggle").forEach(function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  // Delegated, so that a header Material replaces (instant navigation) still answers.
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".bp-reading-toggle")) return;
    var on = root.getAttribute("data-bp-reading") !== LARGE;
    save(on);
    show(on);
  });

  // Another tab, or this page restored by the Back button, may have a newer choice.
  window.addEventListener("storage", function (event) {
    if (event.key === KEY || event.key === null) show(saved());
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) show(saved());
  });

  show(root.getAttribute("data-bp-reading") === LARGE);
})();
