// The traveler's self-check: reads the page config, posts to /admissibility/evaluate and shows
// the decision, reasons, what to bring and the rule version in the chosen language.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("sb-config").textContent);
  var lang = config.lang;
  var last = null; // the last answer, redrawn when the language changes

  function $(id) { return document.getElementById(id); }
  function t(key) { return config.labels[lang][key] || key; }
  function clear(el) { while (el.firstChild) { el.removeChild(el.firstChild); } }
  function item(list, text) {
    var li = document.createElement("li");
    li.textContent = text;
    list.appendChild(li);
    return li;
  }

  function fillSelects() {
    var port = $("f-port"), chosenPort = port.value || config.default_port;
    clear(port);
    config.ports.forEach(function (p) {
      var o = document.createElement("option");
      o.value = p.code;
      o.textContent = p.name + ", " + p.state + " (" + p.code + ")";
      port.appendChild(o);
    });
    port.value = chosenPort;
    var purpose = $("f-purpose"), chosenPurpose = purpose.value || "tourism";
    clear(purpose);
    config.purposes.forEach(function (p) {
      var o = document.createElement("option");
      o.value = p.value;
      o.textContent = p[lang];
      purpose.appendChild(o);
    });
    purpose.value = chosenPurpose;
    var program = $("f-program"), chosenProgram = program.value;
    clear(program);
    var none = document.createElement("option");
    none.value = "";
    none.textContent = t("none");
    program.appendChild(none);
    config.programs.forEach(function (p) {
      var o = document.createElement("option");
      o.value = p;
      o.textContent = p;
      program.appendChild(o);
    });
    program.value = chosenProgram;
    var docs = $("f-documents");
    var checked = {};
    docs.querySelectorAll("input").forEach(function (i) { checked[i.value] = i.checked; });
    docs.querySelectorAll("label").forEach(function (l) { docs.removeChild(l); });
    config.documents.forEach(function (d) {
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.value = d.value;
      box.name = "documents";
      box.checked = !!checked[d.value];
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + d[lang]));
      docs.appendChild(label);
    });
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(function (el) {
      el.textContent = t(el.getAttribute("data-i18n"));
    });
    ["en", "es"].forEach(function (l) {
      $("lang-" + l).setAttribute("aria-pressed", l === lang ? "true" : "false");
    });
    fillSelects();
    if (last) { show(last); }
  }

  // The UTC offset of a port's time zone at a local wall time ("YYYY-MM-DDTHH:MM").
  function offsetAt(timeZone, local) {
    var guess = Date.parse(local + ":00Z");
    var parts = new Intl.DateTimeFormat("en-US", {
      timeZone: timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit"
    }).formatToParts(new Date(guess));
    var v = {};
    parts.forEach(function (p) { v[p.type] = p.value; });
    var wall = Date.UTC(+v.year, +v.month - 1, +v.day, +v.hour, +v.minute, +v.second);
    var minutes = Math.round((wall - guess) / 60000);
    var sign = minutes < 0 ? "-" : "+";
    var abs = Math.abs(minutes);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return sign + pad(Math.floor(abs / 60)) + ":" + pad(abs % 60);
  }

  function body() {
    var code = $("f-port").value;
    var port = config.ports.filter(function (p) { return p.code === code; })[0];
    var when = $("f-when").value;
    var direction = $("f-direction").value;
    var traveler = { purpose: $("f-purpose").value };
    var nat = $("f-nationality").value.trim().toUpperCase();
    if (nat) { traveler.nationality = nat; }
    if ($("f-resident").checked) {
      traveler.lawful_resident_of = [direction === "northbound" ? "USA" : "MEX"];
    }
    if ($("f-birth").value) { traveler.date_of_birth = $("f-birth").value; }
    var docs = [];
    document.querySelectorAll("#f-documents input:checked").forEach(function (i) { docs.push(i.value); });
    traveler.documents = docs;
    traveler.documents_complete = true; // the page lists every document there is
    var distance = $("f-distance").value;
    if (distance !== "") {
      traveler[$("f-unit").value === "km" ? "destination_distance_km" : "destination_distance_miles"] = Number(distance);
    }
    if ($("f-stay").value !== "") { traveler.stay_days = Number($("f-stay").value); }
    if ($("f-program").value) { traveler.trusted_traveler_declared = [$("f-program").value]; }
    var vax = $("f-vax").value;
    if (vax === "full") { traveler.fully_vaccinated = true; traveler.vaccination_proof = true; }
    if (vax === "none") { traveler.fully_vaccinated = false; traveler.vaccination_proof = false; }
    return {
      traveler: traveler,
      port: code,
      at: when ? when + ":00" + offsetAt(port.time_zone, when) : "",
      direction: direction
    };
  }

  function show(answer) {
    $("problems").hidden = true;
    var r = answer.result;
    if (!r) { return showProblems(answer.problems); }
    var decision = $("r-decision");
    decision.className = "decision " + r.decision;
    decision.textContent = t(r.decision);
    var reasons = $("r-reasons"), bring = $("r-bring"), missing = $("r-missing");
    clear(reasons); clear(bring); clear(missing);
    r.reasons.forEach(function (x) {
      item(reasons, x[lang] + " (" + x.policy + ")").setAttribute("data-policy", x.policy);
    });
    r.bring.forEach(function (x) { item(bring, x[lang]).setAttribute("data-policy", x.policy); });
    r.missing.forEach(function (x) { item(missing, x); });
    $("r-missing-block").hidden = r.missing.length === 0;
    $("r-version").textContent = r.version;
    $("result").hidden = false;
    document.body.setAttribute("data-decision", r.decision);
  }

  function showProblems(problems) {
    $("result").hidden = true;
    var list = $("p-list");
    clear(list);
    problems.forEach(function (p) {
      var text = (lang === "es" ? p.message_es : p.message_en) || p.message || "";
      item(list, (p.pointer ? p.pointer + ": " : "") + text);
    });
    $("problems").hidden = false;
    document.body.setAttribute("data-decision", "problem");
  }

  $("check-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    document.body.removeAttribute("data-decision");
    fetch(config.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept-Language": lang },
      body: JSON.stringify(body())
    }).then(function (resp) {
      return resp.json().then(function (data) {
        if (resp.ok) {
          last = { result: data };
        } else {
          var problems = data.problems || data.errors || [];
          if (!problems.length) {
            problems = [{ message_en: data.detail || data.title, message_es: data.detail_es || data.detail || data.title }];
          }
          last = { problems: problems };
        }
        show(last);
      });
    }).catch(function () {
      last = { problems: [{ message_en: t("network"), message_es: t("network") }] };
      show(last);
    });
  });

  ["en", "es"].forEach(function (l) {
    $("lang-" + l).addEventListener("click", function () { lang = l; applyLanguage(); });
  });
  applyLanguage();
  document.body.setAttribute("data-ready", "true");
}());
