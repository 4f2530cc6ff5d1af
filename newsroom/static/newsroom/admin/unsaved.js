'use strict';
// Leaving an admin form with edits not yet saved asks first, as Wagtail and
// WordPress do. The form is compared with how it loaded, so edits made by
// scripts (slide reordering, the photo chooser) count, and typing a field
// back to what it was does not. A form sent back with errors holds edits
// that were never saved, so it counts as changed from the start.
(function () {
    const form = document.querySelector('#content-main form[id$="_form"]');
    if (!form) {
        return;
    }

    function state() {
        const fields = [];
        for (const [name, value] of new FormData(form)) {
            fields.push([name, value instanceof File ? `${value.name}:${value.size}` : value]);
        }
        return JSON.stringify(fields);
    }

    let loaded = null;
    let sending = false;
    const rejected = document.querySelector('#content-main .errornote') !== null;
    // After other scripts have arranged the form (slide order, inline rows).
    window.addEventListener('load', () => {
        loaded = state();
    });
    form.addEventListener('submit', () => {
        sending = true;
    });
    // Back from the browser cache: a new visit, not a left one.
    window.addEventListener('pageshow', () => {
        sending = false;
    });
    window.addEventListener('beforeunload', (event) => {
        if (sending || loaded === null || (!rejected && state() === loaded)) {
            return;
        }
        event.preventDefault();
        event.returnValue = '';
    });
})();
