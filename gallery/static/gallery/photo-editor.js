// Redaction editor on the photo change form: drag on the picture to add a row to
// the Redactions table, click to set the focal point. The table stays the source of
// truth (and the keyboard alternative); the boxes only mirror it.
"use strict";

(function () {
  const MIN_DRAG = 4; // Screen pixels; anything smaller is a click, not a region.

  function init() {
    const editor = document.getElementById("photo-editor");
    if (!editor) return;
    const canvas = editor.querySelector(".gallery-editor-canvas");
    const image = canvas.querySelector("img");
    const marker = canvas.querySelector(".gallery-focal");
    const photoWidth = Number(editor.dataset.photoWidth);
    const photoHeight = Number(editor.dataset.photoHeight);
    const group = document.getElementById("redactions-group");
    const focalX = document.getElementById("id_focal_x");
    const focalY = document.getElementById("id_focal_y");
    let drag = null;

    function scale() {
      return image.clientWidth / photoWidth;
    }

    function mode() {
      const checked = editor.querySelector('input[name="_editor_mode"]:checked');
      return checked ? checked.value : "redact";
    }

    function rows() {
      if (!group) return [];
      return Array.from(group.querySelectorAll("tr.form-row")).filter(function (row) {
        return !row.id.endsWith("-empty");
      });
    }

    function field(row, name) {
      return row.querySelector('[name$="-' + name + '"]');
    }

    function place(box, x, y, width, height) {
      const s = scale();
      box.style.left = x * s + "px";
      box.style.top = y * s + "px";
      box.style.width = width * s + "px";
      box.style.height = height * s + "px";
    }

    function render() {
      canvas.querySelectorAll(".gallery-region:not(.is-drawing)").forEach(function (box) {
        box.remove();
      });
      rows().forEach(function (row, index) {
        const values = ["x", "y", "width", "height"].map(function (name) {
          const input = field(row, name);
          return input ? Number(input.value) : NaN;
        });
        if (values.some(isNaN) || !values[2] || !values[3]) return;
        const box = document.createElement("span");
        box.className = "gallery-region";
        const deleted = field(row, "DELETE");
        if (deleted && deleted.checked) box.classList.add("is-deleted");
        const label = document.createElement("span");
        label.className = "gallery-region-label";
        label.textContent = String(index + 1);
        box.append(label);
        place(box, values[0], values[1], values[2], values[3]);
        canvas.append(box);
      });
      const hasFocal = focalX && focalY && focalX.value !== "" && focalY.value !== "";
      marker.hidden = !hasFocal;
      if (hasFocal) {
        marker.style.left = Number(focalX.value) * scale() + "px";
        marker.style.top = Number(focalY.value) * scale() + "px";
      }
    }

    function pointInPhoto(event) {
      const rect = image.getBoundingClientRect();
      const s = scale();
      return {
        x: Math.min(Math.max((event.clientX - rect.left) / s, 0), photoWidth),
        y: Math.min(Math.max((event.clientY - rect.top) / s, 0), photoHeight),
      };
    }

    function addRow(x, y, width, height) {
      const link = group && group.querySelector(".add-row a");
      if (!link) return;
      link.click(); // The admin's own "Add another" builds the row and its prefix.
      const all = rows();
      const row = all[all.length - 1];
      const values = { x: x, y: y, width: width, height: height };
      Object.keys(values).forEach(function (name) {
        const input = field(row, name);
        if (input) input.value = String(Math.round(values[name]));
      });
      const first = field(row, "method");
      if (first) first.focus();
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      event.preventDefault();
      const start = pointInPhoto(event);
      if (mode() === "focal") {
        if (focalX && focalY) {
          focalX.value = String(Math.round(Math.min(start.x, photoWidth - 1)));
          focalY.value = String(Math.round(Math.min(start.y, photoHeight - 1)));
        }
        render();
        return;
      }
      const box = document.createElement("span");
      box.className = "gallery-region is-drawing";
      canvas.append(box);
      drag = { start: start, box: box, screenX: event.clientX, screenY: event.clientY };
      canvas.setPointerCapture(event.pointerId);
    });

    canvas.addEventListener("pointermove", function (event) {
      if (!drag) return;
      const end = pointInPhoto(event);
      place(
        drag.box,
        Math.min(drag.start.x, end.x),
        Math.min(drag.start.y, end.y),
        Math.abs(end.x - drag.start.x),
        Math.abs(end.y - drag.start.y)
      );
    });

    canvas.addEventListener("pointerup", function (event) {
      if (!drag) return;
      const end = pointInPhoto(event);
      drag.box.remove();
      const moved =
        Math.abs(event.clientX - drag.screenX) >= MIN_DRAG &&
        Math.abs(event.clientY - drag.screenY) >= MIN_DRAG;
      const start = drag.start;
      drag = null;
      if (moved) {
        const x = Math.floor(Math.min(start.x, end.x));
        const y = Math.floor(Math.min(start.y, end.y));
        const right = Math.ceil(Math.max(start.x, end.x));
        const bottom = Math.ceil(Math.max(start.y, end.y));
        addRow(x, y, Math.max(right - x, 1), Math.max(bottom - y, 1));
      }
      render();
    });

    canvas.addEventListener("pointercancel", function () {
      if (drag) drag.box.remove();
      drag = null;
    });

    document.addEventListener("input", render);
    document.addEventListener("change", render);
    document.addEventListener("click", function (event) {
      // Removing a new row happens through the admin's own delete link.
      if (event.target.closest && event.target.closest(".inline-deletelink")) {
        window.setTimeout(render, 0);
      }
    });
    window.addEventListener("resize", render);
    if (image.complete) render();
    image.addEventListener("load", render);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
