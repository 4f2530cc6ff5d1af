'use strict';
// Leaving an admin form with edits not yet saved asks first, as Wagtail and
// WordPress do. The form is compared with how it loaded, so edits made by
// scripts (slide reordering, the photo chooser) count, and typing a field
// back to what it was does not. A form sent back with errors holds edits
// that were never saved, so it counts as changed from the start. So do words
// typed for the editors in a story's change request box. A form on its way is
// not sent again by a second press.
(function () {
    const form = document.querySelector('#content-main form[id$="_form"]');
    if (!form) {
        return;
    }
    // A story's own small form: words for the editors, not yet sent.
    const request = document.querySelector('.newsroom-request-form');
    const requestBox = request && request.querySelector('textarea');
    function requestUnsent() {
        return requestBox !== null && (request.hasAttribute('data-refused')
            || requestBox.value.trim() !== requestBox.defaultValue.trim());
    }

    function state() {
        const fields = [];
        for (const [name, value] of new FormData(form)) {
            fields.push([name, value instanceof File ? `${value.name}:${value.size}` : value]);
        }
        return JSON.stringify(fields);
    }

    const RESEND_AFTER_MS = 30000;
    let loaded = null;
    let sending = false;
    let sentAt = 0;
    let typedEarly = false;
    const rejected = document.querySelector('#content-main .errornote') !== null;
    // After the other scripts have arranged the form (slide order, inline rows):
    // theirs are listening already, this file being deferred. Not at `load`,
    // which waits for every thumbnail while the editor may already be typing.
    document.addEventListener('DOMContentLoaded', () => {
        loaded = state();
    });
    form.addEventListener('input', (event) => {
        if (loaded === null && event.isTrusted) {
            typedEarly = true;
        }
    });
    form.addEventListener('submit', (event) => {
        // "Preview changes" posts to a tab of its own: this page stays, edits unsaved.
        if (event.submitter && event.submitter.formTarget) {
            return;
        }
        // A second press (a double click, Enter again on a slow line) would post
        // the form twice: a quote or a credit made twice, or a save refused as
        // stale by the story's edit lock. The first one is on its way, unless it
        // was stopped (Esc, the browser's Stop, a dropped line), which no event
        // tells: after half a minute, as Wagtail's buttons do, a press sends again.
        if (sending && Date.now() - sentAt < RESEND_AFTER_MS) {
            event.preventDefault();
            return;
        }
        sending = true;
        sentAt = Date.now();
        // Stopped by another script, nothing was sent: the next press sends.
        setTimeout(() => {
            if (event.defaultPrevented) {
                sending = false;
            }
        });
    });
    if (request) {
        request.addEventListener('submit', () => {
            sending = true;
        });
    }
    // Back from the browser cache: a new visit, not a left one.
    window.addEventListener('pageshow', () => {
        sending = false;
    });
    window.addEventListener('beforeunload', (event) => {
        const changed = rejected || typedEarly || (loaded !== null && state() !== loaded)
            || requestUnsent();
        if (sending || !changed) {
            return;
        }
        event.preventDefault();
        event.returnValue = '';
    });
})();
