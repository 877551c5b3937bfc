/* The upload page's enhancement: one request per file, each with a progress bar and a cancel button.
 *
 * Loaded by pages/upload.html only (loupe.js runs on every page; this is the one page that takes
 * dropped files for itself instead of searching by them). Without it the form posts all files at
 * once and the page lists the outcomes. With it, files are sent one after another to the same
 * URL with `HX-Request`, and the server answers with that file's outcome line (the same partial
 * the page uses), placed under the file's progress bar. No inline handlers and no eval (CSP).
 */
(function () {
  "use strict";

  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) {
    return;
  }
  var input = document.getElementById("upload-files");
  var queue = form.querySelector("[data-upload-queue]");
  var zone = form.querySelector("[data-dropzone]");
  var pending = [];
  var current = null;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function carriesFiles(event) {
    return !!event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") !== -1;
  }

  /* Capturing on window runs before loupe.js's listeners on document: here a dropped file is an upload,
     not a search by image, so those never see the drag. */
  ["dragenter", "dragover", "dragleave", "drop"].forEach(function (type) {
    window.addEventListener(
      type,
      function (event) {
        if (!carriesFiles(event)) {
          return;
        }
        event.stopPropagation();
        event.preventDefault();
        if (type === "dragenter" || type === "dragover") {
          event.dataTransfer.dropEffect = "copy";
          zone.classList.add("dropping-here");
        } else {
          zone.classList.remove("dropping-here");
        }
        if (type === "drop") {
          input.files = event.dataTransfer.files;
        }
      },
      true
    );
  });

  function row(file) {
    var item = document.createElement("li");
    item.className = "upload-item";
    var name = document.createElement("span");
    name.className = "upload-name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload progress of " + file.name);
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "upload-cancel";
    cancel.textContent = "Cancel";
    var result = document.createElement("div");
    result.className = "upload-result";
    result.setAttribute("aria-live", "polite");
    item.append(name, bar, cancel, result);
    return { file: file, item: item, bar: bar, cancel: cancel, result: result, xhr: null };
  }

  function finish(entry, text) {
    entry.cancel.remove();
    if (text !== null) {
      entry.result.textContent = text;
    }
    entry.item.classList.add("done");
    current = null;
    next();
  }

  function cancel(entry) {
    if (entry.xhr) {
      entry.xhr.abort(); // the server never receives the whole file, so nothing of it is stored
    } else {
      pending.splice(pending.indexOf(entry), 1);
      entry.cancel.remove();
      entry.result.textContent = "Cancelled";
      entry.item.classList.add("done");
    }
  }

  function send(entry) {
    var body = new FormData(form);
    body.delete("files");
    body.append("files", entry.file, entry.file.name);
    var xhr = new XMLHttpRequest();
    entry.xhr = xhr;
    current = entry;
    xhr.open("POST", form.action);
    xhr.setRequestHeader("HX-Request", "true");
    var token = csrfToken();
    if (token) {
      xhr.setRequestHeader("X-CSRF-Token", token);
    }
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        entry.bar.value = Math.round((100 * event.loaded) / event.total);
      }
    });
    xhr.addEventListener("load", function () {
      entry.bar.value = 100;
      entry.result.innerHTML = xhr.responseText; // the server's escaped partial, as htmx would swap it
      finish(entry, null);
    });
    xhr.addEventListener("abort", function () {
      finish(entry, "Cancelled");
    });
    xhr.addEventListener("error", function () {
      finish(entry, "Failed: the connection was lost");
    });
    xhr.send(body);
  }

  function next() {
    if (current === null && pending.length) {
      send(pending.shift());
    }
  }

  form.addEventListener("submit", function (event) {
    if (!input.files.length) {
      return; // the browser says the field is required
    }
    event.preventDefault();
    Array.prototype.forEach.call(input.files, function (file) {
      var entry = row(file);
      entry.cancel.addEventListener("click", function () {
        cancel(entry);
      });
      queue.append(entry.item);
      pending.push(entry);
    });
    input.value = "";
    next();
  });
})();
