'use strict';
// Slides inline: reorder by dragging the handle, or with the "Move up" /
// "Move down" buttons (keyboard). Either way the position fields are
// rewritten 1, 2, 3… in the order shown, and so are the numbers in the
// slides' headings; the server normalises the positions again.
// A chosen photo shows its thumbnail and credit without saving first.
(function () {
    function rows(group) {
        return Array.from(group.querySelectorAll('.inline-related')).filter(
            (row) => !row.classList.contains('empty-form') && !row.id.endsWith('-empty')
        );
    }

    function renumber(group) {
        rows(group).forEach((row, index) => {
            const input = row.querySelector('input[name$="-position"]');
            if (input) {
                input.value = index + 1;
            }
            // A saved slide is headed "<headline> — slide 2", a new one "#2"
            // (Django's numbering): both by the order they had, until now.
            const label = row.querySelector('h3 .inline_label')?.firstChild;
            if (label && label.nodeType === Node.TEXT_NODE) {
                label.nodeValue = label.nodeValue.replace(
                    /(— slide |#)\d+(\s*)$/,
                    (all, before, after) => before + (index + 1) + after
                );
            }
        });
    }

    function position(row) {
        const value = parseInt(row.querySelector('input[name$="-position"]')?.value, 10);
        return Number.isNaN(value) ? Infinity : value;
    }

    function showPostedOrder(group) {
        // A refused save comes back with the rows in their saved order but the
        // positions as posted: shown in that order, the next move keeps it.
        const all = rows(group);
        const posted = [...all].sort((a, b) => position(a) - position(b));
        if (posted.every((row, index) => row === all[index])) {
            return;
        }
        const parent = all[0].parentNode;
        const after = all[all.length - 1].nextSibling; // null: the rows end their parent.
        posted.forEach((row) => parent.insertBefore(row, after));
        renumber(group);
    }

    function slideName(row) {
        // What the editor sees of this slide: its photo, else its first words.
        const photo = row.querySelector('select[name$="-photo"]');
        const narrative = row.querySelector('textarea[name$="-narrative"]');
        const name = (photo?.selectedOptions[0]?.text || narrative?.value || '').trim();
        return name.length > 40 ? `${name.slice(0, 40)}…` : name;
    }

    function announceMove(group, row) {
        const all = rows(group);
        const name = slideName(row);
        const where = `moved to position ${all.indexOf(row) + 1} of ${all.length}.`;
        announce(group, name ? `Slide “${name}” ${where}` : `New slide ${where}`);
    }

    function announce(group, text) {
        const status = group.querySelector('.newsroom-order-status');
        if (status) {
            // The same words again ("already first", pressed twice) are not read out
            // unless the region changes: an invisible space at the end changes it.
            status.textContent = status.textContent === text ? `${text}\u00a0` : text;
        }
    }

    function move(group, row, delta) {
        const all = rows(group);
        const index = all.indexOf(row);
        const target = all[index + delta];
        if (!target) {
            // Said, or the last move's words would stand as if this one had done it.
            const name = slideName(row);
            const end = delta < 0 ? 'first' : 'last';
            announce(group, `${name ? `Slide “${name}”` : 'This new slide'} is already ${end}.`);
            return;
        }
        if (delta < 0) {
            target.before(row);
        } else {
            target.after(row);
        }
        renumber(group);
        announceMove(group, row);
    }

    function button(arrow, text, describedBy, onClick) {
        // Named by its visible words, so that "click Move up" finds it by voice too;
        // which slide it moves is its description (the slide's heading).
        const el = document.createElement('button');
        el.type = 'button';
        el.className = 'newsroom-move';
        el.setAttribute('aria-describedby', describedBy);
        const glyph = document.createElement('span');
        glyph.setAttribute('aria-hidden', 'true');
        glyph.textContent = `${arrow} `;
        el.append(glyph, text);
        el.addEventListener('click', onClick);
        return el;
    }

    function enhance(group, row) {
        // A read-only form (a live story, for a reporter) has no order to change.
        if (row.dataset.sortable || !row.querySelector('input[name$="-position"]')) {
            return;
        }
        row.dataset.sortable = '1';
        // Nine "Move up" buttons and nine "Delete" boxes: each says whose it is.
        const kind = row.querySelector('h3 > b');
        const label = row.querySelector('h3 .inline_label');
        kind.id = `${row.id}-kind`;
        label.id = `${row.id}-label`;
        const heading = `${kind.id} ${label.id}`;
        row.querySelector('input[name$="-DELETE"]')?.setAttribute('aria-describedby', heading);
        const bar = document.createElement('div');
        bar.className = 'newsroom-sort-bar';
        const handle = document.createElement('span');
        handle.className = 'newsroom-handle';
        handle.textContent = '⠿ Drag to reorder';
        handle.title = 'Drag to reorder, or use the buttons';
        bar.append(
            handle,
            button('↑', 'Move up', heading, (event) => {
                move(group, row, -1);
                event.currentTarget.focus();
            }),
            button('↓', 'Move down', heading, (event) => {
                move(group, row, 1);
                event.currentTarget.focus();
            })
        );
        row.prepend(bar);
        // Only the handle drags, so text in the fields stays selectable.
        handle.draggable = true;
        handle.addEventListener('dragstart', (event) => {
            group.dataset.dragging = row.id;
            event.dataTransfer.effectAllowed = 'move';
            event.dataTransfer.setData('text/plain', row.id);
            event.dataTransfer.setDragImage(row, 20, 20);
            row.classList.add('newsroom-dragging');
        });
        handle.addEventListener('dragend', () => {
            row.classList.remove('newsroom-dragging');
            delete group.dataset.dragging;
        });
        row.addEventListener('dragover', (event) => {
            if (group.dataset.dragging) {
                event.preventDefault();
            }
        });
        row.addEventListener('drop', (event) => {
            const dragged = document.getElementById(group.dataset.dragging || '');
            if (!dragged || dragged === row) {
                return;
            }
            event.preventDefault();
            const box = row.getBoundingClientRect();
            if (event.clientY < box.top + box.height / 2) {
                row.before(dragged);
            } else {
                row.after(dragged);
            }
            renumber(group);
            announceMove(group, dragged);
        });
        const select = row.querySelector('select[name$="-photo"]');
        if (select && window.django && window.django.jQuery) {
            // Django's RelatedObjectLookups.js fires "change" on every related select
            // as the page loads: only another photo than the one shown (the one the
            // row came with, at first) needs its preview, and a request.
            let shown = select.querySelector('option[selected]')?.value || '';
            // Select2 (the autocomplete) reports changes through jQuery only.
            window.django.jQuery(select).on('change', () => {
                if (select.value !== shown) {
                    shown = select.value;
                    showPhoto(group, row, select.value);
                }
            });
        }
    }

    function showPhoto(group, row, pk) {
        const box = row.querySelector('.field-photo_preview .readonly');
        if (!box || !pk || !group.dataset.thumbnailUrl) {
            return;
        }
        fetch(group.dataset.thumbnailUrl.replace('/0/', `/${pk}/`), {credentials: 'same-origin'})
            .then((response) => response.json())
            .then((data) => {
                box.textContent = '';
                if (data.thumbnail) {
                    const img = document.createElement('img');
                    img.src = data.thumbnail;
                    img.alt = '';
                    img.width = 120;
                    img.className = 'newsroom-thumb';
                    box.append(img, ' ');
                }
                box.append(`Photo Credit: ${data.credit || 'none yet'} (save to edit the photo)`);
            })
            .catch(() => {});
    }

    function init() {
        const group = document.getElementById('slides-group');
        if (!group) {
            return;
        }
        const desk = document.getElementById('newsroom-desk');
        group.dataset.thumbnailUrl = desk ? desk.dataset.thumbnailUrl : '';
        const status = document.createElement('p');
        status.className = 'newsroom-order-status';
        status.setAttribute('role', 'status');
        group.querySelector('fieldset, .module')?.prepend(status);
        showPostedOrder(group);
        rows(group).forEach((row) => enhance(group, row));
        document.addEventListener('formset:added', (event) => {
            if (event.detail && event.detail.formsetName === 'slides') {
                enhance(group, event.target);
                renumber(group);
            }
        });
        document.addEventListener('formset:removed', (event) => {
            if (event.detail && event.detail.formsetName === 'slides') {
                renumber(group);
            }
        });
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
})();
