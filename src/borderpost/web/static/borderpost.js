// Borderpost booth: keyboard first. No framework; htmx does the requests.
(function () {
  "use strict";
  var KEYS = { a: "admit", r: "refer", x: "refuse" };

  function isTyping(el) {
    return el && (el.tagName === "INPUT" && el.type !== "radio" && el.type !== "checkbox" ||
                  el.tagName === "TEXTAREA" || el.tagName === "SELECT");
  }

  function fields(form) {
    return Array.prototype.filter.call(form.querySelectorAll("input, select, textarea"), function (el) {
      return el.type !== "hidden" && el.type !== "radio" && !el.disabled;
    });
  }

  document.addEventListener("keydown", function (event) {
    var form = document.getElementById("booth-form");
    if (!form) { return; }
    var key = (event.key || "").toLowerCase();
    var decision = KEYS[key];
    // A decision key: plain when not typing in a field, with Alt from anywhere.
    if (decision && (event.altKey || !isTyping(event.target)) && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      document.getElementById(decision).click();
      return;
    }
    // Enter moves on to the next field; after the last one, to the decision buttons.
    if (key === "enter" && form.contains(event.target) && event.target.tagName !== "BUTTON" &&
        event.target.tagName !== "TEXTAREA") {
      event.preventDefault();
      var list = fields(form);
      var next = list[list.indexOf(event.target) + 1];
      (next || document.getElementById("admit")).focus();
    }
  });

  // After htmx swaps in a form, put the cursor where the next keystroke goes.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    var el = target && target.querySelector("[autofocus]");
    if (el) { el.focus(); if (el.select) { el.select(); } }
  });
})();
