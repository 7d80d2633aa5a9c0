// Brief: small enhancements. Every page works without this file.
(function () {
  "use strict";
  // Following the link in a citation preview closes the preview, so that it does not stay open
  // over the source entry in browsers that show previews in the middle of the screen. The link
  // gives up focus first, or closing the preview would move focus (and the view) back to the badge.
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest && event.target.closest(".preview-link");
    var preview = link && link.closest("[popover]");
    if (preview && preview.hidePopover && preview.matches(":popover-open")) {
      link.blur();
      preview.hidePopover();
    }
  });
  // A preview closes when the keyboard moves on from its badge (other than into the preview):
  // left open, it could cover the badge that has the focus next (WCAG 2.4.11).
  document.addEventListener("focusout", function (event) {
    var item = event.target && event.target.closest && event.target.closest(".cite-item");
    var preview = item && item.querySelector(".preview");
    if (!preview || !preview.hidePopover || !preview.matches(":popover-open")) return;
    if (event.relatedTarget && item.contains(event.relatedTarget)) return;
    preview.hidePopover();
  });
  // Code blocks and tables are tab stops so that a keyboard can scroll them sideways (they
  // are written with tabindex="0"); one that fits its column has nothing to scroll, so it
  // leaves the tab order until the window narrows.
  var pending = false;
  function fitTabStops() {
    pending = false;
    var blocks = document.querySelectorAll(".briefing-body pre[tabindex], .briefing-body table[tabindex]");
    for (var i = 0; i < blocks.length; i++) {
      blocks[i].setAttribute("tabindex", blocks[i].scrollWidth > blocks[i].clientWidth ? "0" : "-1");
    }
  }
  fitTabStops();
  window.addEventListener("resize", function () {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(fitTabStops);
    }
  });
})();
