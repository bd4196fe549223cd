/* The board's drag and drop: a drop POSTs the move; a refusal puts the card back and says why. */
(function () {
  "use strict";
  const board = document.getElementById("board");
  if (!board || typeof Sortable === "undefined") return;
  const errorBox = document.getElementById("board-error");
  const messages = document.getElementById("board-messages").dataset;
  const lostDialog = document.getElementById("lost-dialog");

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function moveUrl(dealId) {
    return board.dataset.moveUrl.replace("/0/", "/" + dealId + "/");
  }

  function columnOf(el) { return el.closest(".board-column"); }

  function bumpCount(column, delta) {
    const count = column.querySelector(".board-count");
    count.textContent = String(Math.max(0, parseInt(count.textContent, 10) + delta));
  }

  function putBack(evt) {
    const anchor = evt.from.children[evt.oldIndex] || null;
    evt.from.insertBefore(evt.item, anchor);
  }

  function hideError() { errorBox.hidden = true; errorBox.replaceChildren(); }

  function showError(data, dealId) {
    errorBox.replaceChildren();
    const close = document.createElement("button");
    close.type = "button";
    close.className = "board-error__close";
    close.setAttribute("aria-label", messages.close);
    close.textContent = "×";
    close.addEventListener("click", hideError);
    errorBox.append(close);
    const title = document.createElement("div");
    title.className = "board-error__title";
    title.textContent = data.detail || messages.network;
    errorBox.append(title);
    if (data.missing && data.missing.length) {
      const list = document.createElement("ul");
      list.className = "board-error__missing";
      data.missing.forEach(function (m) {
        const li = document.createElement("li");
        li.dataset.field = m.field;
        li.textContent = m.label;
        list.append(li);
      });
      errorBox.append(list);
      const link = document.createElement("a");
      link.href = board.dataset.moveUrl.replace("/0/move", "/" + dealId + "/");
      link.textContent = messages.open;
      errorBox.append(link);
    }
    errorBox.hidden = false;
  }

  function askLostReason() {
    return new Promise(function (resolve) {
      if (!lostDialog) { resolve(null); return; }
      lostDialog.addEventListener("close", function onClose() {
        lostDialog.removeEventListener("close", onClose);
        const select = lostDialog.querySelector("select[name=lost_reason]");
        resolve(lostDialog.returnValue === "ok" && select.value ? select.value : null);
      });
      lostDialog.returnValue = "";
      lostDialog.showModal();
    });
  }

  async function onEnd(evt) {
    if (evt.from === evt.to) return;
    const card = evt.item;
    const dealId = card.dataset.dealId;
    const fromColumn = columnOf(evt.from);
    const toColumn = columnOf(evt.to);
    const body = new FormData();
    body.append("stage", toColumn.dataset.stageId);
    if (toColumn.dataset.stageKind === "lost") {
      const reason = await askLostReason();
      if (!reason) { putBack(evt); return; }
      body.append("lost_reason", reason);
    }
    hideError();
    card.classList.add("is-saving");
    let response, data;
    try {
      response = await fetch(moveUrl(dealId), {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      });
      data = await response.json();
    } catch (e) {
      data = { ok: false, detail: messages.network };
    }
    card.classList.remove("is-saving");
    if (!response || !response.ok || !data.ok) {
      putBack(evt);
      showError(data, dealId);
      return;
    }
    bumpCount(fromColumn, -1);
    bumpCount(toColumn, +1);
    if (data.card) {
      const fresh = document.createRange().createContextualFragment(data.card).firstElementChild;
      if (fresh) { card.replaceWith(fresh); if (window.htmx) window.htmx.process(fresh); }
    }
  }

  function init(root) {
    (root || document).querySelectorAll(".board-cards").forEach(function (container) {
      if (container.dataset.sortable) return;
      container.dataset.sortable = "1";
      Sortable.create(container, {
        group: "deals", sort: false, animation: 150, draggable: ".deal-card",
        ghostClass: "is-ghost", chosenClass: "is-chosen", forceFallback: false, onEnd: onEnd,
      });
    });
  }

  init(document);
  document.body.addEventListener("htmx:afterSettle", function () { init(document); });
})();
