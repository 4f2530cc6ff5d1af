// Turns the story's vertical narrative into a slideshow; without this file it stays readable.
(function () {
  "use strict";
  window.newsroomStory = true; // Here: the page keeps its scripted layout (csp.JS_FLAG).

  // Sensitive photos: the picture waits, inert, in a <template> until the reader asks.
  document.querySelectorAll(".sensitive").forEach(function (box) {
    var button = box.querySelector("button.reveal");
    button.hidden = false;
    button.addEventListener("click", function () {
      var frame = box.parentNode;
      frame.replaceChild(box.querySelector("template").content.cloneNode(true), box);
      var notes = document.getElementById(button.dataset.notes);
      if (notes) notes.hidden = false;
      var img = frame.querySelector("img");
      if (img) {
        img.tabIndex = -1;
        img.focus();
      }
    });
  });

  function typing(event) {
    var t = event.target;
    return event.altKey || event.ctrlKey || event.metaKey || event.shiftKey ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable;
  }

  // A swipe is one finger on an unzoomed page; pinching or panning a zoomed photo is
  // not. `act(1)` on a swipe to the left (onwards), `act(-1)` to the right.
  function onSwipe(element, act) {
    var startX = null;
    var startY = null;
    element.addEventListener("touchstart", function (event) {
      var one = event.touches.length === 1;
      startX = one ? event.touches[0].clientX : null;
      startY = one ? event.touches[0].clientY : null;
    }, { passive: true });
    element.addEventListener("touchend", function (event) {
      var zoomed = window.visualViewport && visualViewport.scale > 1.01;
      if (startX === null || zoomed) return;
      var dx = event.changedTouches[0].clientX - startX;
      var dy = event.changedTouches[0].clientY - startY;
      startX = null;
      if (Math.abs(dx) > 50 && Math.abs(dx) > 2 * Math.abs(dy)) act(dx < 0 ? 1 : -1);
    }, { passive: true });
  }

  // A single slide page: arrow keys and swipes follow its previous/next links (a
  // phone lands here by reloading the slideshow's address mid-story).
  var single = document.querySelector(".single-slide");
  if (single) {
    var follow = function (rel) {
      var link = single.querySelector('a[rel="' + rel + '"]');
      if (link) location.href = link.href;
    };
    document.addEventListener("keydown", function (event) {
      var rel = { ArrowLeft: "prev", ArrowRight: "next" }[event.key];
      if (rel && !typing(event)) follow(rel);
    });
    onSwipe(single, function (step) {
      follow(step > 0 ? "next" : "prev");
    });
    // Back or Forward may land on an address the slideshow pushed before a reload;
    // this page cannot show another photo, so load the page that address names.
    // Chrome treats that step as within this page, and it can happen before this
    // deferred script runs: so compare with the address this page was loaded from.
    var loaded = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    var path = loaded ? new URL(loaded.name).pathname : location.pathname;
    var reloadIfMoved = function () {
      if (location.pathname !== path) location.reload();
    };
    window.addEventListener("popstate", reloadIfMoved);
    reloadIfMoved();
    return;
  }

  var story = document.querySelector("[data-story]");
  var bar = story && story.querySelector(".slideshow-bar");
  if (!bar) return;
  var slides = Array.prototype.slice.call(story.querySelectorAll(".slide"));
  var prev = bar.querySelector(".prev");
  var next = bar.querySelector(".next");
  var mode = bar.querySelector(".mode");
  var live = story.querySelector("[data-live]");
  var headline = story.getAttribute("data-title");
  var title = document.querySelector("title");
  var titleLang = title && title.getAttribute("lang");
  var base = story.getAttribute("data-story");
  var current = 1;
  var reduced = window.matchMedia("(prefers-reduced-motion: reduce)");

  // The photo an address names: its own (/stories/slug/3/), or a fragment on any of
  // the story's addresses: #slide-3 (previews) or one of its notes, #note-3-1. null
  // for another fragment on the story's own address (#corrections): no photo named,
  // so a preview showing photo 9 does not go back to photo 1.
  function numberFromAddress() {
    var fragment = location.hash.match(/^#(?:slide-(\d+)|note-(\d+)-\d+)$/);
    var path = location.pathname.slice(base.length).match(/^(\d+)\/$/);
    if (!fragment && !path && location.hash.length > 1) return null;
    var found = fragment ? fragment[1] || fragment[2] : path && path[1];
    var n = found ? parseInt(found, 10) : 1;
    return n >= 1 && n <= slides.length ? n : 1;
  }

  function show(n, how) {
    // Focus inside the photo being hidden would fall back to the page.
    var leaving = slides[current - 1];
    // Never on a scroll: the focus stays where the reader left it, even off screen.
    var refocus = how === "pop" ||
      (how !== "scroll" && n !== current && leaving.contains(document.activeElement));
    current = n;
    slides.forEach(function (slide, i) {
      slide.classList.toggle("current", i === n - 1);
    });
    story.classList.toggle("at-end", n === slides.length);
    bar.querySelector(".current").textContent = n;
    var label = "Photo " + n + " of " + slides.length;
    document.title = n === 1 ? headline : headline + ": " + label.toLowerCase();
    // The headline alone is in the story's language; with the site's words after it,
    // it is not, as the photo pages' own titles are not.
    if (titleLang) {
      if (n === 1) title.setAttribute("lang", titleLang);
      else title.removeAttribute("lang");
    }
    // aria-disabled, not disabled: a disabled button would drop the focus, and a
    // reader pressing Enter on Next through the story would be moved to Previous
    // at the last photo, and sent back.
    prev.setAttribute("aria-disabled", n === 1);
    next.setAttribute("aria-disabled", n === slides.length);
    if (refocus) {
      // In one page, the heading may be far off: go there with the focus.
      var onePage = story.classList.contains("one-page");
      slides[n - 1].querySelector("h2").focus({ preventScroll: !onePage });
    }
    // Scrolling in one page announces nothing: the reader is reading, not asking.
    if (how && how !== "scroll") live.textContent = label;
    preload(n + 1);
    // The buttons stay in sight, and so does the photo they brought: on a short
    // window (a zoomed page) it may show only a sliver, as if Next did nothing.
    if (how && !story.classList.contains("one-page") &&
        (bar.getBoundingClientRect().top < 0 || mostlyHidden(slides[n - 1]))) {
      bar.scrollIntoView({ behavior: reduced.matches ? "auto" : "smooth" });
    }
  }

  // Less than a third of the photo, or of the window it could fill, is on screen.
  function mostlyHidden(slide) {
    var box = (slide.querySelector(".frame") || slide).getBoundingClientRect();
    var shown = Math.min(box.bottom, window.innerHeight) - Math.max(box.top, 0);
    return shown < Math.min(box.height, window.innerHeight) / 3;
  }

  // Only the next photo is fetched ahead of time; the rest wait until shown.
  function preload(n) {
    var img = slides[n - 1] && slides[n - 1].querySelector('img[loading="lazy"]');
    if (!img) return;
    // Once the photo in view has come: on a slow phone line the two would share it,
    // and the one being looked at would arrive seconds later. (A photo behind its
    // warning waits in a <template>, where no img is found: nothing to wait for.)
    var shown = slides[n - 2] && slides[n - 2].querySelector("img");
    if (shown && !shown.complete) {
      var fetchNext = function () {
        img.loading = "eager";
      };
      shown.addEventListener("load", fetchNext, { once: true });
      shown.addEventListener("error", fetchNext, { once: true });
      return;
    }
    img.loading = "eager";
  }

  function go(n) {
    if (n < 1 || n > slides.length || n === current) return;
    // The first photo is the story itself: its address is the story's.
    history.pushState({ slide: n }, "", address(n, false));
    story.classList.add("moved");
    show(n, "push");
  }

  // In one page, the photo being read is the current one: the last whose top has
  // passed just below the buttons' bar, or at the foot of the page the last whose top
  // is on screen (a short last photo never reaches the line). The address names it as
  // a fragment of the story's own (a reload stays in one page, at it), and the
  // slideshow comes back at it. Replaced, not pushed: Back leaves the story rather
  // than replaying a scroll.
  var following = false;
  // Only the reader's own scrolling moves it. A scroll the page makes (to a linked
  // photo, to the photo chosen when switching modes, on Back) lands where it was
  // asked to, even where a short window or the page's end stops it short.
  var readerScrolled = false;
  ["wheel", "touchmove", "keydown", "mousedown"].forEach(function (type) {
    window.addEventListener(type, function () { readerScrolled = true; }, { passive: true });
  });

  function photoBeingRead() {
    var foot = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
    var line = foot ? window.innerHeight - 1 : Math.max(bar.getBoundingClientRect().bottom, 0) + 16;
    var low = 0;
    var high = slides.length - 1;
    var found = 0;
    while (low <= high) { // Slides are in page order: halve, not measure them all.
      var middle = (low + high) >> 1;
      if (slides[middle].getBoundingClientRect().top <= line) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found + 1;
  }

  function address(n, onePage) {
    if (n === 1) return base;
    return onePage ? base + "#slide-" + n : slides[n - 1].getAttribute("data-url");
  }

  function followReader() {
    following = false;
    if (!readerScrolled || !story.classList.contains("one-page")) return;
    var n = photoBeingRead();
    if (n === current) return;
    show(n, "scroll");
    // A link's own place (the corrections) keeps its address while it is in sight.
    var named = !/^#slide-/.test(location.hash) && location.hash.length > 1 &&
      document.getElementById(location.hash.slice(1));
    var box = named && named.getBoundingClientRect();
    if (box && box.bottom > 0 && box.top < window.innerHeight) return;
    history.replaceState({ slide: n }, "", address(n, true));
  }

  window.addEventListener("scroll", function () {
    if (following || !readerScrolled) return;
    following = true;
    requestAnimationFrame(followReader);
  }, { passive: true });

  function setOnePage(onePage, scroll) {
    story.classList.toggle("one-page", onePage);
    mode.textContent = onePage ? "View as slideshow" : "View as one page";
    readerScrolled = false;
    if (onePage && scroll) {
      slides[current - 1].scrollIntoView({ behavior: reduced.matches ? "auto" : "smooth" });
    }
    // Each mode's own address for the photo: /stories/slug/3/ would reload as that
    // photo's page alone, out of one page.
    if (scroll) history.replaceState({ slide: current }, "", address(current, onePage));
    // Back to the slideshow from far down the page: its buttons, and the photo, in sight.
    if (!onePage && scroll && bar.getBoundingClientRect().top < 0) bar.scrollIntoView();
    try {
      sessionStorage.setItem("onePage", onePage ? "1" : "");
    } catch (e) {
      /* Private mode: the choice just is not remembered. */
    }
  }

  prev.addEventListener("click", function () { go(current - 1); });
  next.addEventListener("click", function () { go(current + 1); });
  mode.addEventListener("click", function () {
    var onePage = !story.classList.contains("one-page");
    setOnePage(onePage, true);
    // The page scrolls to the photo, away from this button: the focus goes with it,
    // not left on a button off the screen.
    if (onePage) slides[current - 1].querySelector("h2").focus({ preventScroll: true });
  });

  document.addEventListener("keydown", function (event) {
    if (story.classList.contains("one-page") || typing(event)) return;
    if (event.key === "ArrowLeft") go(current - 1);
    else if (event.key === "ArrowRight") go(current + 1);
    else return;
    event.preventDefault();
  });

  onSwipe(story, function (step) {
    if (!story.classList.contains("one-page")) go(current + step);
  });

  // Back and Forward show the photo their entry names (in one page, scrolled to): the
  // browser's own restoring of an old position, per entry, would undo that, and in one
  // page take the top of the story for the photo being read.
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";
  window.addEventListener("popstate", function () {
    readerScrolled = false;
    var n = numberFromAddress();
    if (n === null) return;
    if (n !== current) show(n, "pop");
    // A photo's slideshow address (/stories/slug/3/) would reload as its page alone.
    if (story.classList.contains("one-page")) {
      history.replaceState({ slide: n }, "", address(n, true));
    }
  });
  // A link to a photo on this page: the browser scrolled past the buttons to it.
  // In one page there is nothing to keep in sight but the photo itself.
  function barInSight() {
    if (!/^#slide-/.test(location.hash)) return;
    if (story.classList.contains("one-page")) slides[current - 1].scrollIntoView();
    else if (bar.getBoundingClientRect().top < 0) bar.scrollIntoView();
  }
  window.addEventListener("hashchange", barInSight);

  history.replaceState({ slide: numberFromAddress() || 1 }, "");
  show(numberFromAddress() || 1, null);
  // The browser looked for the fragment while its photo was hidden, and looks again
  // until the page has loaded. A note is what its link is for; a photo is seen with
  // the slideshow's buttons above it.
  var target = location.hash.length > 1 && document.getElementById(location.hash.slice(1));
  if (target && slides[current - 1].contains(target)) {
    window.addEventListener("load", function () {
      // A sensitive photo's notes wait behind its warning: the link leads there.
      var shown = target.closest("[hidden]") ? slides[current - 1] : target;
      if (/^#note-/.test(location.hash)) shown.scrollIntoView();
      else barInSight();
    });
  }
  try {
    if (sessionStorage.getItem("onePage")) setOnePage(true, false);
  } catch (e) {
    /* As above. */
  }
})();
