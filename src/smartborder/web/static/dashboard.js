/* SmartBorder dashboard: reads the open-data JSON endpoints of this node and draws inline SVG.
 * No framework, no CDN, no map tiles: the border is a projected outline drawn here.
 * Configuration (labels in both languages, ports, endpoint paths) comes from the page in
 * <script id="sb-config" type="application/json">. */
(function () {
  "use strict";

  const CFG = JSON.parse(document.getElementById("sb-config").textContent);
  const SVGNS = "http://www.w3.org/2000/svg";
  const state = { lang: CFG.lang, crossing: null, lane: null, port: null, data: {} };

  // ---------- language ----------
  function t(key) {
    const table = CFG.labels[state.lang] || CFG.labels.en;
    return key in table ? table[key] : key;
  }

  // A label with {name} placeholders filled in.
  function tf(key, vars) {
    return t(key).replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  }

  // Shares out of fewer than this many are shown grey and said to be too few to judge.
  const MIN_SHARE_N = 30;

  function applyLabels() {
    document.documentElement.lang = state.lang;
    document.title = t("page_title");
    document.querySelectorAll("[data-i18n]").forEach((el) => {
      el.textContent = t(el.dataset.i18n);
    });
    document.querySelectorAll(".lang-switch button").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.lang === state.lang));
    });
  }

  function setLang(lang) {
    state.lang = lang;
    try { window.localStorage.setItem("sb-lang", lang); } catch (e) { /* private mode */ }
    const url = new URL(window.location.href);
    url.searchParams.set("lang", lang);
    window.history.replaceState(null, "", url);
    applyLabels();
    renderAll();
    document.dispatchEvent(new CustomEvent("sb:lang", { detail: lang }));
  }

  // ---------- helpers ----------
  function el(tag, attrs, text) {
    const node = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(width, height) {
    return el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
  }

  function fmt(n, digits) {
    if (n === null || n === undefined || Number.isNaN(n)) return "—";
    return Number(n).toLocaleString(state.lang === "es" ? "es-MX" : "en-US", {
      maximumFractionDigits: digits === undefined ? 0 : digits,
    });
  }

  function waitColor(min) {
    if (min === null || min === undefined) return "#9aa7b4";
    if (min < 15) return "#2e8b57";
    if (min < 45) return "#d4a017";
    if (min < 90) return "#e07b24";
    return "#b42318";
  }

  function heatColor(v, max) {
    if (v === null || v === undefined) return "#eef2f7";
    const x = Math.max(0, Math.min(1, v / Math.max(max, 1)));
    // light yellow -> orange -> dark red
    const r = Math.round(255 - 75 * x);
    const g = Math.round(240 - 200 * x);
    const b = Math.round(180 - 160 * x);
    return `rgb(${r},${g},${b})`;
  }

  function laneLabel(lane) {
    return t("lane_" + lane);
  }

  async function getJSON(path, params) {
    const url = new URL(path, window.location.origin);
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== null && v !== undefined && v !== "") url.searchParams.set(k, v);
    }
    const resp = await fetch(url, { headers: { Accept: "application/json" } });
    if (!resp.ok) {
      const err = new Error(`${resp.status} ${url.pathname}`);
      err.status = resp.status;
      throw err;
    }
    return resp.json();
  }

  function mount(id, node) {
    const box = document.getElementById(id);
    box.replaceChildren(node);
  }

  function message(id, key, cls) {
    const p = document.createElement("p");
    p.className = cls || "empty";
    p.dataset.i18n = key;
    p.textContent = t(key);
    mount(id, p);
  }

  // ---------- map ----------
  // Equirectangular projection scaled by cos(29°) so the border keeps its shape, fitted into
  // the middle band of the drawing; labels sit in four rows above and below with leader lines,
  // so neighbouring ports (San Ysidro, Otay Mesa, Tecate...) never cover each other.
  const MAP = { w: 1200, h: 600, band: [150, 450], pad: 40, lon0: -117.3, lon1: -97.0, lat0: 32.8, lat1: 25.8 };
  const K = Math.cos((29 * Math.PI) / 180);
  const S = Math.min((MAP.w - 2 * MAP.pad) / ((MAP.lon1 - MAP.lon0) * K), (MAP.band[1] - MAP.band[0]) / (MAP.lat0 - MAP.lat1));
  const X0 = (MAP.w - (MAP.lon1 - MAP.lon0) * K * S) / 2;
  function project(lat, lon) {
    return [X0 + (lon - MAP.lon0) * K * S, MAP.band[0] + (MAP.lat0 - lat) * S];
  }
  const LABEL_ROWS = [28, 82, MAP.h - 78, MAP.h - 24];

  function renderMap() {
    const root = svg(MAP.w, MAP.h);
    root.setAttribute("aria-label", t("map_title"));
    root.id = "map-svg";
    const pts = CFG.border.map(([lon, lat]) => project(lat, lon).map((v) => v.toFixed(1)).join(",")).join(" ");
    root.appendChild(el("polyline", { points: pts, class: "map-border" }));
    const [ux, uy] = project(31.3, -101.5);
    root.appendChild(el("text", { x: ux, y: uy, class: "map-country", "text-anchor": "middle" }, t("country_us")));
    const [mx, my] = project(28.3, -108.0);
    root.appendChild(el("text", { x: mx, y: my, class: "map-country", "text-anchor": "middle" }, t("country_mx")));

    const waits = state.data.current || {};
    const sorted = [...CFG.ports].sort((a, b) => a.longitude - b.longitude);
    const step = (MAP.w - 2 * MAP.pad) / Math.max(1, sorted.length - 1);
    sorted.forEach((port, i) => {
      const [x, y] = project(port.latitude, port.longitude);
      const w = waits[port.code];
      const g = el("g", { class: "port", "data-port": port.code, tabindex: 0 });
      const lx = MAP.pad + i * step;
      const ly = LABEL_ROWS[i % 4];
      const above = ly < MAP.band[0];
      g.appendChild(el("line", { x1: x, y1: y, x2: lx, y2: above ? ly + 16 : ly - 24, class: "leader" }));
      const dot = el("circle", { cx: x, cy: y, r: w ? 7 : 5, fill: waitColor(w ? w.wait_min : null), class: "port-dot" });
      const tip = w
        ? `${port.name} (${port.code}) — ${fmt(w.wait_min)} ${t("minutes")} · ${laneLabel(w.lane)}`
        : `${port.name} (${port.code}) — ${t("no_current_wait")}`;
      dot.appendChild(el("title", {}, tip));
      g.appendChild(dot);
      const label = el("text", { x: lx, y: ly - 10, "text-anchor": "middle", class: "port-label" });
      label.appendChild(el("tspan", { x: lx, dy: 0 }, port.name));
      const waitText = w ? `${fmt(w.wait_min)} ${t("min_short")}` : "—";
      label.appendChild(el("tspan", { x: lx, dy: 14, class: "port-wait", "data-wait": w ? w.wait_min : "" }, waitText));
      g.appendChild(label);
      g.addEventListener("click", () => selectPort(port.code));
      root.appendChild(g);
    });
    mount("map", root);
  }

  // ---------- current waits table ----------
  function renderCurrentTable() {
    const rows = state.data.currentRows || [];
    if (!rows.length) return message("current-table", "no_data");
    const table = document.createElement("table");
    table.innerHTML = `<thead><tr><th>${t("port")}</th><th>${t("crossing")}</th><th>${t("lane")}</th><th>${t("wait")}</th><th>${t("lanes_open")}</th><th>${t("updated")}</th></tr></thead>`;
    const body = document.createElement("tbody");
    for (const r of rows) {
      const tr = document.createElement("tr");
      const cells = [r.port_name, r.crossing_name || r.crossing, laneLabel(r.lane), fmt(r.wait_min), fmt(r.lanes_open), r.updated_local || r.updated_at];
      cells.forEach((c, i) => {
        const td = document.createElement("td");
        if (i === 3 || i === 4) td.className = "num";
        td.textContent = c === null || c === undefined ? "—" : c;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    }
    table.appendChild(body);
    mount("current-table", table);
  }

  // ---------- selection ----------
  function fillSelectors() {
    const cs = document.getElementById("sel-crossing");
    const ls = document.getElementById("sel-lane");
    const crossings = state.data.crossings || [];
    const name = (c) => (!c.crossing_name || c.crossing_name === c.port_name ? c.port_name : `${c.port_name} — ${c.crossing_name}`);
    cs.replaceChildren(...crossings.map((c) => new Option(`${name(c)} (${c.crossing})`, c.crossing)));
    if (state.crossing) cs.value = state.crossing;
    const lanes = (crossings.find((c) => c.crossing === cs.value) || { lanes: [] }).lanes;
    ls.replaceChildren(...lanes.map((l) => new Option(laneLabel(l), l)));
    if (state.lane && lanes.includes(state.lane)) ls.value = state.lane;
    state.crossing = cs.value || null;
    state.lane = ls.value || null;
  }

  function selectPort(code) {
    const c = (state.data.crossings || []).find((x) => x.port_code === code);
    if (!c) return;
    state.crossing = c.crossing;
    state.lane = null;
    fillSelectors();
    loadSeries();
  }

  // ---------- heatmap ----------
  function renderHeatmap() {
    const cells = state.data.heatmap;
    if (!cells) return message("heatmap", "loading");
    if (!cells.length) return message("heatmap", "no_data");
    const cw = 30, ch = 24, left = 44, top = 18;
    const root = svg(left + 24 * cw + 4, top + 7 * ch + 30);
    root.id = "heatmap-svg";
    const max = Math.max(...cells.map((c) => c.wait_min || 0));
    for (let h = 0; h < 24; h += 1) {
      root.appendChild(el("text", { x: left + h * cw + cw / 2, y: 12, "text-anchor": "middle", class: "axis" }, String(h)));
    }
    for (let d = 0; d < 7; d += 1) {
      root.appendChild(el("text", { x: left - 6, y: top + d * ch + ch / 2 + 4, "text-anchor": "end", class: "axis" }, t("day_" + d)));
    }
    for (const c of cells) {
      const rect = el("rect", {
        x: left + c.hour * cw, y: top + c.weekday * ch, width: cw, height: ch,
        fill: heatColor(c.wait_min, max), class: "heat-cell",
        "data-hour": c.hour, "data-weekday": c.weekday, "data-wait": c.wait_min,
      });
      rect.appendChild(el("title", {}, `${t("day_" + c.weekday)} ${c.hour}:00 — ${fmt(c.wait_min, 1)} ${t("minutes")} (n=${c.n})`));
      root.appendChild(rect);
    }
    root.appendChild(el("text", { x: left, y: top + 7 * ch + 20, class: "axis" }, t("hour_local")));
    // Colour scale: 0 to the largest mean, in five steps.
    const lx = left + 24 * cw - 5 * 22 - 110;
    for (let i = 0; i <= 4; i += 1) {
      root.appendChild(el("rect", { x: lx + 40 + i * 22, y: top + 7 * ch + 9, width: 22, height: 12, fill: heatColor((max * i) / 4, max) }));
    }
    root.appendChild(el("text", { x: lx + 36, y: top + 7 * ch + 20, "text-anchor": "end", class: "axis" }, "0"));
    root.appendChild(el("text", { x: lx + 40 + 5 * 22 + 4, y: top + 7 * ch + 20, class: "axis" }, `${fmt(max)} ${t("min_short")}`));
    mount("heatmap", root);
  }

  // ---------- line charts ----------
  function lineChart(id, series, opts) {
    const all = series.flatMap((s) => s.points);
    if (!all.length) return message(id, "no_data");
    const W = 700, H = 220, L = 44, B = 28, T = 10, R = 10;
    const xs = all.map((p) => p.x), ys = all.map((p) => p.y);
    const x0 = Math.min(...xs), x1 = Math.max(...xs), y1 = Math.max(10, ...ys);
    const sx = (x) => L + ((x - x0) / Math.max(1, x1 - x0)) * (W - L - R);
    const sy = (y) => H - B - (y / y1) * (H - B - T);
    const root = svg(W, H);
    root.id = id + "-svg";
    for (let i = 0; i <= 4; i += 1) {
      const v = (y1 * i) / 4;
      root.appendChild(el("line", { x1: L, x2: W - R, y1: sy(v), y2: sy(v), stroke: "#eef2f7" }));
      root.appendChild(el("text", { x: L - 4, y: sy(v) + 3, "text-anchor": "end", class: "axis" }, fmt(v)));
    }
    for (const s of series) {
      if (!s.points.length) continue;
      const d = s.points.map((p, i) => `${i ? "L" : "M"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join("");
      root.appendChild(el("path", { d, class: "line " + (s.cls || "") }));
    }
    const ticks = opts.ticks(x0, x1);
    for (const [x, label] of ticks) {
      root.appendChild(el("text", { x: sx(x), y: H - 8, "text-anchor": "middle", class: "axis" }, label));
    }
    mount(id, root);
  }

  function dateTicks(x0, x1) {
    const out = [];
    const n = 6;
    for (let i = 0; i <= n; i += 1) {
      const x = x0 + ((x1 - x0) * i) / n;
      const d = new Date(x);
      out.push([x, d.toLocaleDateString(state.lang === "es" ? "es-MX" : "en-US", { month: "short", day: "numeric" })]);
    }
    return out;
  }

  function renderTrend() {
    const rows = state.data.trend;
    if (!rows) return message("trend", "loading");
    const mean = rows.map((r) => ({ x: Date.parse(r.day), y: r.wait_mean_min }));
    const p95 = rows.filter((r) => r.wait_p95_min !== null && r.wait_p95_min !== undefined).map((r) => ({ x: Date.parse(r.day), y: r.wait_p95_min }));
    lineChart("trend", [{ points: mean }, { points: p95, cls: "p95" }], { ticks: dateTicks });
  }

  function renderForecast() {
    const f = state.data.forecast;
    if (f === undefined) return message("forecast", "loading");
    if (!f) return message("forecast", "no_forecast");
    const table = document.createElement("table");
    table.id = "forecast-table";
    const zone = f.time_zone || "UTC";
    const local = (iso) => (iso ? iso.replace("T", " ").slice(0, 16) : "");
    // The range the published wait fell in 80 % of the time on weeks the model did not
    // train on; shown where the model has one (forecast-train measures it).
    const ranged = f.points.some((p) => p.low_min !== null && p.low_min !== undefined);
    const methods = new Set(f.points.map((p) => p.method || f.method));
    const mixed = methods.size > 1;
    const rangeHead = ranged ? `<th>${t("forecast_range")}</th>` : "";
    const methodHead = mixed ? `<th>${t("method")}</th>` : "";
    table.innerHTML = `<thead><tr><th>${t("hours_ahead")}</th><th>${tf("time_local", { zone })}</th><th>${t("forecast_wait")}</th>${rangeHead}${methodHead}</tr></thead>`;
    const body = document.createElement("tbody");
    for (const p of f.points) {
      const tr = document.createElement("tr");
      tr.dataset.method = p.method || f.method;
      const range = ranged && p.low_min !== null ? `<td class="num range">${fmt(p.low_min)}–${fmt(p.high_min)} ${t("min_short")}</td>` : ranged ? `<td class="num range"></td>` : "";
      const method = mixed ? `<td class="method">${t("method_" + (p.method || f.method))}</td>` : "";
      tr.innerHTML = `<td class="num">+${p.horizon_h} h</td><td>${local(p.at_local) || local(p.at_utc) + " UTC"}</td><td class="num">${fmt(p.wait_min)} ${t("min_short")}</td>${range}${method}`;
      body.appendChild(tr);
    }
    table.appendChild(body);
    const note = document.createElement("p");
    note.className = "note";
    const issued = f.issued_from_local ? `${local(f.issued_from_local)} (${zone})` : `${local(f.issued_from_utc)} UTC`;
    note.textContent = `${t("forecast_from")} ${issued}: ${fmt(f.wait_now_min)} ${t("min_short")} · ${t("method_" + f.method)}`;
    const box = document.createElement("div");
    box.append(note);
    const history = document.createElement("p");
    history.className = "note forecast-history";
    history.textContent = tf("forecast_history", { n: fmt(f.history_readings), h: fmt(f.history_hours) });
    box.append(history);
    if (f.model_history) {
      const m = f.model_history;
      const model = document.createElement("p");
      model.className = "note model-history";
      model.textContent = tf("model_history", {
        n: fmt(m.readings), s: fmt(m.series), first: m.first_utc.slice(0, 10), last: m.last_utc.slice(0, 10),
        source: t("source_" + m.source),
      });
      box.append(model);
    }
    if (f.fallback) {
      const fb = document.createElement("p");
      fb.className = "note fallback";
      fb.textContent = t("fallback_" + f.fallback);
      box.append(fb);
    }
    box.append(table);
    mount("forecast", box);
  }

  // ---------- bars (BTS volumes, emissions, pre-clearance) ----------
  function hbarChart(id, rows, opts) {
    if (!rows || !rows.length || !rows.some((r) => r.value > 0)) return message(id, "no_data");
    const W = 700, L = 150, R = 230, row = 22;
    const H = rows.length * row + 8;
    const max = Math.max(...rows.map((r) => r.value), 1e-9);
    const root = svg(W, H);
    root.id = id + "-svg";
    rows.forEach((r, i) => {
      const y = 4 + i * row;
      const w = (r.value / max) * (W - L - R);
      root.appendChild(el("text", { x: L - 6, y: y + 15, "text-anchor": "end", class: "axis label" }, r.label));
      const text = r.text || opts.format(r.value);
      const rect = el("rect", { x: L, y: y + 3, width: Math.max(1, w), height: row - 6, class: "bar" + (r.alt ? " alt" : "") + (r.weak ? " weak" : ""), "data-label": r.label, "data-n": r.n === undefined ? "" : r.n });
      rect.appendChild(el("title", {}, `${r.label}: ${text}`));
      root.appendChild(rect);
      root.appendChild(el("text", { x: L + w + 4, y: y + 15, class: "axis bar-value" }, text));
    });
    mount(id, root);
  }

  function barChart(id, rows, opts) {
    if (!rows || !rows.length || !rows.some((r) => r.value > 0)) return message(id, "no_data");
    const W = 700, H = 230, L = 60, B = 30, T = 10;
    const max = Math.max(...rows.map((r) => r.value), 1);
    const bw = (W - L - 10) / rows.length;
    const root = svg(W, H);
    root.id = id + "-svg";
    for (let i = 0; i <= 4; i += 1) {
      const v = (max * i) / 4;
      const y = H - B - (v / max) * (H - B - T);
      root.appendChild(el("text", { x: L - 4, y: y + 3, "text-anchor": "end", class: "axis" }, opts.format(v)));
      root.appendChild(el("line", { x1: L, x2: W - 10, y1: y, y2: y, stroke: "#eef2f7" }));
    }
    rows.forEach((r, i) => {
      const h = (r.value / max) * (H - B - T);
      const rect = el("rect", { x: L + i * bw + 1, y: H - B - h, width: Math.max(1, bw - 2), height: h, class: "bar" + (r.alt ? " alt" : ""), "data-label": r.label });
      rect.appendChild(el("title", {}, `${r.label}: ${opts.format(r.value)}`));
      root.appendChild(rect);
      if (rows.length <= 30 && (rows.length <= 12 || i % 2 === 0)) {
        root.appendChild(el("text", { x: L + i * bw + bw / 2, y: H - 12, "text-anchor": "middle", class: "axis" }, r.label));
      }
    });
    mount(id, root);
  }

  function renderBts() {
    const got = state.data.bts;
    const big = (v) => (v >= 1e6 ? fmt(v / 1e6, 1) + " M" : v >= 1e3 ? fmt(v / 1e3, 0) + " k" : fmt(v));
    if (!got) { message("bts-pv", "loading"); return message("bts-trucks", "loading"); }
    // BTS counts, or (none stored) this node's own counts from its crossing events: say which.
    const events = got.source === "events";
    const sec = document.getElementById("sec-bts");
    sec.querySelector("h2").dataset.i18n = events ? "bts_title_events" : "bts_title";
    sec.querySelector("p.note").dataset.i18n = events ? "bts_note_events" : "bts_note";
    sec.querySelector("h2").textContent = t(sec.querySelector("h2").dataset.i18n);
    sec.querySelector("p.note").textContent = t(sec.querySelector("p.note").dataset.i18n);
    const rows = got.years || [];
    const label = (y) => "'" + String(y).slice(-2);
    barChart("bts-pv", rows.map((r) => ({ label: label(r.year), value: r.personal_vehicles })), { format: big });
    barChart("bts-trucks", rows.map((r) => ({ label: label(r.year), value: r.trucks, alt: true })), { format: big });
  }

  function renderEmissions() {
    const rows = state.data.emissions;
    if (!rows) return message("emissions", "loading");
    const tonnes = (v) => (v >= 1 ? fmt(v, 1) : fmt(v, 3)) + " t";
    hbarChart("emissions", rows.map((r) => ({ label: r.label, value: r.value, n: r.n, text: `${tonnes(r.value)} (${tf("readings_n", { n: fmt(r.n) })})` })), { format: tonnes });
  }

  function renderPreclearance() {
    const rows = state.data.preclearance;
    if (!rows) return message("preclearance", "loading");
    hbarChart("preclearance", rows.map((r) => {
      const pct = fmt(r.value * 100, 0) + " %";
      const weak = !(r.n >= MIN_SHARE_N);
      const text = tf("share_of", { pct, n: fmt(r.n) }) + (weak ? ` — ${t("too_few")}` : "");
      return { label: r.label, value: r.value * 100, alt: true, weak, n: r.n, text };
    }), { format: (v) => fmt(v, 0) + " %" });
  }

  function renderAll() {
    renderMap();
    renderCurrentTable();
    fillSelectors();
    renderHeatmap();
    renderTrend();
    renderForecast();
    renderBts();
    renderEmissions();
    renderPreclearance();
  }

  // ---------- loading ----------
  async function guarded(key, fn) {
    try {
      state.data[key] = await fn();
    } catch (e) {
      state.data[key] = e.status === 404 || e.status === 503 ? null : [];
      if (!(e.status === 404 || e.status === 503)) console.warn(`dashboard: ${key}: ${e.message}`);
    }
  }

  async function loadSeries() {
    if (!state.crossing || !state.lane) return;
    state.data.heatmap = undefined;
    state.data.trend = undefined;
    state.data.forecast = undefined;
    renderHeatmap(); renderTrend(); renderForecast();
    const q = { crossing: state.crossing, lane: state.lane };
    const api = window.SBData;
    await Promise.all([
      guarded("heatmap", () => api.heatmap(CFG.endpoints, q)),
      guarded("trend", () => api.trend(CFG.endpoints, q)),
      guarded("forecast", () => getJSON(CFG.endpoints.forecast, q)),
    ]);
    renderHeatmap(); renderTrend(); renderForecast();
  }

  async function loadAll() {
    const api = window.SBData;
    await guarded("currentRows", () => api.current(CFG.endpoints, CFG.ports));
    state.data.current = api.byPort(state.data.currentRows || []);
    state.data.crossings = api.crossings(state.data.currentRows || [], CFG.ports);
    const first = state.data.crossings.find((c) => c.port_code === CFG.default_port) || state.data.crossings[0];
    if (first && !state.crossing) {
      state.crossing = first.crossing;
      state.lane = first.lanes.includes("passenger_standard") ? "passenger_standard" : first.lanes[0];
    }
    if (!first) {
      // Nothing imported yet: say so instead of "Loading…".
      state.data.heatmap = [];
      state.data.trend = [];
      state.data.forecast = null;
    }
    renderAll();
    await Promise.all([
      loadSeries(),
      guarded("bts", () => api.bts(CFG.endpoints)),
      guarded("emissions", () => api.emissions(CFG.endpoints, CFG.ports)),
      guarded("preclearance", () => api.preclearance(CFG.endpoints, CFG.ports)),
    ]);
    renderBts(); renderEmissions(); renderPreclearance();
    document.body.dataset.ready = "true";
  }

  window.SBDashboard = { getJSON, t, fmt };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".lang-switch button").forEach((b) => b.addEventListener("click", () => setLang(b.dataset.lang)));
    document.getElementById("sel-crossing").addEventListener("change", (e) => { state.crossing = e.target.value; state.lane = null; fillSelectors(); loadSeries(); });
    document.getElementById("sel-lane").addEventListener("change", (e) => { state.lane = e.target.value; loadSeries(); });
    applyLabels();
    loadAll();
  });
})();
