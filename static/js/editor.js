/* The body editor of the staff item form, on top of pell 1.0.6 (MIT, static/vendor/pell/).

   Progressive enhancement: the page works with the plain HTML textarea; with JavaScript the
   textarea is hidden behind a rich-text editor and kept in sync, and "HTML 源码" shows it
   again. Pasting from Word or WPS keeps the document's structure (paragraphs, headings,
   lists, tables, bold…) and drops Word's styles, fonts, comments and local images; the server
   cleans the body again with the same allow-list (catalog/sanitize.py) when it is saved.
   No inline styles and no inline scripts: the CSP is script-src 'self' + nonce, style-src
   'self'. */
(function () {
  "use strict";

  var textarea = document.querySelector("textarea[data-rich-text]");
  if (!textarea || !window.pell || typeof document.execCommand !== "function") {
    return;
  }

  /* The allow-list of catalog/sanitize.py, with the attributes kept per tag. */
  var ALLOWED = {
    P: [], BR: [], HR: [], H2: [], H3: [], H4: [], H5: [], H6: [],
    STRONG: [], B: [], EM: [], I: [], U: [], S: [], SUB: [], SUP: [],
    BLOCKQUOTE: [], PRE: [], CODE: [], OL: ["start"], UL: [], LI: [],
    TABLE: [], THEAD: [], TBODY: [], TFOOT: [], TR: [], CAPTION: [],
    TH: ["colspan", "rowspan", "scope"], TD: ["colspan", "rowspan"],
    A: ["href", "title"], IMG: ["src", "alt"]
  };
  /* Word's headings move one level down: the page's h1 is the item's title. */
  var RENAME = { H1: "H2", DIV: "P" };
  /* Dropped with everything inside them. */
  var DROP = { SCRIPT: 1, STYLE: 1, META: 1, LINK: 1, TITLE: 1, HEAD: 1, XML: 1, TEMPLATE: 1,
    IFRAME: 1, OBJECT: 1, EMBED: 1, SVG: 1, MATH: 1, FORM: 1, INPUT: 1, BUTTON: 1, SELECT: 1,
    TEXTAREA: 1 };
  var SAFE_URL = /^(https?:|mailto:|\/|#|[^:]*$)/i;
  /* Pictures left out of the last paste (they lived on the user's disk): the user is told. */
  var droppedPictures = 0;

  function copyInto(source, target, doc) {
    Array.prototype.forEach.call(source.childNodes, function (node) {
      if (node.nodeType === 3) {
        target.appendChild(doc.createTextNode(node.nodeValue));
        return;
      }
      if (node.nodeType !== 1) {
        return; /* comments, including Word's conditional comments */
      }
      var name = node.tagName.toUpperCase();
      if (DROP[name]) {
        return;
      }
      name = RENAME[name] || name;
      if (!ALLOWED[name]) {
        copyInto(node, target, doc); /* <span>, <font>, <o:p>…: keep the text, lose the tag */
        return;
      }
      if (name === "IMG") {
        /* A picture pasted from Word points at the user's disk (file:///…) or is inline
           data; it cannot be published as is. Upload the document or attach the image. */
        var src = node.getAttribute("src") || "";
        if (!/^(https?:|\/)/i.test(src)) {
          droppedPictures += 1;
          return;
        }
      }
      var element = doc.createElement(name);
      ALLOWED[name].forEach(function (attribute) {
        var value = node.getAttribute(attribute);
        if (value === null) {
          return;
        }
        if ((attribute === "href" || attribute === "src") && !SAFE_URL.test(value.trim())) {
          return;
        }
        element.setAttribute(attribute, value);
      });
      copyInto(node, element, doc);
      target.appendChild(element);
    });
  }

  function cleanHtml(html) {
    /* Word's style sheet and style attributes go before parsing: even in a DOMParser
       document the CSP (style-src 'self') would report each of them as a violation. */
    html = html
      .replace(/<style[\s\S]*?<\/style>/gi, "")
      .replace(/\sstyle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, "");
    /* Parsed in an inert document: nothing in the clipboard runs or loads. */
    var parsed = new DOMParser().parseFromString(html, "text/html");
    var inert = document.implementation.createHTMLDocument("");
    var holder = inert.createElement("div");
    copyInto(parsed.body, holder, inert);
    return holder.innerHTML
      .replace(/<p>(\s|&nbsp;|\u00a0)*<\/p>/g, "")
      .replace(/\u00a0/g, " ");
  }

  function action(name, icon, title, command, value) {
    return {
      name: name,
      icon: icon,
      title: title,
      result: function () {
        window.pell.exec(command, value);
      }
    };
  }

  var label = document.querySelector("label[for='" + textarea.id + "']");
  if (label && !label.id) {
    label.id = textarea.id + "_label";
  }
  var wrapper = document.createElement("div");
  wrapper.className = "rich-editor";
  textarea.parentNode.insertBefore(wrapper, textarea);

  var editor = window.pell.init({
    element: wrapper,
    defaultParagraphSeparator: "p",
    styleWithCSS: false,
    onChange: function (html) {
      textarea.value = html;
    },
    actions: [
      action("bold", "<b>加粗</b>", "加粗", "bold"),
      action("italic", "倾斜", "倾斜", "italic"),
      action("underline", "<u>下划线</u>", "下划线", "underline"),
      action("h2", "一级标题", "一级标题", "formatBlock", "<h2>"),
      action("h3", "二级标题", "二级标题", "formatBlock", "<h3>"),
      action("paragraph", "正文", "正文段落", "formatBlock", "<p>"),
      action("olist", "编号列表", "编号列表", "insertOrderedList"),
      action("ulist", "项目列表", "项目符号列表", "insertUnorderedList"),
      action("quote", "引用", "引用", "formatBlock", "<blockquote>"),
      action("line", "分隔线", "分隔线", "insertHorizontalRule"),
      {
        name: "link",
        icon: "链接",
        title: "插入链接",
        result: function () {
          var url = window.prompt("链接地址（以 http:// 或 https:// 开头）");
          if (url && /^https?:\/\//i.test(url.trim())) {
            window.pell.exec("createLink", url.trim());
          }
        }
      }
    ],
    classes: {
      actionbar: "pell-actionbar",
      button: "pell-button",
      content: "pell-content",
      selected: "pell-button-selected"
    }
  });
  var content = editor.content;
  content.innerHTML = textarea.value; /* already cleaned by the server when it was saved */
  content.setAttribute("role", "textbox");
  content.setAttribute("aria-multiline", "true");
  content.setAttribute("data-editor", "body");
  /* Said aloud and shown after a paste that left pictures out. */
  var pasteNote = document.createElement("p");
  pasteNote.className = "editor-note";
  pasteNote.setAttribute("role", "status");
  wrapper.parentNode.insertBefore(pasteNote, wrapper.nextSibling);
  if (label) {
    content.setAttribute("aria-labelledby", label.id);
  }
  var help = document.getElementById(textarea.id + "_helptext");
  if (help) {
    content.setAttribute("aria-describedby", help.id);
  }
  var bar = wrapper.querySelector(".pell-actionbar");
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "正文格式");
  Array.prototype.forEach.call(bar.querySelectorAll("button"), function (button) {
    button.setAttribute("aria-label", button.title);
  });

  var BLOCKS = /^(P|H[2-6]|UL|OL|TABLE|BLOCKQUOTE|PRE|HR|DIV)$/;

  /* Insert the cleaned fragment at the caret with DOM ranges, not execCommand("insertHTML"):
     Chromium's insertHTML wraps what it inserts in <span style=…>, which the CSP
     (style-src 'self') blocks and the server would strip anyway. Blocks pasted inside a
     paragraph go after it, or replace it when it is empty. */
  function insertFragment(html) {
    var selection = window.getSelection();
    if (!selection.rangeCount || !content.contains(selection.anchorNode)) {
      content.insertAdjacentHTML("beforeend", html);
      return;
    }
    var range = selection.getRangeAt(0);
    range.deleteContents();
    var fragment = range.createContextualFragment(html);
    var hasBlocks = Array.prototype.some.call(fragment.childNodes, function (node) {
      return node.nodeType === 1 && BLOCKS.test(node.tagName);
    });
    var last = fragment.lastChild;
    var block = range.startContainer;
    while (block && block.parentNode !== content) {
      block = block.parentNode;
    }
    if (!hasBlocks || !block || block === content) {
      range.insertNode(fragment);
    } else if (!block.textContent.trim() && !block.querySelector("img")) {
      content.replaceChild(fragment, block);
    } else {
      content.insertBefore(fragment, block.nextSibling);
    }
    if (last) {
      range.setStartAfter(last);
      range.collapse(true);
      selection.removeAllRanges();
      selection.addRange(range);
    }
  }

  content.addEventListener("paste", function (event) {
    var data = event.clipboardData;
    var html = data && data.getData("text/html");
    if (!html) {
      return; /* plain text: the browser inserts it as text */
    }
    event.preventDefault();
    droppedPictures = 0;
    insertFragment(cleanHtml(html));
    textarea.value = content.innerHTML;
    pasteNote.textContent = droppedPictures
      ? "粘贴的内容中有 " + droppedPictures + " 张图片未能粘贴（图片保存在您的电脑上）。" +
        "请用“从 Word 导入”上传整个文件，或把图片作为附件上传。"
      : "";
  });

  /* "HTML 源码": the textarea, for what the toolbar cannot do. */
  var toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "button button-secondary button-small";
  toggle.textContent = "HTML 源码";
  toggle.setAttribute("aria-pressed", "false");
  wrapper.parentNode.insertBefore(toggle, wrapper);
  textarea.hidden = true;
  toggle.addEventListener("click", function () {
    var showSource = textarea.hidden;
    if (showSource) {
      textarea.value = content.innerHTML;
    } else {
      content.innerHTML = cleanHtml(textarea.value);
      textarea.value = content.innerHTML;
    }
    textarea.hidden = !showSource;
    wrapper.hidden = showSource;
    toggle.setAttribute("aria-pressed", String(showSource));
    toggle.textContent = showSource ? "返回编辑器" : "HTML 源码";
  });

  var form = textarea.form;
  if (form) {
    form.addEventListener("submit", function () {
      if (!wrapper.hidden) {
        textarea.value = content.innerHTML;
      }
    });
  }
}());
