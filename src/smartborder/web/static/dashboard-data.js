/* SmartBorder dashboard: the data layer. Reads the node's open-data endpoints (GET /kpi/...,
 * JSON form {"meta", "columns", "data"}) and hands the charts plain rows. */
(function () {
  "use strict";

  // SmartBorder's (mode, lane_type) vocabulary <-> the forecaster's lane keys.
  const MODE_KEY = { passenger_vehicle: "passenger", commercial: "commercial", pedestrian: "pedestrian" };
  const LANE_KEY = { general: "standard", fast: "fast", sentri: "sentri", ready: "ready" };
  const KEY_MODE = Object.fromEntries(Object.entries(MODE_KEY).map(([k, v]) => [v, k]));
  const KEY_LANE = Object.fromEntries(Object.entries(LANE_KEY).map(([k, v]) => [v, k]));
  const LANE_ORDER = ["passenger_standard", "passenger_sentri", "passenger_ready", "pedestrian_standard", "pedestrian_ready", "commercial_standard", "commercial_fast"];
  // Readings older than this before the newest one are not "current" (a lane closed for days).
  const CURRENT_WINDOW_MS = 6 * 3600 * 1000;

  function laneKey(mode, laneType) {
    return `${MODE_KEY[mode] || mode}_${LANE_KEY[laneType] || laneType}`;
  }

  function platform(key) {
    const i = key.indexOf("_");
    return { mode: KEY_MODE[key.slice(0, i)], lane_type: KEY_LANE[key.slice(i + 1)] };
  }

  async function rows(path, params) {
    const body = await window.SBDashboard.getJSON(path, { ...params, format: "json" });
    return body.data || [];
  }

  // "2026-12-08 14:00 PST": a UTC instant in a port's local time, with its zone named.
  function localStamp(ms, tz) {
    const d = new Date(ms);
    const stamp = d.toLocaleString("sv-SE", { timeZone: tz }).slice(0, 16);
    const part = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "short" }).formatToParts(d).find((x) => x.type === "timeZoneName");
    return `${stamp} ${part ? part.value : tz}`;
  }

  function utcMs(text) {
    // The engine returns naive UTC timestamps; read them as UTC.
    return Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : text + "Z");
  }

  async function current() {
    const data = (await rows("/kpi/latest", { border: "mexico" })).filter((r) => r.delay_min !== null && r.delay_min !== undefined);
    if (!data.length) return [];
    const newest = Math.max(...data.map((r) => utcMs(r.updated_at)));
    return data
      .filter((r) => newest - utcMs(r.updated_at) <= CURRENT_WINDOW_MS)
      .map((r) => ({
        crossing: r.crossing,
        port_code: r.port_code,
        port_name: r.port_name,
        crossing_name: r.crossing_name,
        lane: laneKey(r.mode, r.lane_type),
        wait_min: r.delay_min,
        lanes_open: r.lanes_open,
        updated_at: r.updated_at,
        tz: r.tz,
        updated_local: r.tz ? localStamp(utcMs(r.updated_at), r.tz) : `${r.updated_at.replace("T", " ").slice(0, 16)} UTC`,
      }))
      .sort((a, b) => a.port_code.localeCompare(b.port_code) || a.crossing.localeCompare(b.crossing) || LANE_ORDER.indexOf(a.lane) - LANE_ORDER.indexOf(b.lane));
  }

  // The longest current wait at each port (what the map shows).
  function byPort(currentRows) {
    const out = {};
    for (const r of currentRows) {
      const best = out[r.port_code];
      if (!best || r.wait_min > best.wait_min) out[r.port_code] = r;
    }
    return out;
  }

  // Crossings with current readings, each with its lane keys, for the selectors.
  function crossings(currentRows) {
    const map = new Map();
    for (const r of currentRows) {
      if (!map.has(r.crossing)) {
        map.set(r.crossing, { crossing: r.crossing, port_code: r.port_code, port_name: r.port_name, crossing_name: r.crossing_name, lanes: [] });
      }
      const c = map.get(r.crossing);
      if (!c.lanes.includes(r.lane)) c.lanes.push(r.lane);
    }
    for (const c of map.values()) c.lanes.sort((a, b) => LANE_ORDER.indexOf(a) - LANE_ORDER.indexOf(b));
    return [...map.values()];
  }

  async function heatmap(_endpoints, q) {
    const p = platform(q.lane);
    const data = await rows("/kpi/heatmap", { crossing: q.crossing, mode: p.mode, lane_type: p.lane_type });
    // ISO weekday 1 = Monday -> row 0.
    return data.map((r) => ({ weekday: r.weekday - 1, hour: r.hour, wait_min: r.wait_mean_min, n: r.readings }));
  }

  async function trend(_endpoints, q) {
    const p = platform(q.lane);
    const data = await rows("/kpi/waits", { crossing: q.crossing, mode: p.mode, lane_type: p.lane_type, by: "crossing", grain: "day" });
    return data.map((r) => ({ day: r.period, wait_mean_min: r.wait_mean_min, wait_p95_min: r.wait_p95_min }));
  }

  async function bts() {
    const body = await window.SBDashboard.getJSON("/kpi/volumes", { border: "mexico", by: "measure", grain: "year", format: "json" });
    const data = body.data || [];
    const source = (body.meta && body.meta.source) || "bts";
    const pick = { "Personal Vehicles": "personal_vehicles", Trucks: "trucks" };
    const years = new Map();
    for (const r of data) {
      if (!(r.measure in pick)) continue;
      const y = years.get(r.period) || { year: r.period, personal_vehicles: 0, trucks: 0 };
      y[pick[r.measure]] = r.crossings;
      years.set(r.period, y);
    }
    return { source, years: [...years.values()].sort((a, b) => a.year - b.year) };
  }

  function portName(ports, code) {
    const p = ports.find((x) => x.code === code);
    return p ? p.name : code;
  }

  async function emissions(_endpoints, ports) {
    const data = await rows("/kpi/waits", { border: "mexico", by: "port", grain: "none" });
    return data
      .filter((r) => r.idling_co2_kg_est)
      .map((r) => ({ label: portName(ports, r.port_code), value: r.idling_co2_kg_est / 1000, n: r.readings }))
      .sort((a, b) => b.value - a.value)
      .slice(0, 12);
  }

  async function preclearance(_endpoints, ports) {
    const data = await rows("/kpi/events", { by: "port", grain: "none" });
    return data
      .filter((r) => r.precleared_share !== null && r.precleared_share !== undefined)
      .map((r) => ({ label: portName(ports, r.port_code), value: r.precleared_share, count: r.precleared, n: r.volume }));
  }

  window.SBData = { laneKey, platform, localStamp, current, byPort, crossings, heatmap, trend, bts, emissions, preclearance };
})();
