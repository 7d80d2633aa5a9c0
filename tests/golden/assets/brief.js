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
})();
