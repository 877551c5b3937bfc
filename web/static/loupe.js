/* Loupe's one hand-written script: enhancements over pages that already work without it.
 *
 * - Search by image: picking a file, dropping an image anywhere, or pasting one submits the
 *   #image-search form (htmx posts it and swaps the results in; without htmx it is a plain post).
 * - Click tracking: opening a result of a logged search reports (query_id, asset_id, position)
 *   to /api/events/click; `keepalive` lets the request outlive the page it was sent from.
 * - Keyboard: arrow keys, Home and End move focus between the cards of a result grid.
 * - Filters: the facet panel starts folded on narrow screens, so results come first.
 *
 * Everything listens on `document`, so results that htmx swaps in later work the same.
 * No inline handlers and no eval: the page's CSP allows scripts from this origin only.
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* ---- search by image ------------------------------------------------------------------- */

  function imageForm() {
    return document.getElementById("image-search");
  }

  function firstImage(files) {
    for (var i = 0; files && i < files.length; i++) {
      if (files[i].type.indexOf("image/") === 0) {
        return files[i];
      }
    }
    return null;
  }

  function searchByImage(file) {
    var form = imageForm();
    if (!form || !file) {
      return false;
    }
    var transfer = new DataTransfer();
    transfer.items.add(file);
    form.querySelector('input[type="file"]').files = transfer.files; // no change event: one submit only
    form.requestSubmit();
    return true;
  }

  function carriesFiles(event) {
    return !!event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") !== -1;
  }

  var dragDepth = 0; // dragenter/dragleave fire for every child crossed; count to know when it really left

  function endDrag() {
    dragDepth = 0;
    document.body.classList.remove("dropping");
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches('#image-search input[type="file"]') && input.files.length) {
      input.form.requestSubmit();
    }
  });

  document.addEventListener("dragenter", function (event) {
    if (imageForm() && carriesFiles(event)) {
      dragDepth += 1;
      document.body.classList.add("dropping");
    }
  });

  document.addEventListener("dragleave", function (event) {
    if (carriesFiles(event)) {
      dragDepth = Math.max(0, dragDepth - 1);
      if (dragDepth === 0) {
        endDrag();
      }
    }
  });

  document.addEventListener("dragover", function (event) {
    if (imageForm() && carriesFiles(event)) {
      event.preventDefault(); // without this the browser opens the dropped file instead
      event.dataTransfer.dropEffect = "copy";
    }
  });

  document.addEventListener("drop", function (event) {
    endDrag();
    if (imageForm() && carriesFiles(event)) {
      event.preventDefault();
      searchByImage(firstImage(event.dataTransfer.files));
    }
  });

  document.addEventListener("paste", function (event) {
    var file = firstImage(event.clipboardData && event.clipboardData.files);
    if (file && searchByImage(file)) {
      event.preventDefault();
    }
  });

  /* ---- click tracking -------------------------------------------------------------------- */

  function reportClick(link) {
    var grid = link.closest("[data-query-id]");
    if (!grid || !link.dataset.position) {
      return;
    }
    var headers = { "Content-Type": "application/json" };
    var token = csrfToken();
    if (token) {
      headers["X-CSRF-Token"] = token;
    }
    fetch("/api/events/click", {
      method: "POST",
      keepalive: true,
      credentials: "same-origin",
      headers: headers,
      body: JSON.stringify({
        query_id: grid.dataset.queryId,
        asset_id: link.dataset.assetId,
        position: Number(link.dataset.position),
      }),
    }).catch(function () {
      /* analytics must never get in the way of opening the asset */
    });
  }

  function trackedLink(event) {
    return event.target.closest ? event.target.closest("a.card-link") : null;
  }

  document.addEventListener("click", function (event) {
    var link = trackedLink(event);
    if (link) {
      reportClick(link);
    }
  });

  document.addEventListener("auxclick", function (event) {
    var link = event.button === 1 ? trackedLink(event) : null; // middle click: opened in a new tab
    if (link) {
      reportClick(link);
    }
  });

  /* ---- filters fold away on narrow screens --------------------------------------------------- */

  var narrow = window.matchMedia("(max-width: 47.99rem)");
  var filtersOpen = false; // on a phone, until the user opens them; htmx swaps keep the choice

  function fitFilters() {
    document.querySelectorAll("details.facet-panel").forEach(function (panel) {
      panel.open = !narrow.matches || filtersOpen;
    });
  }

  document.addEventListener(
    "toggle",
    function (event) {
      if (narrow.matches && event.target.matches && event.target.matches("details.facet-panel")) {
        filtersOpen = event.target.open;
      }
    },
    true // toggle does not bubble
  );
  document.addEventListener("htmx:afterSwap", fitFilters);
  narrow.addEventListener("change", fitFilters);
  fitFilters();

  /* ---- keyboard navigation in result grids ------------------------------------------------ */

  function columnsOf(cards) {
    var top = cards[0].offsetTop;
    var columns = cards.filter(function (card) {
      return card.offsetTop === top;
    }).length;
    return Math.max(columns, 1);
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var link = event.target.closest ? event.target.closest(".grid .card-link") : null;
    if (!link) {
      return;
    }
    var cards = Array.prototype.slice.call(link.closest(".grid").children);
    var index = cards.indexOf(link.closest(".card"));
    var columns = columnsOf(cards);
    var moves = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      ArrowDown: index + columns,
      ArrowUp: index - columns,
      Home: 0,
      End: cards.length - 1,
    };
    if (!Object.prototype.hasOwnProperty.call(moves, event.key)) {
      return;
    }
    event.preventDefault();
    var target = cards[moves[event.key]];
    if (target) {
      target.querySelector(".card-link").focus();
    }
  });
})();
