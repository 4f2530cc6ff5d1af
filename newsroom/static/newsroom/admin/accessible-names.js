'use strict';
// Names for screen readers where Django's admin leaves them out (axe finds these):
// the empty headings of inline tables (the first column holds each row's name and
// hidden id; the last, delete boxes where rows may be deleted), and the autocomplete
// fields (select2), which are tied to no label.
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

    function withoutColon(text) {
        return text.replace(/:\s*$/, '').trim();
    }

    function rowName(select) {
        // In a stacked inline, "Photo" alone would not say which of nine: add the
        // row's kind and its number in the order shown ("Photo, slide 3").
        const row = select.closest('[data-inline-type="stacked"] .inline-related');
        const kind = row?.querySelector('h3 > b');
        if (!kind) {
            return '';
        }
        const rows = Array.from(row.parentElement.children).filter(
            (other) => other.matches('.inline-related:not(.empty-form)')
        );
        return `, ${withoutColon(kind.textContent).toLowerCase()} ${rows.indexOf(row) + 1}`;
    }

    function choice(select) {
        // The chosen value, to be read as the combobox's description: select2's own
        // text of it starts with its clear button's "×", and browsers differ on
        // what a described-by select reads. Kept up to date on each choice.
        const id = `${select.id || select.name}-choice`;
        let text = document.getElementById(id);
        if (!text) {
            text = document.createElement('span');
            text.id = id;
            text.hidden = true;
            select.parentElement.append(text);
            // Select2 reports changes through jQuery only.
            window.django.jQuery(select).on('change', () => choice(select));
        }
        text.textContent = select.selectedOptions[0]?.text || '';
        return text.id;
    }

    function nameAutocompletes() {
        document.querySelectorAll('select.admin-autocomplete').forEach((select) => {
            // The list's action bar wraps its fields in their labels, without ids.
            const label = (select.id && document.querySelector(`label[for="${select.id}"]`))
                || select.closest('label');
            const box = select.parentElement.querySelector('.select2-selection');
            if (!label || !box) {
                return;
            }
            // A wrapping label's own words, not the options of the select inside it.
            const words = Array.from(label.childNodes)
                .filter((node) => node.nodeType === Node.TEXT_NODE)
                .map((node) => node.textContent)
                .join('');
            const name = withoutColon(words) + rowName(select);
            // The combobox and the text it shows (role "textbox") both want one.
            [box, ...box.querySelectorAll('[role="textbox"]')].forEach((element) => {
                element.setAttribute('aria-label', name);
            });
            // The list it opens, which a combobox must name (aria-controls), and the
            // search box in it, which has no label of its own: opened, they are named.
            const rendered = box.querySelector('.select2-selection__rendered');
            if (rendered && rendered.id) {
                box.setAttribute('aria-controls', rendered.id.replace(/-container$/, '-results'));
            }
            // Read when opened: a slide moved since is named by its new number.
            select.dataset.searchName = `Search: ${name}`;
            if (!select.dataset.namedOnOpen) {
                select.dataset.namedOnOpen = '1';
                window.django.jQuery(select).on('select2:open', () => {
                    // Select2 hangs the open list at the end of the page, outside every
                    // landmark: into the page's main part, where screen readers find it.
                    const list = document.querySelector('body > .select2-container--open');
                    const main = document.querySelector('main');
                    if (list && main && getComputedStyle(main).position === 'static') {
                        main.append(list);
                    }
                    const search = document.querySelector(
                        '.select2-container--open .select2-search__field'
                    );
                    search?.setAttribute('aria-label', select.dataset.searchName);
                });
            }
            // Select2 names the combobox by the value it shows (aria-labelledby, which
            // wins over aria-label): the value and the help become its description.
            box.removeAttribute('aria-labelledby');
            const help = select.getAttribute('aria-describedby');
            box.setAttribute('aria-describedby', [choice(select), help].filter(Boolean).join(' '));
        });
    }

    nameInlineHeadings();
    // Django starts select2 when jQuery finds the page ready, which may come after
    // the window's load event: ours, queued behind it (that script comes before this
    // deferred one), runs after it. Again for each inline row added.
    if (window.django && window.django.jQuery) {
        window.django.jQuery(nameAutocompletes);
    }
    document.addEventListener('formset:added', () => setTimeout(nameAutocompletes));
    // Rows moved (slides.js), added or removed: their numbers change.
    const renamer = new MutationObserver(nameAutocompletes);
    document.querySelectorAll('[data-inline-type="stacked"]').forEach((group) => {
        const parent = group.querySelector('.inline-related')?.parentElement;
        if (parent) {
            renamer.observe(parent, {childList: true});
        }
    });

    // "Add another …" from the keyboard: the admin puts the new row above the link and
    // leaves the focus on the link, the row's fields behind it. Into its first field.
    document.addEventListener('formset:added', (event) => {
        if (!document.activeElement?.closest('.add-row')) {
            return; // Added by a script (a box drawn on the photo), which places the focus.
        }
        const first = event.target.querySelector(
            'input:not([type="hidden"]):not([disabled]), select:not(.select2-hidden-accessible), ' +
            'textarea, .select2-selection'
        );
        first?.focus();
    });
})();
