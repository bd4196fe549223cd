/* Small behaviours shared by every page. */
(function () {
  "use strict";
  document.addEventListener("change", function (evt) {
    const el = evt.target;
    if (el.matches && el.matches("[data-autosubmit]")) el.form.requestSubmit();
  });

  document.addEventListener("click", function (evt) {
    const button = evt.target.closest("[data-copy]");
    if (!button) return;
    evt.preventDefault();
    const text = button.dataset.copy;
    const done = function () {
      button.classList.add("is-copied");
      setTimeout(function () { button.classList.remove("is-copied"); }, 1200);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {
      const area = document.createElement("textarea");
      area.value = text; area.style.position = "fixed"; area.style.opacity = "0";
      document.body.append(area); area.select();
      try { document.execCommand("copy"); done(); } finally { area.remove(); }
    }
  });

  // Presence switch in the header: an expired session answers with the login page; go there (and come back to
  // this page) instead of drawing it in the header. A refused switch shakes the buttons, which stay as they were.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    const target = evt.detail.target;
    if (!target || target.id !== "presence-slot") return;
    const url = evt.detail.xhr && evt.detail.xhr.responseURL;
    if (url && new URL(url).pathname !== new URL(evt.detail.requestConfig.path, location.href).pathname) {
      evt.detail.shouldSwap = false;
      const login = url.split("?")[0];
      window.location.href = login + "?next=" + encodeURIComponent(location.pathname + location.search);
    } else if (evt.detail.isError) {
      const form = target.querySelector(".presence-switch");
      if (form) {
        form.classList.add("is-refused");
        setTimeout(function () { form.classList.remove("is-refused"); }, 600);
      }
    }
  });

  // A form that has been answered with "saved" shows it briefly.
  document.addEventListener("htmx:afterSettle", function (evt) {
    evt.target.querySelectorAll && evt.target.querySelectorAll("[data-fade]").forEach(function (el) {
      setTimeout(function () { el.classList.add("is-faded"); }, 1500);
    });
  });
})();
