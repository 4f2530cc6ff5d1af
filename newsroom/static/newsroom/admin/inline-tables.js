'use strict';
// Django's inline tables leave their first heading empty (its column holds each
// row's name and hidden id): a name for screen readers, as axe asks.
document.querySelectorAll('.tabular thead th.original:empty').forEach((heading) => {
    const name = document.createElement('span');
    name.className = 'visually-hidden';
    name.textContent = 'Row';
    heading.append(name);
});
