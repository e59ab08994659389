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

  // A document reader types the MRZ like a keyboard, each line ended by Enter: the server
  // reads it at the Enter after the last line its layout needs (3 of 30, or 2 of 36 or 44),
  // so no keystroke of the reader is left to land elsewhere. A paste is read at once when
  // complete. The cursor stays in the scan field: Alt+A, Alt+R or Alt+X decides from there.
  var lastScan = null;

  function mrzLines(text) {
    return text.split(/\r?\n/).map(function (line) { return line.replace(/\s/g, ""); })
      .filter(function (line) { return line.length > 0; });
  }

  function mrzComplete(text, inputType) {
    var pasted = inputType === "insertFromPaste" || inputType === "insertFromDrop";
    if (!pasted && inputType !== "insertLineBreak") { return false; }
    var lines = mrzLines(text);
    if (lines.length === 1) { return [72, 88, 90].indexOf(lines[0].length) >= 0; }
    if (lines.length < 2) { return false; }
    var need = lines[0].length <= 32 ? 3 : 2;
    if (lines.length < need) { return false; }
    return !pasted || lines[need - 1].length >= lines[0].length;
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (!el || el.id !== "mrz" || !window.htmx) { return; }
    var key = mrzLines(el.value).join("\n");
    if (key !== lastScan && mrzComplete(el.value, event.inputType)) {
      lastScan = key;
      window.htmx.trigger(el, "mrz-complete");
    }
  });

  // A select marked data-submit-on-change (the language) sends its form when changed: here,
  // not in an inline handler, which the Content-Security-Policy forbids.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-submit-on-change") && el.form) {
      el.form.submit();
    }
  });

  // After htmx swaps in a form, put the cursor where the next keystroke goes.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    var mrz = document.getElementById("mrz");
    if (mrz && !mrz.value) { lastScan = null; }  // a new form: the same document may come again
    var el = target && target.querySelector("[autofocus]");
    if (el) { el.focus(); if (el.select) { el.select(); } }
  });
})();
