'use strict';
// The reviewer's preview link: shown as the whole address a reviewer needs,
// with a button that copies it. Where the browser allows no clipboard (plain
// http on another host), the address is selected for the editor to copy.
document.addEventListener('DOMContentLoaded', () => {
    document.querySelectorAll('.newsroom-share-link').forEach((link) => {
        const button = link.parentElement.querySelector('.newsroom-copy');
        const status = link.parentElement.querySelector('.newsroom-copy-status');
        link.textContent = link.href;
        if (!button) {
            return;
        }
        button.hidden = false;
        button.addEventListener('click', async () => {
            try {
                await navigator.clipboard.writeText(link.href);
                status.textContent = 'Link copied.';
            } catch {
                const range = document.createRange();
                range.selectNodeContents(link);
                window.getSelection().removeAllRanges();
                window.getSelection().addRange(range);
                status.textContent = 'Link selected: press Ctrl+C (⌘C on a Mac) to copy it.';
            }
        });
    });
});
