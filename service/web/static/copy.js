// Copy and print an answer: the patient chat (/, /embed) and the nurse view use the same buttons.
//   <button data-copy hidden>  copies the answer around it (its <article>, or [data-copy-root]) as plain text
//                              with numbered sources and their links;
//   <button data-print hidden> prints only that answer (the print stylesheet hides the rest).
// The buttons are rendered hidden and shown here, so a page without JavaScript shows no dead control.
(function () {
  "use strict";

  function clean(text) { return (text || "").replace(/\s+/g, " ").trim(); }

  function rootOf(button) { return button.closest("[data-copy-root]") || button.closest("article"); }

  // The answer as text: the service's own words, the quoted sentences with [n], list items as "- ", then sources.
  function answerText(root) {
    var parts = [];
    root.querySelectorAll(".callout p, .reply-text").forEach(function (p) { if (clean(p.textContent)) parts.push(clean(p.textContent)); });
    root.querySelectorAll(".answer").forEach(function (answer) {
      var line = [];
      answer.childNodes.forEach(function (node) {
        if (node.nodeName === "UL" || node.nodeName === "OL") {
          if (clean(line.join(""))) parts.push(clean(line.join("")));
          line = [];
          node.querySelectorAll("li").forEach(function (li) { parts.push("- " + clean(li.textContent)); });
        } else {
          line.push(node.textContent);
        }
      });
      if (clean(line.join(""))) parts.push(clean(line.join("")));
    });
    var sources = root.querySelectorAll(".sources > li");
    if (sources.length) {
      parts.push("");
      parts.push("Sources:");
      sources.forEach(function (li) {
        var summary = li.querySelector("summary, .source-title");
        var bits = [clean(summary ? summary.textContent : "")];
        var meta = [];
        li.querySelectorAll(".source-meta dt").forEach(function (dt) {
          var dd = dt.nextElementSibling;
          if (dd) meta.push(clean(dt.textContent) + ": " + clean(dd.textContent));
        });
        if (meta.length) bits.push("(" + meta.join("; ") + ")");
        var link = li.querySelector("a.source-link, a[data-source-url]");
        if (link) bits.push(link.href);
        parts.push(bits.join(" "));
      });
    }
    var disclaimer = root.querySelector(".disclaimer");
    if (disclaimer) { parts.push(""); parts.push(clean(disclaimer.textContent)); }
    return parts.join("\n");
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function announce(button, text) {
    var note = button.parentNode.querySelector(".copy-done");
    if (!note) {
      note = document.createElement("span");
      note.className = "copy-done";
      note.setAttribute("role", "status");
      button.after(note);
    }
    note.textContent = text;
  }

  function copy(button) {
    var text = answerText(rootOf(button));
    var write = (navigator.clipboard && navigator.clipboard.writeText)
      ? navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); })
      : fallbackCopy(text);
    write.then(function () { announce(button, "Copied."); },
      function () { announce(button, "Could not copy; please select the text instead."); });
  }

  function printOne(button) {
    var root = rootOf(button);
    root.classList.add("print-this");
    document.body.classList.add("print-one");
    var done = function () {
      root.classList.remove("print-this");
      document.body.classList.remove("print-one");
      window.removeEventListener("afterprint", done);
    };
    window.addEventListener("afterprint", done);
    window.print();
  }

  function showButtons() {
    document.querySelectorAll("button[data-copy][hidden], button[data-print][hidden]").forEach(function (b) { b.hidden = false; });
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("button[data-copy], button[data-print]") : null;
    if (!button) return;
    ev.preventDefault();
    if (button.hasAttribute("data-copy")) copy(button); else printOne(button);
  });

  // Printing from the browser's menu: every source open, so the print shows them (with ::details-content as well).
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = [];
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () { opened.forEach(function (d) { d.open = false; }); opened = []; });

  window.cqaAnswerText = answerText; // used by chat.js (and handy in the browser tests)
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showButtons); else showButtons();
})();
