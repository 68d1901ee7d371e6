// Progressive enhancement of the chat at / and /embed: the same markup the server renders, driven by the
// JSON API. All text goes into the page with textContent, never innerHTML.
(function () {
  "use strict";
  var root = document.querySelector("main.chat");
  if (!root) return;
  var mode = root.getAttribute("data-mode");
  var form = document.getElementById("ask");
  var input = document.getElementById("message");
  var log = document.getElementById("log");
  var status = document.getElementById("status");
  var clearForm = document.getElementById("clear");
  var emergency = root.getAttribute("data-emergency");
  var crisis = root.getAttribute("data-crisis");
  var intro = document.getElementById("intro");
  var progress = document.getElementById("progress");
  var askButton = document.getElementById("ask-button");
  var turnCount = parseInt(root.getAttribute("data-turns") || "0", 10);
  var busy = false;
  var progressTimer = null;
  var RATE_LIMITED = "You're sending questions quickly; please wait a few seconds and try again.";
  var touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;

  // The conversation survives a reload of this tab: sessionStorage is per tab and ends with it, so nothing
  // stays behind on a shared computer (never localStorage). "Clear conversation" removes it.
  var STORE_KEY = "cqa-chat-" + mode;
  var MAX_STORED = 30;
  function loadStored() {
    try {
      var data = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "null");
      if (data && data.v === 1 && Array.isArray(data.turns)) return data;
    } catch (e) { /* storage off or unreadable: start afresh */ }
    return { v: 1, conversationId: null, turns: [], next: 0 };
  }
  var stored = loadStored();
  stored.next = stored.next || stored.turns.length;
  function saveStored() {
    try {
      stored.turns = stored.turns.slice(-MAX_STORED);
      window.sessionStorage.setItem(STORE_KEY, JSON.stringify(stored));
    } catch (e) { /* full or off: the conversation still works, it just won't survive a reload */ }
  }
  function dropStored() {
    stored = { v: 1, conversationId: null, turns: [], next: 0 };
    try { window.sessionStorage.removeItem(STORE_KEY); } catch (e) { /* nothing to remove */ }
  }
  var conversationId = stored.conversationId || null;  // never in the HTML (README "Security")
  var REASONS = [];
  var reasonTemplate = document.getElementById("reason-template");
  if (reasonTemplate) {
    reasonTemplate.content.querySelectorAll("option").forEach(function (o) { REASONS.push([o.value, o.textContent]); });
  }

  // The passages an answer quotes; the API also lists related reading among `citations`, marked `related`.
  function quoted(reply) {
    return (reply.citations || []).filter(function (c) { return !c.related; });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  function safeUrl(url) {
    try {
      var u = new URL(url);
      return (u.protocol === "http:" || u.protocol === "https:") ? u.href : null;
    } catch (e) { return null; }
  }

  function callout(kind) {
    if (kind === "urgent") {
      return el("div", { "class": "callout callout--urgent" }, [
        el("p", { "class": "callout-title", text: "This may need help straight away." }),
        el("p", { "class": "callout-number" }, ["Call ", el("a", { href: "tel:" + emergency, text: emergency }), " now"]),
        el("p", { text: "or go to the nearest emergency department. If you can, tell your care team too." })
      ]);
    }
    if (kind === "crisis") {
      return el("div", { "class": "callout callout--crisis" }, [
        el("p", { "class": "callout-title", text: "You don't have to go through this alone." }),
        el("p", { "class": "callout-number" }, ["Call or text ", el("a", { href: "tel:" + crisis, text: crisis })]),
        el("p", {}, ["Someone is there to talk, any time, day or night. If you are in danger right now, call ",
          el("a", { href: "tel:" + emergency, text: emergency }), "."])
      ]);
    }
    return null;
  }

  function feedbackForm(i, reply, question) {
    var f = el("form", { "class": "feedback", method: "post", action: "/feedback",
      "data-passages": quoted(reply).map(function (c) { return c.passage_id; }).join(" "), "data-kind": reply.kind });
    f.dataset.question = question;
    var select = el("select", { id: "reason-" + i, name: "reason" });
    REASONS.forEach(function (r) { select.appendChild(el("option", { value: r[0], text: r[1] })); });
    f.appendChild(el("fieldset", {}, [
      el("legend", { text: "Was this answer helpful?" }),
      el("div", { "class": "feedback-row" }, [el("label", { "for": "reason-" + i, text: "Reason (optional)" }), select]),
      el("div", { "class": "feedback-row feedback-row--check" }, [
        el("input", { type: "checkbox", id: "share-" + i, name: "share", value: "1" }),
        el("label", { "for": "share-" + i, text: "Share my question with the team that improves this service" })
      ]),
      el("div", { "class": "feedback-row" }, [
        el("button", { "class": "thumb", type: "submit", name: "rating", value: "up" },
          [el("img", { src: "/static/thumb-up.svg", alt: "", width: "18", height: "18" }), " Helpful"]),
        el("button", { "class": "thumb", type: "submit", name: "rating", value: "down" },
          [el("img", { src: "/static/thumb-down.svg", alt: "", width: "18", height: "18" }), " Not helpful"])
      ])
    ]));
    return f;
  }

  function renderTurn(i, question, reply) {
    var article = el("article", { "class": "msg msg--reply reply--" + reply.kind, id: "answer-" + i, "aria-labelledby": "reply-label-" + i }, [
      el("p", { "class": "msg-label", id: "reply-label-" + i, text: "Answer" }),
      callout(reply.kind)
    ]);
    if (reply.kind !== "answer") {
      article.appendChild(el("p", { "class": "msg-text reply-text", text: reply.text }));
    }
    if (reply.intro) {
      article.appendChild(el("p", { "class": "msg-text reply-intro", text: String(reply.intro) }));
    }
    var answer = el("div", { "class": "answer" });
    if (reply.sentences && reply.sentences.length) {
      if (reply.kind === "urgent") {
        article.appendChild(el("p", { "class": "sources-label", text: "Background from the library, for later" }));
      }
      var list = null;
      reply.sentences.forEach(function (s) {
        // Consecutive list items stay a list, as in the library.
        var holder = answer;
        if (s.item) {
          if (!list) { list = el("ul", { "class": "answer-list" }); answer.appendChild(list); }
          holder = el("li");
          list.appendChild(holder);
        } else {
          list = null;
        }
        holder.appendChild(el("span", { "class": "sentence", text: s.text }));
        if (s.citation) {
          holder.appendChild(document.createTextNode(" "));
          holder.appendChild(el("a", { "class": "cite", href: "?source=" + i + "-" + s.citation + "#src-" + i + "-" + s.citation,
            "aria-label": "Source " + s.citation, text: "[" + s.citation + "]" }));
        }
        if (!s.item) { holder.appendChild(document.createTextNode(" ")); }
      });
    }
    article.appendChild(answer);
    if (quoted(reply).length) {
      article.appendChild(el("p", { "class": "sources-label", text: "Sources quoted in this answer" }));
      var list = el("ol", { "class": "sources" });
      quoted(reply).forEach(function (c) {
        var meta = el("dl", { "class": "source-meta" });
        if (c.section) { meta.appendChild(el("dt", { text: "Section" })); meta.appendChild(el("dd", { text: c.section })); }
        meta.appendChild(el("dt", { text: "Source" })); meta.appendChild(el("dd", { text: c.source }));
        meta.appendChild(el("dt", { text: "Last reviewed" })); meta.appendChild(el("dd", { text: c.last_reviewed || "not stated" }));
        var details = el("details", { "class": "source", id: "src-" + i + "-" + c.n }, [
          el("summary", { text: "[" + c.n + "] " + c.title }), meta]);
        if (c.snippet) {
          details.appendChild(el("p", { "class": "source-passage-label", text: "The passage this answer quotes" }));
          details.appendChild(el("blockquote", { "class": "source-passage", text: c.snippet }));
        }
        var url = safeUrl(c.url);
        if (url) {
          details.appendChild(el("a", { "class": "source-link", href: url, target: "_blank", rel: "noopener noreferrer" },
            ["Read the original page", el("span", { "class": "visually-hidden", text: " (opens in a new tab)" })]));
        }
        list.appendChild(el("li", {}, [details]));
      });
      article.appendChild(list);
    }
    // Related reading may come as its own list (optional; unknown fields of the reply are ignored).
    if (Array.isArray(reply.related) && reply.related.length) {
      article.appendChild(el("p", { "class": "sources-label", text: "Related reading" }));
      var related = el("ul", { "class": "related" });
      reply.related.forEach(function (r) {
        var href = r && safeUrl(r.url);
        if (!r || !r.title) return;
        var parts = [href
          ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer" },
              [String(r.title), el("span", { "class": "visually-hidden", text: " (opens in a new tab)" })])
          : String(r.title)];
        if (r.reason) { parts.push(" "); parts.push(el("span", { "class": "related-reason", text: String(r.reason) })); }
        related.appendChild(el("li", {}, parts));
      });
      article.appendChild(related);
    }
    if (reply.disclaimer) article.appendChild(el("p", { "class": "disclaimer", text: reply.disclaimer }));
    article.appendChild(el("p", { "class": "tools" }, [
      el("button", { "class": "secondary copy", type: "button", "data-copy": "", text: "Copy answer" })]));
    if (reply.suggestions && reply.suggestions.length) {
      var group = el("div", { "class": "suggestion-list", role: "group", "aria-labelledby": "sugg-label-" + i });
      reply.suggestions.forEach(function (s) {
        group.appendChild(el("button", { "class": "suggestion", type: "submit", name: "message", value: s, text: s }));
      });
      article.appendChild(el("form", { "class": "suggestions", method: "post", action: "/" }, [
        el("p", { "class": "suggestions-label", id: "sugg-label-" + i, text: "You could also ask" }), group]));
    }
    if (quoted(reply).length) article.appendChild(feedbackForm(i, reply, question));
    return el("li", { "class": "turn", id: "turn-" + i }, [
      el("div", { "class": "msg msg--user" }, [
        el("p", { "class": "msg-label", text: "You asked" }), el("p", { "class": "msg-text", text: question })]),
      article
    ]);
  }

  function setStatus(text) { status.textContent = text; }

  function showError(text) {
    var old = document.getElementById("error");
    if (old) old.remove();
    form.insertBefore(el("p", { "class": "error", id: "error", role: "alert", text: text }), form.querySelector(".ask-row"));
  }

  // Busy while waiting: the conversation is marked busy, Ask is off, and a progress bar shows after 300 ms.
  function setBusy(on) {
    busy = on;
    log.setAttribute("aria-busy", on ? "true" : "false");
    askButton.disabled = on;
    clearTimeout(progressTimer);
    // The indicator is filled into a live region that is always there, so screen readers hear it too.
    if (on) {
      progressTimer = setTimeout(function () {
        progress.appendChild(el("span", { "class": "progress-bar", "aria-hidden": "true" }));
        progress.appendChild(el("span", { "class": "progress-text", text: "Looking for an answer…" }));
      }, 300);
    } else {
      progress.textContent = "";
    }
  }

  function showIntro(on) { if (intro) intro.hidden = !on; }

  function markFeedbackDone(turn, text) {
    var f = turn.querySelector("form.feedback");
    if (f) f.replaceWith(el("p", { "class": "feedback-done", role: "status", text: text }));
  }

  function addTurn(question, reply, storeIndex) {
    var turn = renderTurn(turnCount++, question, reply);
    turn.setAttribute("data-store", String(storeIndex));
    log.appendChild(turn);
    return turn;
  }

  // The new answer's first line goes to the top of the view (the question box is sticky at the bottom).
  function bringIntoView(turn) {
    var article = turn.querySelector("article");
    article.scrollIntoView({ block: "start" });
  }

  // Plain words for the API's errors (its own messages are written for developers).
  var PLAIN = {
    empty_message: "Please type a question first.",
    message_too_long: "Your question is too long. Please make it shorter.",
    word_too_long: "Your question has a very long word in it. Please check it and try again.",
    invalid_message: "Your question has characters that cannot be read. Please type it again."
  };
  function errorText(status, body) {
    if (status === 429) return RATE_LIMITED;
    if (status >= 500) return "Something went wrong on our side. Please try again in a moment.";
    return PLAIN[body && body.error] || "Something went wrong. Please try again.";
  }

  function ask(question) {
    question = (question || "").trim();
    if (!question || busy) return;
    var old = document.getElementById("error");
    if (old) old.remove();
    var focusWasInForm = form.contains(document.activeElement);
    setStatus("");
    setBusy(true);
    fetch("/api/v1/chat", {
      method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(conversationId ? { message: question, conversation_id: conversationId } : { message: question })
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (body) {
        return { ok: resp.ok, status: resp.status, body: body };
      });
    }).then(function (r) {
      setBusy(false);
      if (!r.ok) { showError(errorText(r.status, r.body)); return; }
      conversationId = r.body.conversation_id || conversationId;
      showIntro(false);
      stored.conversationId = conversationId;
      var key = stored.next++;
      stored.turns.push({ key: key, question: question, reply: r.body, feedback: null });
      saveStored();
      var turn = addTurn(question, r.body, key);
      input.value = "";
      bringIntoView(turn);
      if (touch) {
        input.blur(); // the on-screen keyboard would cover the answer
      } else if (focusWasInForm || document.activeElement === document.body) {
        input.focus({ preventScroll: true });
      }
    }).catch(function () {
      setBusy(false);
      showError("The service could not be reached. Please check your connection and try again.");
    });
  }

  // Restore this tab's conversation after a reload (rendered without announcing it again).
  if (stored.turns.length) {
    log.removeAttribute("aria-live");
    stored.turns.forEach(function (t, k) {
      if (!t || typeof t.question !== "string" || !t.reply || typeof t.reply !== "object") return;
      if (typeof t.key !== "number") t.key = k;
      var turn = addTurn(t.question, t.reply, t.key);
      if (t.feedback) markFeedbackDone(turn, "Thank you for your feedback.");
    });
    log.setAttribute("aria-live", "polite");
    showIntro(false);
  }

  askButton.disabled = false;
  document.querySelectorAll("button.starter").forEach(function (b) { b.disabled = false; });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    ask(input.value);
  });

  // A citation number opens its source in view, with the quoted passage, and moves focus there.
  function openSource(details) {
    details.open = true;
    var summary = details.querySelector("summary");
    summary.setAttribute("tabindex", "-1");
    summary.focus({ preventScroll: true });
    summary.removeAttribute("tabindex");
    var box = details.getBoundingClientRect();
    var bottom = window.innerHeight - (form.getBoundingClientRect().height || 0);
    if (box.top < 0 || box.bottom > bottom) details.scrollIntoView({ block: "start" });
  }

  document.addEventListener("click", function (ev) {
    var target = ev.target.closest ? ev.target.closest("a.cite, button.suggestion") : null;
    if (!target) return;
    ev.preventDefault();
    if (target.matches("button.suggestion")) { ask(target.value); return; }
    var href = target.getAttribute("href") || "";
    var details = document.getElementById(href.slice(href.indexOf("#") + 1));
    if (details) openSource(details);
  });

  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    if (!f.matches || !f.matches("form.feedback")) return;
    ev.preventDefault();
    var rating = ev.submitter && ev.submitter.value;
    if (rating !== "up" && rating !== "down") return;
    var share = f.querySelector("input[name=share]").checked;
    var turn = f.closest(".turn");
    var question = f.dataset.question || (turn.querySelector(".msg--user .msg-text") || {}).textContent;
    var body = { rating: rating, reason: f.querySelector("select[name=reason]").value,
      passage_ids: f.getAttribute("data-passages").split(" ").filter(Boolean), kind: f.getAttribute("data-kind") };
    if (share) { body.share_question = true; body.question = question; }
    fetch("/api/v1/feedback", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (resp) {
        if (resp.ok && turn.hasAttribute("data-store")) {
          var key = parseInt(turn.getAttribute("data-store"), 10);
          var t = stored.turns.filter(function (x) { return x.key === key; })[0];
          if (t) { t.feedback = rating; saveStored(); }
        }
        markFeedbackDone(turn, resp.ok ? "Thank you for your feedback."
          : resp.status === 429 ? RATE_LIMITED : "Sorry, your feedback could not be saved.");
      }, function () { markFeedbackDone(turn, "Sorry, your feedback could not be saved."); });
  });

  function forgetOnServer(id) {
    // Best effort: the API forgets the conversation's memory; errors are ignored (the id is dropped anyway).
    if (!id) return;
    try { fetch("/api/v1/conversations/" + encodeURIComponent(id), { method: "DELETE", keepalive: true }).catch(function () {}); } catch (e) {}
  }

  clearForm.addEventListener("submit", function (ev) {
    forgetOnServer(conversationId);
    dropStored();
    if (mode === "page") return; // the form post clears the server-side transcript and reloads
    ev.preventDefault();
    log.textContent = "";
    conversationId = null;
    turnCount = 0;
    input.value = "";
    showIntro(true);
    root.scrollTop = 0; // the compact chat scrolls inside <main>: back to the intro
    setStatus("Conversation cleared.");
    input.focus();
  });

  // Embedded in a portal: talk to the host page only through postMessage, only with configured origins.
  if (mode === "embed" && window.parent !== window) {
    var allowed = (root.getAttribute("data-allowed-origins") || "").split(" ").filter(Boolean);
    var ancestors = window.location.ancestorOrigins;
    var hinted = new URLSearchParams(window.location.search).get("origin");
    var parentOrigin = (ancestors && ancestors.length) ? ancestors[0] : hinted;
    if (parentOrigin && allowed.indexOf(parentOrigin.toLowerCase()) !== -1) {
      var post = function (type) { window.parent.postMessage({ source: "cqa-widget", type: type }, parentOrigin); };
      var closeButton = document.getElementById("close");
      closeButton.hidden = false;
      closeButton.addEventListener("click", function () { post("close"); });
      var focusables = function () {
        return Array.prototype.filter.call(document.querySelectorAll(
          "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea, summary"),
        function (n) { return n.getClientRects().length > 0 && !n.closest("[hidden]"); });
      };
      // Escape anywhere in the panel closes it; Tab and Shift+Tab stay inside the open panel.
      document.addEventListener("keydown", function (ev) {
        if (ev.key === "Escape") { post("close"); return; }
        if (ev.key !== "Tab") return;
        var items = focusables();
        if (!items.length) return;
        var first = items[0], last = items[items.length - 1], active = document.activeElement;
        var outside = items.indexOf(active) === -1;
        if (ev.shiftKey && (active === first || outside)) { ev.preventDefault(); last.focus(); }
        else if (!ev.shiftKey && (active === last || outside)) { ev.preventDefault(); first.focus(); }
      });
      window.addEventListener("message", function (ev) {
        if (ev.source !== window.parent || ev.origin !== parentOrigin) return;
        if (ev.data && ev.data.source === "cqa-host" && ev.data.type === "focus") input.focus();
      });
      post("ready");
    }
  }
})();
