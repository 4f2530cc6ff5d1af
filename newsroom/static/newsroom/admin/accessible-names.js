'use strict';
// Names for screen readers where Django's admin leaves them out (axe finds these):
// the empty headings of inline tables (the first column holds each row's name and
// hidden id; the last, delete boxes where rows may be deleted), and the search boxes of autocomplete fields (select2), which are
// tied to no label.
(function () {
    function nameInlineHeadings() {
        // The other empty one heads the delete boxes' column, left empty on a
        // table whose rows may not be deleted (a live story, for a reporter).
        document.querySelectorAll('.tabular thead th:empty').forEach((heading) => {
            const name = document.createElement('span');
            name.className = 'visually-hidden';
            name.textContent = heading.classList.contains('original') ? 'Row' : 'Actions';
            heading.append(name);
        });
    }

    function nameAutocompletes() {
        document.querySelectorAll('select.admin-autocomplete').forEach((select) => {
            const label = document.querySelector(`label[for="${select.id}"]`);
            const box = select.parentElement.querySelector('.select2-selection');
            if (!label || !box) {
                return;
            }
            const name = label.textContent.replace(/:\s*$/, '').trim();
            // The combobox and the text it shows (role "textbox") both want one.
            [box, ...box.querySelectorAll('[role="textbox"]')].forEach((element) => {
                if (!element.hasAttribute('aria-label')) {
                    element.setAttribute('aria-label', name);
                }
            });
        });
    }

    nameInlineHeadings();
    // Django starts select2 at DOMContentLoaded, from a listener added before this
    // deferred file's: so ours runs after it. Again at load, in case, and for each
    // inline row added. (At load only, a test could check the page first.)
    document.addEventListener('DOMContentLoaded', nameAutocompletes);
    window.addEventListener('load', nameAutocompletes);
    document.addEventListener('formset:added', () => setTimeout(nameAutocompletes));
})();
