/* SmartBorder dashboard: the targeting effectiveness panel, for the agencies only.
 * Signs in with an agency's API client (OAuth2 client credentials; the token is kept in this
 * page's memory only, never stored) and reads GET /risk/effectiveness. A client of another
 * role gets the node's 403, said here in the page's language. */
(function () {
  "use strict";

  const CFG = JSON.parse(document.getElementById("sb-config").textContent);
  const panel = { token: null, report: null, error: null };

  function t(key) {
    return window.SBDashboard.t(key);
  }

  function isoDay(d) {
    return d.toISOString().slice(0, 10);
  }

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    tr.appendChild(td);
  }

  function pct(fig) {
    if (!fig || fig.status !== "ok") return t("risk_not_enough");
    const p = (v) => (100 * v).toLocaleString(document.documentElement.lang === "es" ? "es-MX" : "en-US", { maximumFractionDigits: 1 }) + " %";
    return `${p(fig.value)} (${p(fig.low)}–${p(fig.high)})`;
  }

  function times(fig) {
    if (!fig || fig.status !== "ok") return t("risk_not_enough");
    return `${fig.value.toFixed(2)}× (${fig.low.toFixed(2)}–${fig.high.toFixed(2)})`;
  }

  function counts(fig) {
    if ("count" in fig) return `${fig.hits} / ${fig.count}`;
    return Object.entries(fig.basis).map(([k, v]) => `${k} ${v}`).join(", ");
  }

  function table(head, rows) {
    const el = document.createElement("table");
    const tr = document.createElement("tr");
    for (const h of head) {
      const th = document.createElement("th");
      th.textContent = h;
      tr.appendChild(th);
    }
    const thead = document.createElement("thead");
    thead.appendChild(tr);
    el.appendChild(thead);
    const body = document.createElement("tbody");
    for (const r of rows) {
      const row = document.createElement("tr");
      r.forEach((c, i) => cell(row, c, i > 0 ? "num" : ""));
      body.appendChild(row);
    }
    el.appendChild(body);
    return el;
  }

  function say(key, cls, extra) {
    const p = document.createElement("p");
    p.className = cls || "empty";
    p.textContent = t(key) + (extra ? ` ${extra}` : "");
    return p;
  }

  function render() {
    const box = document.getElementById("risk");
    if (panel.error) return box.replaceChildren(say(panel.error.key, "error", panel.error.detail));
    if (!panel.token) return box.replaceChildren(say("risk_signed_out"));
    const r = panel.report;
    if (!r) return box.replaceChildren(say("loading"));
    const nodes = [];
    if (r.status !== "ok") nodes.push(say("risk_not_enough_all", "empty risk-not-enough"));
    const figures = [
      ["risk_targeted_hit", r.targeted_hit_rate],
      ["risk_random_hit", r.random_hit_rate],
      ["risk_overall", r.non_compliance_overall],
      ["risk_missed", r.missed_share],
    ];
    const main = table([t("risk_figure"), t("risk_value"), t("risk_counts")], figures.map(([k, f]) => [t(k), pct(f), counts(f)]));
    main.id = "risk-figures";
    nodes.push(main);
    for (const [key, group] of [["risk_by_rule", r.by_rule], ["risk_by_version", r.by_weight_set]]) {
      const h = document.createElement("h3");
      h.textContent = t(key);
      nodes.push(h);
      const rows = Object.entries(group).map(([name, g]) => [name, String(g.examined), pct(g.precision), times(g.lift), window.SBDashboard.fmt(g.revenue_recovered_usd, 2)]);
      nodes.push(rows.length ? table(["", t("risk_examined"), t("risk_precision"), t("risk_lift"), t("risk_revenue")], rows) : say("no_data"));
    }
    box.replaceChildren(...nodes);
  }

  async function load() {
    panel.report = null;
    panel.error = null;
    render();
    const url = new URL("/risk/effectiveness", window.location.origin);
    const q = {
      from: document.getElementById("risk-from").value,
      to: document.getElementById("risk-to").value,
      port: document.getElementById("risk-port").value,
      direction: document.getElementById("risk-direction").value,
    };
    for (const [k, v] of Object.entries(q)) if (v) url.searchParams.set(k, v);
    const resp = await fetch(url, {
      headers: { Accept: "application/json", Authorization: `Bearer ${panel.token}`, "Accept-Language": document.documentElement.lang },
    });
    if (resp.ok) {
      panel.report = await resp.json();
    } else if (resp.status === 403) {
      panel.error = { key: "risk_forbidden" };
    } else {
      const body = await resp.json().catch(() => ({}));
      panel.error = { key: "risk_failed", detail: body.detail || String(resp.status) };
    }
    render();
  }

  async function signIn(ev) {
    ev.preventDefault();
    const id = document.getElementById("risk-client-id").value.trim();
    const secret = document.getElementById("risk-client-secret").value;
    panel.token = null;
    panel.error = null;
    const resp = await fetch("/oauth/token", {
      method: "POST",
      headers: { Authorization: "Basic " + btoa(`${id}:${secret}`), "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    document.getElementById("risk-client-secret").value = "";
    if (!resp.ok) {
      panel.error = { key: "risk_bad_login" };
      return render();
    }
    panel.token = (await resp.json()).access_token;
    await load();
  }

  function fillControls() {
    const port = document.getElementById("risk-port");
    const chosenPort = port.value;
    port.replaceChildren(new Option(t("risk_any"), ""), ...CFG.ports.map((p) => new Option(`${p.name} (${p.code})`, p.code)));
    port.value = chosenPort;
    const dir = document.getElementById("risk-direction");
    const chosenDir = dir.value;
    dir.replaceChildren(new Option(t("risk_any"), ""), new Option(t("risk_northbound"), "northbound"), new Option(t("risk_southbound"), "southbound"));
    dir.value = chosenDir;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const now = new Date();
    document.getElementById("risk-to").value = isoDay(new Date(now.getTime() + 86400000));
    document.getElementById("risk-from").value = isoDay(new Date(now.getTime() - 90 * 86400000));
    fillControls();
    render();
    document.getElementById("risk-login").addEventListener("submit", signIn);
    document.getElementById("risk-query").addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (panel.token) load();
    });
  });
  document.addEventListener("sb:lang", () => {
    fillControls();
    render();
  });
})();
