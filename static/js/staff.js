/* Staff workspace helpers, loaded by templates/staff/base.html. Every page works without
   them: they only make typing faster.

   The item picker (input[data-item-picker="<lookup url>"]): as the handler types words of a
   title or part of a 索引号, the published items that match are listed under the field (an
   ARIA combobox with a listbox); choosing one — click, or arrow keys and Enter — fills in its
   索引号, which the form resolves to exactly that item. Without JavaScript the field takes
   the same text and the server lists the matches when there are several. The messages come
   translated from the server; this file holds no user-facing text. */
(function () {
  "use strict";

  var DELAY_MS = 200;

  function picker(input, index) {
    var url = input.getAttribute("data-item-picker");
    var listId = "item-picker-" + index;
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var timer = null;
    var serial = 0;
    var active = -1;

    list.id = listId;
    list.className = "item-picker-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent.trim() : "");
    list.hidden = true;
    status.className = "item-picker-status meta";
    status.setAttribute("role", "status");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.insertAdjacentElement("afterend", status);
    input.insertAdjacentElement("afterend", list);

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(n) {
      var all = options();
      if (!all.length) {
        return;
      }
      active = (n + all.length) % all.length;
      for (var i = 0; i < all.length; i++) {
        all[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function choose(option) {
      input.value = option.getAttribute("data-value");
      status.textContent = option.getAttribute("data-chosen");
      close();
      input.focus();
    }

    function show(data) {
      list.textContent = "";
      status.textContent = data.message || "";
      data.results.forEach(function (item, n) {
        var option = document.createElement("li");
        var code = document.createElement("span");
        var title = document.createElement("span");
        var meta = document.createElement("span");
        option.id = listId + "-" + n;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-value", item.index_no);
        option.setAttribute("data-chosen", item.index_no + " " + item.title);
        code.className = "code";
        code.textContent = item.index_no;
        title.className = "item-picker-title";
        title.textContent = item.title;
        meta.className = "meta";
        meta.textContent = item.organ + " " + item.published_on;
        option.appendChild(code);
        option.appendChild(title);
        option.appendChild(meta);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); /* keep the focus in the field */
        });
        option.addEventListener("click", function () {
          choose(option);
        });
        list.appendChild(option);
      });
      active = -1;
      list.hidden = data.results.length === 0;
      input.setAttribute("aria-expanded", data.results.length ? "true" : "false");
    }

    function lookup() {
      var text = input.value.trim();
      var mine = ++serial;
      if (!text) {
        status.textContent = "";
        close();
        return;
      }
      fetch(url + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data && mine === serial) {
            show(data);
          }
        })
        .catch(function () {
          /* Offline or signed out: the form still takes the typed text. */
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault(); /* choose, do not submit the answer yet */
        choose(options()[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
  }

  function init() {
    var inputs = document.querySelectorAll("input[data-item-picker]");
    for (var i = 0; i < inputs.length; i++) {
      picker(inputs[i], i);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
