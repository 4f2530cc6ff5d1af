'use strict';
// Photo autocompletes list each photo with its thumbnail (the admin's select2
// renders results as text unless told otherwise; this sets its default).
(function ($) {
  if (!$ || !$.fn || !$.fn.select2) {
    return;
  }
  function withThumbnail(item) {
    if (!item.thumbnail) {
      return item.text;
    }
    const choice = document.createElement('span');
    choice.className = 'photo-choice';
    const image = document.createElement('img');
    image.src = item.thumbnail;
    image.alt = '';
    image.loading = 'lazy';
    choice.append(image, document.createTextNode(item.text));
    return $(choice);
  }
  $.fn.select2.defaults.set('templateResult', withThumbnail);
})(window.django && window.django.jQuery);
