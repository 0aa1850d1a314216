/* Reading aids of the public pages (适老化, GB/T 37668-2019): a three-step font size and a
   high-contrast mode, remembered in localStorage. The inline script in base.html applies the
   saved choice before the first paint; this file wires the buttons. Every page works
   without it: it only adds these aids and the print button. */
(function () {
  "use strict";

  var root = document.documentElement;
  var SIZES = ["normal", "large", "xlarge"];
  var SIZE_KEY = "portal-font-size";
  var CONTRAST_KEY = "portal-contrast";

  function save(key, value) {
    try {
      if (value === null) {
        localStorage.removeItem(key);
      } else {
        localStorage.setItem(key, value);
      }
    } catch (e) {
      /* Private mode or storage disabled: the choice lasts for this page only. */
    }
  }

  function currentSize() {
    var size = root.getAttribute("data-font-size");
    return SIZES.indexOf(size) >= 0 ? size : "normal";
  }

  function sync() {
    var size = currentSize();
    var high = root.getAttribute("data-contrast") === "high";
    Array.prototype.forEach.call(document.querySelectorAll("[data-font-size-set]"), function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-font-size-set") === size));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-contrast-toggle]"), function (button) {
      button.setAttribute("aria-pressed", String(high));
    });
  }

  function setSize(size) {
    if (SIZES.indexOf(size) < 0 || size === "normal") {
      root.removeAttribute("data-font-size");
      save(SIZE_KEY, null);
    } else {
      root.setAttribute("data-font-size", size);
      save(SIZE_KEY, size);
    }
    sync();
  }

  function toggleContrast() {
    if (root.getAttribute("data-contrast") === "high") {
      root.removeAttribute("data-contrast");
      save(CONTRAST_KEY, null);
    } else {
      root.setAttribute("data-contrast", "high");
      save(CONTRAST_KEY, "high");
    }
    sync();
  }

  function init() {
    /* A stored value from an older version may be anything: keep only the known steps. */
    if (root.hasAttribute("data-font-size") && SIZES.indexOf(root.getAttribute("data-font-size")) < 0) {
      setSize("normal");
    }
    document.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("button") : null;
      if (!target) return;
      if (target.hasAttribute("data-font-size-set")) {
        setSize(target.getAttribute("data-font-size-set"));
      } else if (target.hasAttribute("data-contrast-toggle")) {
        toggleContrast();
      } else if (target.hasAttribute("data-print")) {
        window.print();
      }
    });
    sync();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
