'use strict';
// Names for screen readers where Django's admin leaves them out (axe finds these):
// the empty first heading of inline tables (its column holds each row's name and
// hidden id), and the search boxes of autocomplete fields (select2), which are
// tied to no label.
(function () {
    function nameInlineHeadings() {
        document.querySelectorAll('.tabular thead th.original:empty').forEach((heading) => {
            const name = document.createElement('span');
            name.className = 'visually-hidden';
            name.textContent = 'Row';
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
    // select2 starts at jQuery's ready, after this deferred file, and again for
    // each inline row added.
    window.addEventListener('load', nameAutocompletes);
    document.addEventListener('formset:added', () => setTimeout(nameAutocompletes));
})();
