// Bulk upload: one request per file, each with its own progress bar and result,
// then how many were stored.
// Without this script the form still posts all files and the page lists the results.
"use strict";

(function () {
  const CONCURRENT = 2; // Enough to keep the line busy without starving the server.

  function init() {
    const form = document.getElementById("bulk-upload-form");
    if (!form || !window.FormData || !window.XMLHttpRequest) return;
    const input = form.querySelector('input[type="file"]');
    const zone = document.getElementById("drop-zone");
    const list = document.getElementById("upload-results");
    const heading = document.getElementById("upload-results-heading");
    const token = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
    const hint = zone.querySelector(".gallery-drop-hint");
    if (hint) hint.hidden = false;
    // Each batch ends with "2 of 3 files stored.", as the page without script says;
    // a status region, there before it speaks, so that screen readers announce it.
    const summary = document.createElement("p");
    summary.id = "upload-batch-summary";
    summary.setAttribute("role", "status");
    list.before(summary);
    let pending = 0;

    // Leaving the page drops the files not yet sent: ask first, as the change forms do.
    window.addEventListener("beforeunload", function (event) {
      if (pending) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    function text(tag, content, className) {
      const node = document.createElement(tag);
      node.textContent = content;
      if (className) node.className = className;
      return node;
    }

    function link(href, label) {
      const node = document.createElement("a");
      node.href = href;
      node.textContent = label;
      return node;
    }

    function showResult(item, result) {
      item.replaceChildren(text("strong", result.name));
      if (result.ok) {
        item.className = "upload-ok";
        item.append(": stored as ", link(result.url, result.label), ".");
        if (result.small) {
          item.append(text("span", " " + result.small, "upload-lookalike"));
        }
        if (result.lookalikes && result.lookalikes.length) {
          const note = text("span", " It looks like ", "upload-lookalike");
          result.lookalikes.forEach(function (other, i) {
            note.append(i ? ", " : "", link(other.url, other.label));
          });
          note.append(", already in the library: check it is not the same picture.");
          item.append(note);
        }
      } else {
        item.className = "upload-error";
        item.append(": " + result.error);
        if (result.existing_url) {
          item.append(" See ", link(result.existing_url, result.existing_label), ".");
        }
      }
    }

    function showFailure(item, name, message) {
      showResult(item, { name: name, ok: false, error: message });
    }

    function send(file, item, progress) {
      return new Promise(function (resolve) {
        const data = new FormData();
        data.append("csrfmiddlewaretoken", token);
        data.append("files", file, file.name);
        const request = new XMLHttpRequest();
        request.open("POST", form.action || window.location.href);
        request.setRequestHeader("Accept", "application/json");
        request.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) progress.value = event.loaded / event.total;
        });
        request.addEventListener("load", function () {
          let body = null;
          try {
            body = JSON.parse(request.responseText);
          } catch (error) {
            body = null;
          }
          let stored = false;
          if (body && body.results && body.results.length) {
            showResult(item, body.results[0]);
            stored = body.results[0].ok;
          } else if (body && body.error) {
            showFailure(item, file.name, body.error);
          } else if (request.status === 403) {
            showFailure(item, file.name, "You may not upload photos, or your session expired.");
          } else {
            showFailure(item, file.name, "The server did not accept this file (" + request.status + "). Reload the page and log in again if needed.");
          }
          resolve(stored);
        });
        request.addEventListener("error", function () {
          showFailure(item, file.name, "The upload was interrupted; check the connection and try this file again.");
          resolve(false);
        });
        request.send(data);
      });
    }

    const maxFiles = parseInt(form.dataset.maxFiles, 10) || Infinity;

    function uploadAll(files) {
      if (!files.length) return;
      heading.hidden = false;
      if (files.length > maxFiles) {
        // The page's own limit, as the form without script has it: nothing is sent.
        summary.textContent =
          "You chose " + files.length + " files; send at most " + maxFiles +
          " at a time. Nothing was uploaded.";
        return;
      }
      summary.textContent = "";
      pending += files.length;
      let stored = 0;
      const queue = Array.from(files).map(function (file) {
        const item = document.createElement("li");
        item.className = "upload-pending";
        const progress = document.createElement("progress");
        progress.max = 1;
        progress.value = 0;
        progress.setAttribute("aria-label", "Upload of " + file.name);
        item.append(text("strong", file.name), " ", progress);
        list.append(item);
        return { file: file, item: item, progress: progress };
      });
      const total = queue.length;
      function next() {
        const job = queue.shift();
        if (!job) return Promise.resolve();
        return send(job.file, job.item, job.progress).then(function (ok) {
          pending -= 1;
          if (ok) stored += 1;
          return next();
        });
      }
      const workers = [];
      for (let i = 0; i < CONCURRENT; i++) workers.push(next());
      return Promise.all(workers).then(function () {
        input.value = "";
        const files = total === 1 ? " file" : " files";
        summary.textContent = stored + " of " + total + files + " stored.";
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.files.length) {
        list.append(text("li", "Choose at least one image file.", "upload-error"));
        heading.hidden = false;
        return;
      }
      uploadAll(input.files);
    });

    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () {
        zone.classList.remove("is-dragging");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      uploadAll(event.dataTransfer.files);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
