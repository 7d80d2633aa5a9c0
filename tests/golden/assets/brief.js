// Brief: small enhancements. Every page works without this file.
(function () {
  "use strict";
  var root = document.documentElement;
  // Escape dismisses a citation preview shown on hover or focus (WCAG 1.4.13);
  // open popovers close on Escape by themselves.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      root.classList.add("js-dismissed");
    }
  });
  function restore() {
    root.classList.remove("js-dismissed");
  }
  document.addEventListener("focusin", restore);
  document.addEventListener("pointerover", function (event) {
    if (event.target && event.target.closest && !event.target.closest(".cite-item")) {
      restore();
    }
  });
})();
