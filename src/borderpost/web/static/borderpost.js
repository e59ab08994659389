// Borderpost booth: keyboard first. No framework; htmx does the requests.
(function () {
  "use strict";
  // Keys by their place on the keyboard (KeyboardEvent.code), not the letter they type: the
  // same keys work with an Azerbaijani, Armenian or Russian layout, and in every browser (an
  // HTML accesskey is Alt in Chromium, Alt+Shift in Firefox, Ctrl+Option on macOS).
  var DECISIONS = { KeyA: "admit", KeyR: "refer", KeyX: "refuse" };
  var KINDS = { KeyP: "person", KeyV: "vehicle" };

  function isTyping(el) {
    return el && (el.tagName === "INPUT" && el.type !== "radio" && el.type !== "checkbox" ||
                  el.tagName === "TEXTAREA" || el.tagName === "SELECT");
  }

  function fields(form) {
    return Array.prototype.filter.call(form.querySelectorAll("input, select, textarea"), function (el) {
      return el.type !== "hidden" && el.type !== "radio" && !el.disabled;
    });
  }

  function kindRadio(form, kind) {
    return form.querySelector('input[type=radio][name=kind][value="' + kind + '"]');
  }

  // Alt+P, Alt+V: a person or a vehicle; Alt+M: the scan field (a person's form has it).
  function boothShortcut(form, code) {
    var kind = KINDS[code];
    if (kind) {
      var radio = kindRadio(form, kind);
      if (radio && !radio.checked) { radio.click(); } else if (radio) { radio.focus(); }
      return Boolean(radio);
    }
    if (code === "KeyM") {
      var mrz = document.getElementById("mrz");
      if (mrz) { mrz.focus(); return true; }
      var person = kindRadio(form, "person");
      if (person) { person.click(); }  // the person's form comes with the cursor in its scan field
      return Boolean(person);
    }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    var form = document.getElementById("booth-form");
    if (!form || event.ctrlKey || event.metaKey) { return; }
    var code = event.code || "";
    if (event.altKey && !event.shiftKey && boothShortcut(form, code)) {
      event.preventDefault();
      return;
    }
    var decision = DECISIONS[code];
    // A decision key: plain when not typing in a field, with Alt from anywhere.
    if (decision && (event.altKey || !isTyping(event.target))) {
      event.preventDefault();
      document.getElementById(decision).click();
      return;
    }
    // Enter moves on to the next field; after the last one, to the decision buttons.
    if (event.key === "Enter" && form.contains(event.target) && event.target.tagName !== "BUTTON" &&
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

  // A select marked data-submit-on-change (the language) sends its form when a choice is made
  // with the mouse or touch: here, not in an inline handler, which the Content-Security-Policy
  // forbids. Arrow keys on a closed select change its value at each press: from the keyboard
  // the choice is sent by Enter (or the form's button), not by the first arrow.
  var keyedSelect = null;

  function submitsOnChange(el) {
    return el && el.hasAttribute && el.hasAttribute("data-submit-on-change") && el.form;
  }

  // Back to this very page, its query (a report's period) and all: htmx may have moved the
  // address on since the page was served.
  function send(form) {
    if (form.elements.back) { form.elements.back.value = location.pathname + location.search; }
    form.submit();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.querySelector && form.querySelector("[data-submit-on-change]") &&
        form.elements.back) {
      form.elements.back.value = location.pathname + location.search;
    }
  });

  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (!submitsOnChange(el)) { return; }
    if (event.key === "Enter") {
      event.preventDefault();
      keyedSelect = null;
      send(el.form);
    } else if (event.key !== "Tab") {
      keyedSelect = el;
    }
  });

  document.addEventListener("pointerdown", function () { keyedSelect = null; }, true);

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (submitsOnChange(el) && keyedSelect !== el) {
      send(el.form);
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
