// Embeddable chat for patient portals. Add one tag to the portal page:
//   <script src="https://HOST/widget.js" data-label="Ask about cancer care" data-position="right" defer></script>
// It adds a launcher button that opens the chat (served from HOST/embed) in an iframe. The portal's origin
// must be listed in the service's EMBED_ORIGINS, or the browser refuses to show the chat (CSP frame-ancestors).
// Messages are exchanged only with the service's origin, and only with this iframe.
// The chat is loaded (hidden) at once and the launcher appears only when the chat inside says "ready": on an
// origin the service refuses, the frame never loads the chat and nothing appears.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__cqaWidget) return;
  window.__cqaWidget = true;
  var serviceOrigin = new URL(script.src, window.location.href).origin;
  var label = script.getAttribute("data-label") || "Ask about cancer care";
  var side = script.getAttribute("data-position") === "left" ? "left" : "right";
  var brand = /^#[0-9a-fA-F]{3,6}$/.test(script.getAttribute("data-color") || "") ? script.getAttribute("data-color") : "#0b4f8a";

  function css(node, styles) { Object.keys(styles).forEach(function (k) { node.style[k] = styles[k]; }); return node; }

  var button = css(document.createElement("button"), {
    position: "fixed", bottom: "1rem", zIndex: "2147483000", background: brand, color: "#ffffff",
    border: "2px solid #ffffff", borderRadius: "2rem", padding: "0.75rem 1.25rem", font: "600 1rem system-ui, sans-serif",
    boxShadow: "0 2px 8px rgba(0,0,0,0.3)", cursor: "pointer"
  });
  button.style[side] = "1rem";
  button.type = "button";
  button.id = "cqa-launcher";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "cqa-panel");
  button.style.display = "none"; // until the chat says "ready"

  var panel = css(document.createElement("div"), {
    position: "fixed", bottom: "4.75rem", width: "min(24rem, calc(100vw - 2rem))", height: "min(36rem, calc(100vh - 6rem))",
    zIndex: "2147483000", background: "#ffffff", border: "1px solid #c9d2dc", borderRadius: "0.75rem",
    boxShadow: "0 4px 16px rgba(0,0,0,0.3)", overflow: "hidden", display: "none"
  });
  panel.style[side] = "1rem";
  panel.id = "cqa-panel";
  panel.setAttribute("role", "region");
  panel.setAttribute("aria-label", label);

  var frame = css(document.createElement("iframe"), { width: "100%", height: "100%", border: "0" });
  frame.title = label;
  frame.id = "cqa-frame";
  frame.src = serviceOrigin + "/embed?origin=" + encodeURIComponent(window.location.origin);
  panel.appendChild(frame);
  var ready = false;

  function isOpen() { return panel.style.display !== "none"; }

  function open() {
    if (!ready) return;
    panel.style.display = "block";
    button.setAttribute("aria-expanded", "true");
    send("focus");
  }

  function close() {
    panel.style.display = "none";
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }

  function send(type) {
    if (frame.contentWindow) frame.contentWindow.postMessage({ source: "cqa-host", type: type }, serviceOrigin);
  }

  button.addEventListener("click", function () {
    if (isOpen()) close(); else open();
  });

  // Escape on the host side of the panel (the chat inside handles its own keys and asks to close). While the
  // panel is open, Tab from the launcher goes back into the chat, where Tab and Shift+Tab cycle (focus trap).
  document.addEventListener("keydown", function (ev) {
    if (!isOpen()) return;
    var here = panel.contains(document.activeElement) || document.activeElement === button;
    if (ev.key === "Escape" && here) close();
    if (ev.key === "Tab" && document.activeElement === button) { ev.preventDefault(); send("focus"); }
  });

  window.addEventListener("message", function (ev) {
    if (ev.origin !== serviceOrigin || ev.source !== frame.contentWindow) return;
    var data = ev.data || {};
    if (data.source !== "cqa-widget") return;
    if (data.type === "close") close();
    if (data.type === "ready") {
      ready = true;
      button.style.display = "";
      if (isOpen()) send("focus");
    }
  });

  function mount() {
    document.body.appendChild(panel);
    document.body.appendChild(button);
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
