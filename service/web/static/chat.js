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
  var conversationId = root.getAttribute("data-conversation-id") || null;
  var turnCount = parseInt(root.getAttribute("data-turns") || "0", 10);
  var busy = false;
  var REASONS = [];
  var reasonTemplate = document.getElementById("reason-template");
  if (reasonTemplate) {
    reasonTemplate.content.querySelectorAll("option").forEach(function (o) { REASONS.push([o.value, o.textContent]); });
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
      "data-passages": reply.citations.map(function (c) { return c.passage_id; }).join(" "), "data-kind": reply.kind });
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
    var article = el("article", { "class": "msg msg--reply reply--" + reply.kind, "aria-labelledby": "reply-label-" + i }, [
      el("p", { "class": "msg-label", id: "reply-label-" + i, text: "Answer" }),
      callout(reply.kind)
    ]);
    if (reply.kind !== "answer") {
      article.appendChild(el("p", { "class": "msg-text reply-text", text: reply.text }));
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
          holder.appendChild(el("a", { "class": "cite", href: "#src-" + i + "-" + s.citation,
            "aria-label": "Source " + s.citation, text: "[" + s.citation + "]" }));
        }
        if (!s.item) { holder.appendChild(document.createTextNode(" ")); }
      });
    }
    article.appendChild(answer);
    if (reply.citations && reply.citations.length) {
      article.appendChild(el("p", { "class": "sources-label", text: "Sources" }));
      var list = el("ol", { "class": "sources" });
      reply.citations.forEach(function (c) {
        var meta = el("dl", { "class": "source-meta" });
        if (c.section) { meta.appendChild(el("dt", { text: "Section" })); meta.appendChild(el("dd", { text: c.section })); }
        meta.appendChild(el("dt", { text: "Source" })); meta.appendChild(el("dd", { text: c.source }));
        meta.appendChild(el("dt", { text: "Last reviewed" })); meta.appendChild(el("dd", { text: c.last_reviewed || "not stated" }));
        var details = el("details", { "class": "source", id: "src-" + i + "-" + c.n }, [
          el("summary", { text: "[" + c.n + "] " + c.title }), meta]);
        var url = safeUrl(c.url);
        if (url) {
          details.appendChild(el("a", { "class": "source-link", href: url, target: "_blank", rel: "noopener noreferrer" },
            ["Read the original page", el("span", { "class": "visually-hidden", text: " (opens in a new tab)" })]));
        }
        list.appendChild(el("li", {}, [details]));
      });
      article.appendChild(list);
    }
    if (reply.disclaimer) article.appendChild(el("p", { "class": "disclaimer", text: reply.disclaimer }));
    if (reply.suggestions && reply.suggestions.length) {
      var group = el("div", { "class": "suggestion-list", role: "group", "aria-labelledby": "sugg-label-" + i });
      reply.suggestions.forEach(function (s) {
        group.appendChild(el("button", { "class": "suggestion", type: "submit", name: "message", value: s, text: s }));
      });
      article.appendChild(el("form", { "class": "suggestions", method: "post", action: "/" }, [
        el("p", { "class": "suggestions-label", id: "sugg-label-" + i, text: "You could also ask" }), group]));
    }
    if (reply.citations && reply.citations.length) article.appendChild(feedbackForm(i, reply, question));
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
    status.after(el("p", { "class": "error", id: "error", role: "alert", text: text }));
  }

  function ask(question) {
    question = (question || "").trim();
    if (!question || busy) return;
    busy = true;
    var old = document.getElementById("error");
    if (old) old.remove();
    setStatus("Looking for an answer…");
    fetch("/api/v1/chat", {
      method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(conversationId ? { message: question, conversation_id: conversationId } : { message: question })
    }).then(function (resp) {
      return resp.json().then(function (body) { return { ok: resp.ok, body: body }; });
    }).then(function (r) {
      if (!r.ok) { setStatus(""); showError(r.body.message || "Something went wrong. Please try again."); return; }
      conversationId = r.body.conversation_id || conversationId;
      var empty = document.getElementById("empty-note");
      if (empty) empty.remove();
      var turn = renderTurn(turnCount++, question, r.body);
      log.appendChild(turn);
      input.value = "";
      setStatus("");
      turn.scrollIntoView({ block: "start" });
      input.focus();
    }).catch(function () {
      setStatus("");
      showError("The service could not be reached. Please try again.");
    }).then(function () { busy = false; });
  }

  document.getElementById("ask-button").disabled = false;
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    ask(input.value);
  });

  document.addEventListener("click", function (ev) {
    var target = ev.target.closest ? ev.target.closest("a.cite, button.suggestion") : null;
    if (!target) return;
    ev.preventDefault();
    if (target.matches("button.suggestion")) { ask(target.value); return; }
    // A citation number opens its source and moves focus there.
    var details = document.getElementById(target.getAttribute("href").slice(1));
    if (details) {
      details.open = true;
      var summary = details.querySelector("summary");
      summary.setAttribute("tabindex", "-1");
      summary.focus();
      summary.removeAttribute("tabindex");
    }
  });

  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    if (!f.matches || !f.matches("form.feedback")) return;
    ev.preventDefault();
    var rating = ev.submitter && ev.submitter.value;
    if (rating !== "up" && rating !== "down") return;
    var share = f.querySelector("input[name=share]").checked;
    var question = f.dataset.question || (f.closest(".turn").querySelector(".msg--user .msg-text") || {}).textContent;
    var body = { rating: rating, reason: f.querySelector("select[name=reason]").value,
      passage_ids: f.getAttribute("data-passages").split(" ").filter(Boolean), kind: f.getAttribute("data-kind") };
    if (share) { body.share_question = true; body.question = question; }
    fetch("/api/v1/feedback", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (resp) {
        var done = el("p", { "class": "feedback-done", role: "status",
          text: resp.ok ? "Thank you for your feedback." : "Sorry, your feedback could not be saved." });
        f.replaceWith(done);
      });
  });

  function forgetOnServer(id) {
    // Best effort: the API forgets the conversation's memory; errors are ignored (the id is dropped anyway).
    if (!id) return;
    try { fetch("/api/v1/conversations/" + encodeURIComponent(id), { method: "DELETE", keepalive: true }).catch(function () {}); } catch (e) {}
  }

  clearForm.addEventListener("submit", function (ev) {
    forgetOnServer(conversationId);
    if (mode === "page") return; // the form post clears the server-side transcript and reloads
    ev.preventDefault();
    log.textContent = "";
    conversationId = null;
    turnCount = 0;
    input.value = "";
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
      document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") post("close"); });
      window.addEventListener("message", function (ev) {
        if (ev.source !== window.parent || ev.origin !== parentOrigin) return;
        if (ev.data && ev.data.source === "cqa-host" && ev.data.type === "focus") input.focus();
      });
      post("ready");
    }
  }
})();
