// VitalBridge console: vanilla JavaScript, no build step, nothing loaded from elsewhere.
// Pages are sections switched by the URL hash; data comes from /api/v1 and the live stream.
"use strict";
(function () {
  const API = "/api/v1";
  const HOUR = 3600 * 1000;
  const pages = ["live", "devices", "flow", "quarantine"];
  const $ = (sel) => document.querySelector(sel);
  let current = null;
  let timer = null;

  // ---------------------------------------------------------------- helpers
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    children.forEach((c) => e.append(c));
    return e;
  }
  // The API token (auth.mode local or oauth2) lives in sessionStorage: gone when the tab closes,
  // never in a cookie (so no CSRF), sent as a bearer header — and as access_token on the
  // WebSocket, which browsers cannot give headers.
  const TOKEN = "vitalbridge.token";
  const token = () => sessionStorage.getItem(TOKEN);
  async function api(path, options) {
    const headers = { "Content-Type": "application/json" };
    if (token()) headers.Authorization = "Bearer " + token();
    const r = await fetch(API + path, Object.assign({ headers }, options));
    const body = r.headers.get("Content-Type") || "";
    const data = body.includes("json") ? await r.json() : await r.text();
    if (r.status === 401) signIn((data && data.detail) || "sign in");
    if (!r.ok) throw new Error((data && data.detail) || r.status + " " + r.statusText);
    return data;
  }
  function signIn(why) {
    const form = $("#signin");
    if (!form.hidden) return;
    $("#signin-why").textContent = token() ? "The token was not accepted: " + why : "This VitalBridge needs an API token.";
    form.hidden = false;
    $("#main").hidden = true;
    $("#token").focus();
  }
  function announce(text) {
    const a = $("#announcer");
    a.textContent = "";
    window.setTimeout(() => (a.textContent = text), 50);
  }
  function ago(iso) {
    if (!iso) return "never";
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 60) return s + " s ago";
    if (s < 3600) return Math.round(s / 60) + " min ago";
    return new Date(iso).toLocaleString();
  }
  function cell(text, cls) {
    return el("td", { class: cls || "", text: text == null ? "" : String(text) });
  }
  function stateCell(state) {
    return el("td", { class: "state-" + state, text: state });
  }
  const LABELS = {
    MDC_PULS_OXIM_SAT_O2: "SpO₂", MDC_ECG_HEART_RATE: "HR", MDC_PULS_RATE: "Pulse", MDC_PULS_OXIM_PULS_RATE: "Pulse",
    MDC_TTHOR_RESP_RATE: "Resp", MDC_RESP_RATE: "Resp", MDC_TEMP_BODY: "Temp", MDC_TEMP: "Temp",
    MDC_PRESS_BLD_NONINV_SYS: "NIBP sys", MDC_PRESS_BLD_NONINV_DIA: "NIBP dia", MDC_PRESS_BLD_NONINV_MEAN: "NIBP mean",
    MDC_AWAY_CO2_ET: "EtCO₂",
  };
  function label(metric) {
    return LABELS[metric.refid] || metric.display || metric.refid.replace(/^MDC_/, "");
  }

  // ---------------------------------------------------------------- navigation
  function show(page) {
    if (!pages.includes(page)) page = "live";
    current = page;
    document.querySelectorAll("main > section").forEach((s) => (s.hidden = s.dataset.page !== page));
    document.querySelectorAll("nav a").forEach((a) => {
      if (a.dataset.page === page) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    window.clearInterval(timer);
    refresh();
    timer = window.setInterval(refresh, 5000);
  }
  function refresh() {
    const work = { devices: loadDevices, flow: loadFlow, quarantine: loadQuarantine, live: renderTiles }[current];
    Promise.resolve(work && work()).catch((e) => announce("Refresh failed: " + e.message));
    loadQuarantineCount();
  }
  window.addEventListener("hashchange", () => {
    show(location.hash.slice(1));
    $("#main").focus();
  });

  // ---------------------------------------------------------------- live tiles
  // bed (or device) -> { device, patient, metrics: refid -> { metric, unit, last, at, points: [[t, v]] } }
  const beds = new Map();
  function add(m) {
    if (!m.value || m.value.type !== "quantity") return;
    const key = m.bed || m.device;
    let bed = beds.get(key);
    if (!bed) {
      bed = { key, bed: m.bed, device: m.device, metrics: new Map(), order: beds.size };
      beds.set(key, bed);
    }
    bed.device = m.device;
    bed.patient = m.patient;
    let s = bed.metrics.get(m.metric.refid);
    if (!s) {
      s = { metric: m.metric, points: [] };
      bed.metrics.set(m.metric.refid, s);
    }
    const t = Date.parse(m.observedAt);
    if (!s.at || t >= s.at) {
      s.at = t;
      s.last = m.value.number;
      s.unit = m.value.unit;
    }
    s.points.push([t, m.value.number]);
    s.points.sort((a, b) => a[0] - b[0]);
    const cutoff = Date.now() - HOUR;
    while (s.points.length && s.points[0][0] < cutoff) s.points.shift();
  }
  function sparkline(points) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 200 48");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("aria-hidden", "true");
    if (points.length < 2) return svg;
    const now = Date.now();
    const vs = points.map((p) => p[1]);
    const lo = Math.min(...vs), hi = Math.max(...vs), span = hi - lo || 1;
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", points
      .map((p) => [((p[0] - (now - HOUR)) / HOUR) * 200, 44 - ((p[1] - lo) / span) * 40].map((n) => n.toFixed(1)).join(","))
      .join(" "));
    svg.append(line);
    return svg;
  }
  // The sparkline shows the heart rate where there is one, else the pulse rate, else the first.
  function rank(s) {
    return s.metric.refid.includes("HEART") ? 0 : s.metric.refid.includes("PULS_RATE") ? 1 : 2;
  }
  function renderTiles() {
    const host = $("#tiles");
    $("#tiles-empty").hidden = beds.size > 0;
    [...beds.values()].sort((a, b) => a.key.localeCompare(b.key)).forEach((bed) => {
      let tile = host.querySelector('[data-bed="' + CSS.escape(bed.key) + '"]');
      const fresh = !tile;
      if (fresh) {
        tile = el("article", { class: "tile", "data-bed": bed.key, "aria-label": "Bed " + bed.key });
      }
      const title = el("h3", {}, el("span", { text: bed.bed || bed.key }), el("span", { class: "device", text: bed.device }));
      const dl = el("dl");
      let newest = 0;
      let spark = null;
      for (const s of bed.metrics.values()) {
        newest = Math.max(newest, s.at);
        if (!spark || rank(s) < rank(spark)) spark = s;
        dl.append(el("dt", { text: label(s.metric) }),
          el("dd", { "data-metric": s.metric.refid }, String(s.last), el("span", { class: "unit", text: s.unit })));
      }
      const parts = [title, dl];
      if (spark) parts.push(el("p", { class: "ago", text: label(spark.metric) + ", last hour" }), sparkline(spark.points));
      parts.push(el("p", { class: "ago", text: "updated " + ago(new Date(newest).toISOString()) }));
      tile.replaceChildren(...parts);
      if (fresh) host.append(tile);
    });
  }
  async function loadHistory() {
    const from = new Date(Date.now() - HOUR).toISOString();
    let offset = 0;
    for (let page = 0; page < 10; page++) {
      const data = await api("/measurements?limit=1000&from=" + encodeURIComponent(from) + "&offset=" + offset);
      data.measurements.forEach(add);
      if (data.nextOffset == null) break;
      offset = data.nextOffset;
    }
    if (current === "live") renderTiles();
  }
  let pending = false;
  function connect() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const query = token() ? "?access_token=" + encodeURIComponent(token()) : "";
    const ws = new WebSocket(proto + "//" + location.host + API + "/stream" + query);
    const status = $("#connection");
    ws.onopen = () => { status.textContent = "live"; status.className = "connection up"; };
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.kind !== "measurement") return;
      add(m);
      // Batch redraws: a burst of frames renders once per animation frame.
      if (!pending && current === "live") {
        pending = true;
        window.requestAnimationFrame(() => { pending = false; renderTiles(); });
      }
    };
    ws.onclose = () => {
      status.textContent = "stream disconnected, retrying…";
      status.className = "connection down";
      if (!$("#signin").hidden) return; // reconnects after sign-in
      window.setTimeout(connect, 3000);
    };
  }

  // ---------------------------------------------------------------- devices
  async function loadDevices() {
    const data = await api("/devices");
    const rows = data.devices.map((d) => el("tr", { "data-device": d.id },
      el("th", { scope: "row", text: d.id }), stateCell(d.state), cell(d.adapter), cell(ago(d.lastSeen)),
      cell(d.perMinute, "num"), cell(d.openRejections, "num")));
    $("#devices-table tbody").replaceChildren(...rows);
  }

  // ---------------------------------------------------------------- flow
  async function loadFlow() {
    const f = await api("/flow");
    $("#flow-summary").textContent = "Journal backlog " + f.journalBacklog + " · open rejections " + f.openRejections;
    $("#adapters-table tbody").replaceChildren(...f.adapters.map((a) => el("tr", {},
      el("th", { scope: "row", text: a.name }), stateCell(a.state), cell(a.perMinute, "num"), cell(a.openRejections, "num"))));
    $("#destinations-table tbody").replaceChildren(...f.destinations.map((d) => {
      const actions = el("td");
      const toggle = d.state === "paused" ? "resume" : "pause";
      actions.append(el("button", { type: "button", text: toggle === "pause" ? "Pause" : "Resume",
        "aria-label": (toggle === "pause" ? "Pause " : "Resume ") + d.name,
        onclick: () => act("/destinations/" + encodeURIComponent(d.name) + "/" + toggle, d.name + (toggle === "pause" ? " paused" : " resumed"), loadFlow) }));
      if (d.deadLetters > 0) {
        actions.append(el("button", { type: "button", text: "Replay dead letters", "aria-label": "Replay dead letters of " + d.name,
          onclick: () => act("/destinations/" + encodeURIComponent(d.name) + "/dead-letters/replay", "dead letters of " + d.name + " queued again", loadFlow) }));
      }
      return el("tr", { "data-destination": d.name }, el("th", { scope: "row", text: d.name }), stateCell(d.state),
        cell(d.backlog, "num"), cell(d.deadLetters, "num"), cell(d.lastError || "—"), cell(ago(d.lastDeliveredAt)), actions);
    }));
  }
  async function act(path, done, reload, body) {
    try {
      const r = await api(path, { method: "POST", body: JSON.stringify(body || {}) });
      announce(typeof done === "function" ? done(r) : done);
    } catch (e) {
      announce("Failed: " + e.message);
    }
    await reload();
  }

  // ---------------------------------------------------------------- quarantine
  const reasons = new Set();
  async function loadQuarantineCount() {
    try {
      const q = await api("/rejections?limit=1");
      $("#quarantine-count").textContent = q.openCount > 0 ? String(q.openCount) : "";
    } catch (e) { /* shown on the page itself */ }
  }
  async function loadQuarantine() {
    const reason = $("#reason-filter").value;
    const q = await api("/rejections?limit=200" + (reason ? "&reason=" + encodeURIComponent(reason) : ""));
    q.rejections.forEach((r) => reasons.add(r.reason));
    const select = $("#reason-filter");
    const known = new Set([...select.options].map((o) => o.value));
    [...reasons].sort().forEach((r) => { if (!known.has(r)) select.append(el("option", { value: r, text: r })); });
    $("#quarantine-empty").hidden = q.rejections.length > 0;
    $("#quarantine-table tbody").replaceChildren(...q.rejections.map((r) => el("tr", { "data-rejection": r.id },
      el("th", { scope: "row", text: String(r.id) }), cell(ago(r.createdAt)), cell(r.reason), cell(r.stage), cell(r.detail),
      el("td", {},
        el("button", { type: "button", text: "View", "aria-label": "View raw payload of rejection " + r.id, onclick: () => view(r.id) }),
        el("button", { type: "button", text: "Reprocess", "aria-label": "Reprocess rejection " + r.id,
          onclick: () => act("/rejections/" + r.id + "/reprocess",
            (rep) => rep.nowAccepted > 0 ? "Rejection " + r.id + " reprocessed: accepted" : "Rejection " + r.id + " still rejected",
            loadQuarantine) })))));
  }
  let viewing = null;
  async function view(id) {
    const r = await api("/rejections/" + id);
    viewing = id;
    const raw = r.raw || {};
    $("#raw-meta").textContent = "Rejection " + id + " · " + r.reason + " · " + (raw.contentType || "") + " · " + (raw.size || 0) + " bytes via " + (raw.adapter || "?");
    $("#raw-payload").textContent = raw.payloadText != null ? raw.payloadText.replace(/\r/g, "\n") : "(binary) base64: " + raw.payloadBase64;
    $("#raw-view").hidden = false;
    $("#raw-payload").focus();
  }
  $("#raw-close").addEventListener("click", () => { $("#raw-view").hidden = true; viewing = null; });
  $("#discard-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const reason = $("#discard-reason").value.trim();
    if (!viewing || !reason) return;
    const id = viewing;
    act("/rejections/" + id + "/discard", "Rejection " + id + " discarded", loadQuarantine, { reason });
    $("#raw-view").hidden = true;
    $("#discard-reason").value = "";
  });
  $("#reason-filter").addEventListener("change", loadQuarantine);
  $("#reprocess-all").addEventListener("click", () => {
    const reason = $("#reason-filter").value;
    act("/rejections/reprocess", (rep) => rep.messages + " reprocessed, " + rep.nowAccepted + " accepted", loadQuarantine, reason ? { reason } : {});
  });

  // ---------------------------------------------------------------- sign-in
  $("#signin").addEventListener("submit", (e) => {
    e.preventDefault();
    const t = $("#token").value.trim();
    if (!t) return;
    sessionStorage.setItem(TOKEN, t);
    $("#token").value = "";
    $("#signin").hidden = true;
    $("#main").hidden = false;
    start();
  });
  $("#signout").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN);
    location.reload();
  });

  // ---------------------------------------------------------------- start
  async function start() {
    $("#signout").hidden = !token();
    // One probe decides: a 401 shows the sign-in form (auth on, no valid token yet).
    try {
      await api("/flow");
    } catch (e) {
      if (!$("#signin").hidden) return;
    }
    show(location.hash.slice(1));
    loadHistory().catch((e) => announce("History not loaded: " + e.message));
    connect();
  }
  start();
})();
