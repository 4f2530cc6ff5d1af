// The photo list's action bar: the credit box and the withdrawal's confirmation
// show beside the action they belong to, not beside every action. Without this
// script both show, and each action reads only its own.
"use strict";

(function () {
  const OWN_FIELDS = { give_credit: "credit", withdraw_public_files: "confirm_withdrawal" };

  function init() {
    const action = document.querySelector('.actions select[name="action"]');
    if (!action) return;
    const labels = {};
    for (const name of Object.values(OWN_FIELDS)) {
      const field = document.querySelector(`.actions [name="${name}"]`);
      labels[name] = field && field.closest("label");
    }
    function show() {
      const wanted = OWN_FIELDS[action.value];
      for (const [name, label] of Object.entries(labels)) {
        if (label) label.hidden = name !== wanted;
      }
    }
    action.addEventListener("change", show);
    show();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
