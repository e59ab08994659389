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
      // Shown fields only: the folded JSON box of the cargo form is skipped.
      return el.type !== "hidden" && el.type !== "radio" && !el.disabled && el.getClientRects().length > 0;
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

  // The cargo form's rows (goods items, permits): added from the row's <template>, removed by
  // their button, and numbered again so that the fields the server reads (items-0-hs_code …)
  // and the line numbers of its problems follow the rows as the officer sees them.
  function renumber(body, group) {
    var pattern = new RegExp("^" + group + "-(\\d+|__N__)-");
    Array.prototype.forEach.call(body.rows, function (row, n) {
      var line = row.querySelector(".line");
      if (line) { line.textContent = String(n + 1); }
      Array.prototype.forEach.call(row.querySelectorAll("[name], [id], [aria-describedby]"), function (el) {
        ["name", "id", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(pattern, group + "-" + n + "-")); }
        });
      });
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("[data-add-row], [data-remove-row]");
    if (!button) { return; }
    var body;
    if (button.hasAttribute("data-add-row")) {
      var group = button.getAttribute("data-add-row");
      var template = document.getElementById(group + "-row");
      body = document.getElementById(group + "-rows");
      if (!template || !body) { return; }
      body.appendChild(template.content.cloneNode(true));
      renumber(body, group);
      var first = body.rows[body.rows.length - 1].querySelector("input");
      if (first) { first.focus(); }
    } else {
      var row = button.closest("tr");
      body = row && row.parentNode;
      if (!body) { return; }
      var name = body.id.replace(/-rows$/, "");
      if (body.rows.length > 1) {
        body.removeChild(row);
      } else {  // the last row stays, emptied: there is always one to fill
        Array.prototype.forEach.call(row.querySelectorAll("input"), function (el) { el.value = ""; });
      }
      renumber(body, name);
    }
  });

  // HS codes as the officer types (data-hs-search): the nomenclature's matches fill the shared
  // <datalist>, from /api/v1/cargo/hs (the session's cookie signs the request in).
  var hsTimer = null;
  var hsAsked = "";
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (!el || !el.hasAttribute || !el.hasAttribute("data-hs-search")) { return; }
    var list = document.getElementById(el.getAttribute("list"));
    var words = el.value.trim();
    if (!list || words.length < 2 || words === hsAsked) { return; }
    window.clearTimeout(hsTimer);
    hsTimer = window.setTimeout(function () {
      hsAsked = words;
      fetch("/api/v1/cargo/hs?limit=15&q=" + encodeURIComponent(words), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      }).then(function (answer) {
        return answer.ok ? answer.json() : [];
      }).then(function (entries) {
        if (el.value.trim() !== words) { return; }  // typed on meanwhile: a newer answer comes
        list.textContent = "";
        entries.forEach(function (entry) {
          var option = document.createElement("option");
          option.value = entry.dotted;
          option.label = entry.dotted + " " + entry.description;
          option.textContent = entry.description;
          list.appendChild(option);
        });
        list.setAttribute("data-for", words);
      }).catch(function () { hsAsked = ""; });
    }, 150);
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
