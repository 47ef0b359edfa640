// Parley dashboard: plain JS, no build step. Reads the admin API with the operator's token (kept in
// sessionStorage, sent only in the Authorization header or the live feed's subprotocols, never in
// a URL or a log), listens to the live feed at /realtime/admin/live and falls back to polling the
// API while the feed is away.
//
// Cheap at scale: incoming stats and events only update plain data; the DOM is touched at most
// once per animation frame (render()), the event log takes new rows at most every LOG_EVERY_MS
// and holds at most LOG_ROWS, the charts are redrawn at most once per stats snapshot, and the
// channel table is rebuilt in one assignment, only when it changed.
"use strict";
(() => {
  const API = "/realtime/admin/";
  const TOKEN_KEY = "parley.admin.token";
  const TRANSPORTS = ["SOCKET_IO", "WEBSOCKET", "HTTP_LONG_POLL", "HTTP_POLL"];
  const LABELS = { SOCKET_IO: "Socket.IO", WEBSOCKET: "WebSocket", HTTP_LONG_POLL: "HTTP long-poll",
    HTTP_POLL: "HTTP poll" };
  const HISTORY_SECONDS = 3600; // chart span: one point per stats snapshot, one per second
  const LOG_ROWS = 500; // most event rows in the DOM
  const LOG_KEPT = 2000; // most events kept in memory for re-filtering
  const CHANNEL_ROWS = 1000; // channels asked for per refresh
  const CHANNELS_SHOWN = 200; // of those, the most subscribed in the DOM
  const CHANNELS_EVERY_MS = 5000;
  const POLL_EVERY_MS = 1000; // while the live feed is away
  const LIVE_RETRY_MS = 5000;
  const MIN_RATE_MS = 500; // shortest interval a rate is computed over
  const LOG_EVERY_MS = 250; // the event log takes new rows at most this often

  const $ = (id) => document.getElementById(id);
  /** What rendering has cost this page so far (script time in render(), not layout or paint). */
  const cost = (window.parleyDashboardCost = { renders: 0, ms: 0, maxMs: 0 });
  const state = {
    token: null,
    stats: null,
    statsDirty: false,
    previousTotals: null, // {at: uptimeMs, published, delivered} of the snapshot rates start from
    rates: { published: null, delivered: null },
    history: { t: [], total: [], byTransport: TRANSPORTS.map(() => []), published: [], delivered: [] },
    events: [], // sorted by id; trimmed back to LOG_KEPT once LOG_ROWS over it
    seen: new Set(), // the ids in events
    lastEventId: 0,
    pendingEvents: [],
    logRenderedAt: 0,
    logTimer: 0,
    logRebuild: true,
    lost: 0,
    channels: null,
    channelsDirty: false,
    live: null,
    liveState: "",
    pollTimer: 0,
    liveRetryTimer: 0,
    channelsTimer: 0,
    frameRequested: false,
    charts: null,
  };

  // ------------------------------------------------------------------ API

  class ApiError extends Error {
    constructor(status, problem) {
      super(describeProblem(status, problem));
      this.status = status;
      this.problem = problem;
    }
  }

  function describeProblem(status, problem) {
    if (status === 401) {
      return "The token was refused (401" + (problem && problem.code ? " " + problem.code : "") + ")" +
        (problem && problem.detail ? ": " + problem.detail : "") + ". Paste a valid admin token.";
    }
    if (status === 403) {
      return "The token is valid but does not carry the admin role (403 FORBIDDEN).";
    }
    if (problem && problem.detail) {
      return status + " " + (problem.code || "") + ": " + problem.detail +
        (problem.field ? " (field " + problem.field + ")" : "");
    }
    return "The node answered " + status + ".";
  }

  async function api(method, path, body) {
    let response;
    try {
      response = await fetch(API + path, {
        method,
        cache: "no-store",
        credentials: "omit",
        headers: Object.assign(
          { Authorization: "Bearer " + state.token },
          body === undefined ? {} : { "Content-Type": "application/json" }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, { detail: "the node did not answer (" + e.message + ")" });
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      json = null;
    }
    if (!response.ok) {
      throw new ApiError(response.status, json);
    }
    return json;
  }

  // ------------------------------------------------------------------ sign-in

  async function signIn(token) {
    state.token = token;
    const stats = await api("GET", "stats"); // throws ApiError on a wrong token
    sessionStorage.setItem(TOKEN_KEY, token);
    $("sign-in").hidden = true;
    $("dashboard").hidden = false;
    $("sign-out").hidden = false;
    $("sign-in-error").textContent = "";
    ensureCharts();
    acceptStats(stats);
    loadEvents();
    connectLive();
    refreshChannels();
    // The channel table follows the node every few seconds while the page is visible.
    clearInterval(state.channelsTimer);
    state.channelsTimer = setInterval(() => {
      if (state.token && document.visibilityState === "visible") {
        refreshChannels();
      }
    }, CHANNELS_EVERY_MS);
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    stopFeeds();
    $("dashboard").hidden = true;
    $("sign-out").hidden = true;
    $("sign-in").hidden = false;
    $("node").textContent = "";
    setFeed("");
    $("sign-in-error").textContent = message || "";
    $("token").value = "";
    $("token").focus();
  }

  function stopFeeds() {
    if (state.live) {
      state.live.onclose = null;
      state.live.close();
      state.live = null;
    }
    clearInterval(state.pollTimer);
    clearTimeout(state.liveRetryTimer);
    clearInterval(state.channelsTimer);
    state.pollTimer = 0;
    state.channelsTimer = 0;
  }

  /** Whatever API call failed with the token refused signs out with the reason. */
  function refusedToken(error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      signOut(error.message);
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------------ live feed and polling

  function connectLive() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    let socket;
    try {
      socket = new WebSocket(scheme + "//" + location.host + API + "live",
        ["parley.admin", "bearer." + state.token]);
    } catch (e) {
      startPolling();
      return;
    }
    state.live = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      stopPolling();
      setFeed("live");
      loadEvents(); // whatever happened between the last read and the feed's start
    };
    socket.onmessage = (message) => {
      let data;
      try {
        data = JSON.parse(message.data);
      } catch (e) {
        return;
      }
      if (data.type === "stats") {
        acceptStats(data.stats);
      } else if (data.type === "event") {
        acceptEvents([data.event]);
      } else if (data.type === "lost") {
        state.lost += data.count;
        scheduleRender();
      }
    };
    socket.onclose = () => {
      state.live = null;
      if (!state.token) {
        return;
      }
      setFeed(opened ? "live feed closed; polling" : "live feed unavailable; polling");
      startPolling();
      state.liveRetryTimer = setTimeout(() => state.token && connectLive(), LIVE_RETRY_MS);
    };
  }

  function startPolling() {
    if (state.pollTimer) {
      return;
    }
    state.pollTimer = setInterval(poll, POLL_EVERY_MS);
  }

  function stopPolling() {
    clearInterval(state.pollTimer);
    state.pollTimer = 0;
  }

  async function poll() {
    try {
      acceptStats(await api("GET", "stats"));
      await loadEvents();
    } catch (e) {
      if (!refusedToken(e)) {
        setFeed("node unreachable: " + e.message);
      }
    }
  }

  /**
   * Reads the event log after the last event shown. When more than a screenful is waiting (the
   * first read, or a burst while polling) it reads only the newest LOG_ROWS, and counts the ones
   * it leaves out with those the log lost.
   */
  async function loadEvents() {
    try {
      // Read from where this call started: the feed may move lastEventId on meanwhile.
      const from = state.lastEventId;
      let page = await api("GET", "events?after=" + from + "&limit=" + LOG_ROWS);
      let after = from;
      if (page.last - from > LOG_ROWS) {
        after = page.last - LOG_ROWS;
        if (from > 0) {
          state.lost += after - from;
        }
        page = await api("GET", "events?after=" + after + "&limit=" + LOG_ROWS);
      }
      if (page.lost && after > 0) {
        state.lost += page.lost;
      }
      acceptEvents(page.events || []);
    } catch (e) {
      if (!refusedToken(e) && e.status === 404) {
        setFeed("this node has no event log");
      }
    }
  }

  function setFeed(text) {
    if (state.liveState !== text) {
      state.liveState = text;
      $("feed").textContent = text;
    }
  }

  // ------------------------------------------------------------------ data (no DOM here)

  function acceptStats(stats) {
    if (!stats) {
      return;
    }
    state.stats = stats;
    state.statsDirty = true;
    const now = Date.now();
    const totals = stats.messages;
    // Rates over the node's own clock (uptimeMs), so that snapshots arriving bunched up (a busy
    // browser, a slow poll) still divide by the time between them; closer than MIN_RATE_MS apart,
    // a snapshot waits to be compared with a later one.
    if (totals && typeof totals.published === "number" && typeof stats.uptimeMs === "number") {
      const previous = state.previousTotals;
      const elapsed = previous ? stats.uptimeMs - previous.at : 0;
      if (!previous || elapsed < 0) {
        state.previousTotals = { at: stats.uptimeMs, published: totals.published, delivered: totals.delivered };
      } else if (elapsed >= MIN_RATE_MS) {
        state.rates.published = Math.max(0, (totals.published - previous.published) * 1000 / elapsed);
        state.rates.delivered = Math.max(0, (totals.delivered - previous.delivered) * 1000 / elapsed);
        state.previousTotals = { at: stats.uptimeMs, published: totals.published, delivered: totals.delivered };
      }
    }
    const h = state.history;
    h.t.push(now / 1000);
    h.total.push(stats.sessions || 0);
    TRANSPORTS.forEach((transport, i) =>
      h.byTransport[i].push((stats.connections && stats.connections[transport]) || 0));
    h.published.push(state.rates.published);
    h.delivered.push(state.rates.delivered);
    const excess = h.t.length - HISTORY_SECONDS;
    if (excess > 0) {
      h.t.splice(0, excess);
      h.total.splice(0, excess);
      h.byTransport.forEach((series) => series.splice(0, excess));
      h.published.splice(0, excess);
      h.delivered.splice(0, excess);
    }
    scheduleRender();
  }

  /**
   * Takes events from a read of the log or from the feed, in any order and overlapping: a read
   * that started before the feed's first events may answer after them. Each id is kept once;
   * one older than the newest kept has the log rebuilt in order.
   */
  function acceptEvents(events) {
    let added = 0;
    for (const event of events) {
      if (!event || typeof event.id !== "number" || state.seen.has(event.id)) {
        continue; // already kept
      }
      if (state.events.length && event.id < state.events[state.events.length - 1].id) {
        if (event.id <= state.events[0].id && state.events.length >= LOG_KEPT) {
          continue; // older than everything kept: it would be trimmed at once
        }
        state.logRebuild = true;
        state.events.push(event);
        state.events.sort((a, b) => a.id - b.id);
      } else {
        state.events.push(event);
        state.pendingEvents.push(event);
      }
      state.seen.add(event.id);
      state.lastEventId = Math.max(state.lastEventId, event.id);
      added++;
    }
    if (state.events.length > LOG_KEPT + LOG_ROWS) {
      // In chunks, not one per event.
      for (const dropped of state.events.splice(0, state.events.length - LOG_KEPT)) {
        state.seen.delete(dropped.id);
      }
    }
    if (state.pendingEvents.length > LOG_ROWS) {
      // More arrived within one frame than the log shows: only the newest can be seen.
      state.pendingEvents.splice(0, state.pendingEvents.length - LOG_ROWS);
    }
    if (added) {
      scheduleRender();
    }
  }

  async function refreshChannels() {
    const prefix = $("channel-prefix").value.trim();
    try {
      const page = await api("GET", "channels?limit=" + CHANNEL_ROWS +
        (prefix ? "&prefix=" + encodeURIComponent(prefix) : ""));
      state.channels = { rows: page.channels || [], prefix };
      state.channelsError = "";
    } catch (e) {
      if (refusedToken(e)) {
        return;
      }
      state.channelsError = e.message;
    }
    state.channelsDirty = true;
    scheduleRender();
  }

  // ------------------------------------------------------------------ rendering (once per frame)

  function scheduleRender() {
    if (!state.frameRequested) {
      state.frameRequested = true;
      requestAnimationFrame(render);
    }
  }

  function render() {
    state.frameRequested = false;
    if (!state.token) {
      return;
    }
    const started = performance.now();
    try {
      renderParts();
    } finally {
      const ms = performance.now() - started;
      cost.renders++;
      cost.ms += ms;
      cost.maxMs = Math.max(cost.maxMs, ms);
    }
  }

  function renderParts() {
    if (state.statsDirty) {
      state.statsDirty = false;
      renderStats(state.stats);
      renderCharts();
    }
    if (state.logRebuild) {
      state.logRebuild = false;
      state.pendingEvents = [];
      state.logRenderedAt = performance.now();
      rebuildLog();
    } else if (state.pendingEvents.length) {
      // A new row moves every row below it: during a flood, re-lay the log a few times a second
      // rather than every frame, and take what arrived meanwhile in one batch.
      const wait = state.logRenderedAt + LOG_EVERY_MS - performance.now();
      if (wait > 0) {
        if (!state.logTimer) {
          state.logTimer = setTimeout(() => {
            state.logTimer = 0;
            scheduleRender();
          }, wait);
        }
      } else {
        const batch = state.pendingEvents;
        state.pendingEvents = [];
        state.logRenderedAt = performance.now();
        prependEvents(batch);
      }
    }
    $("events-lost").textContent = state.lost
      ? number(state.lost) + " entries not shown (dropped by the node's log or the live feed, or skipped in a burst)"
      : "";
    if (state.channelsDirty) {
      state.channelsDirty = false;
      renderChannels();
    }
  }

  function setText(id, text) {
    const element = $(id);
    if (element.textContent !== text) {
      element.textContent = text;
    }
  }

  function renderStats(stats) {
    const status = stats.draining ? "DRAINING" : (stats.selfTest && stats.selfTest.status) || "UNKNOWN";
    setText("node", "node " + stats.node + " · up " + duration(stats.uptimeMs));
    const badge = $("status-word");
    badge.textContent = status;
    badge.className = "badge " + status;
    setText("count-total", number(stats.sessions));
    for (const transport of TRANSPORTS) {
      setText("count-" + transport, number((stats.connections || {})[transport] || 0));
    }
    setText("count-channels", number(stats.channels));
    setText("count-history", number(stats.history ? stats.history.messages : 0));
    setText("rate-published", rate(state.rates.published));
    setText("rate-delivered", rate(state.rates.delivered));
    const transports = (stats.selfTest && stats.selfTest.transports) || {};
    const rows = Object.keys(transports).map((name) => {
      const result = transports[name];
      return "<tr><td>" + esc(LABELS[name] || name) + "</td><td class=\"" + esc(result.state) +
        "\">" + esc(result.state) + "</td><td class=\"num\">" +
        (result.latencyMs == null ? "" : esc(result.latencyMs + " ms")) + "</td><td>" +
        esc(result.checkedAt ? time(result.checkedAt).substring(0, 8) : "") + "</td><td>" +
        esc(result.error || "") + "</td></tr>";
    });
    const html = rows.length ? rows.join("")
      : "<tr><td colspan=\"5\">No self-test has run on this node yet.</td></tr>";
    const body = $("self-tests");
    if (body.dataset.html !== html) {
      body.dataset.html = html;
      body.innerHTML = html;
    }
  }

  function matchesFilter(event) {
    const user = $("filter-user").value.trim();
    const session = $("filter-session").value.trim();
    const transport = $("filter-transport").value;
    const kind = $("filter-kind").value;
    return (!user || (event.user || "").includes(user)) &&
      (!session || (event.session || "").includes(session)) &&
      (!transport || event.transport === transport) &&
      (!kind || event.kind === kind);
  }

  /** One log row as HTML, every value escaped: one parse per batch beats a node per cell. */
  function eventRow(event) {
    let html = "<tr class=\"event " + esc(event.kind) + "\">";
    for (const text of [time(event.at), event.kind, event.user, event.session, event.transport,
      event.reason, event.detail]) {
      html += "<td>" + (text == null ? "" : esc(text)) + "</td>";
    }
    return html + "</tr>";
  }

  /** The newest first; at most LOG_ROWS of them, matching the filters. */
  function rowsOf(events, limit) {
    let html = "";
    let shown = 0;
    for (let i = events.length - 1; i >= 0 && shown < limit; i--) {
      if (matchesFilter(events[i])) {
        html += eventRow(events[i]);
        shown++;
      }
    }
    return { html, shown };
  }

  function prependEvents(batch) {
    const body = $("events");
    const rows = rowsOf(batch, LOG_ROWS);
    if (rows.shown >= LOG_ROWS) {
      body.innerHTML = rows.html; // the batch alone fills the log
    } else if (rows.shown > 0) {
      body.insertAdjacentHTML("afterbegin", rows.html);
      for (let extra = body.childElementCount - LOG_ROWS; extra > 0; extra--) {
        body.lastElementChild.remove();
      }
    }
    setText("events-shown", body.childElementCount + " shown (newest first, at most " + LOG_ROWS + ")");
  }

  function rebuildLog() {
    const rows = rowsOf(state.events, LOG_ROWS);
    $("events").innerHTML = rows.html;
    setText("events-shown", rows.shown + " shown (newest first, at most " + LOG_ROWS + ")");
  }

  function renderChannels() {
    setText("channels-error", state.channelsError || "");
    if (!state.channels) {
      return;
    }
    const all = state.channels.rows;
    const rows = all.slice().sort((a, b) =>
      (b.subscribers - a.subscribers) || (a.channel < b.channel ? -1 : 1)).slice(0, CHANNELS_SHOWN);
    let html = "";
    for (const row of rows) {
      html += "<tr><td>" + esc(row.channel) + "</td><td class=\"num\">" + number(row.subscribers) +
        "</td><td class=\"num\">" + number(row.lastMinute) + "</td><td>" +
        (row.position ? esc(row.position.epoch + ":" + row.position.seq) : "") +
        "</td><td class=\"num\">" + number(row.history) + "</td></tr>";
    }
    html = html ||
      "<tr><td colspan=\"5\">No channel" + (state.channels.prefix ? " starts with that" : "") + ".</td></tr>";
    const body = $("channels");
    if (body.dataset.html !== html) { // an unchanged table costs no layout
      body.dataset.html = html;
      body.innerHTML = html;
    }
    const more = all.length >= CHANNEL_ROWS;
    setText("channels-shown", (rows.length < all.length
      ? "the " + rows.length + " most subscribed of " : "") + number(all.length) + (more ? "+" : "") +
      " channels" + (more ? " (the first " + number(CHANNEL_ROWS) + " by name; search to narrow)" : ""));
  }

  // ------------------------------------------------------------------ charts (uPlot)

  function ensureCharts() {
    if (state.charts || typeof uPlot === "undefined") {
      return;
    }
    const colors = ["#1d2330", "#1f5fbf", "#2e9d57", "#c7821a", "#8e44ad"];
    const size = (id) => ({ width: Math.max(200, $(id).clientWidth), height: 150 });
    // Times in UTC like the event log: HH:MM, with seconds while ticks are under a minute apart.
    const clock = (u, values, axis, space, step) =>
      values.map((v) => new Date(v * 1000).toISOString().substring(11, step < 60 ? 19 : 16));
    const axes = [{ values: clock, space: 60 }, { size: 48, values: (u, values) => values.map(compact) }];
    // At least the last minute on the x axis (seconds), counts and rates from 0.
    const scales = {
      x: { time: true, range: (u, min, max) => [Math.min(min, max - 60), max] },
      y: { range: (u, min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
    };
    const points = { show: false };
    const connections = new uPlot(Object.assign(size("connections-chart"), {
      series: [{}, { label: "all", stroke: colors[0], width: 2, points }].concat(
        ["Socket.IO", "WebSocket", "long-poll", "poll"].map((label, i) =>
          ({ label, stroke: colors[i + 1], points }))),
      axes,
      scales,
      legend: { live: false },
      cursor: { show: false },
    }), [[]].concat([[], [], [], [], []]), $("connections-chart"));
    const messages = new uPlot(Object.assign(size("messages-chart"), {
      series: [{}, { label: "published/s", stroke: colors[1], width: 2, points },
        { label: "delivered/s", stroke: colors[2], width: 2, points }],
      axes,
      scales,
      legend: { live: false },
      cursor: { show: false },
    }), [[], [], []], $("messages-chart"));
    state.charts = { connections, messages };
    const resize = () => {
      connections.setSize(size("connections-chart"));
      messages.setSize(size("messages-chart"));
    };
    if (typeof ResizeObserver !== "undefined") {
      let pending = false;
      new ResizeObserver(() => {
        if (!pending) {
          pending = true;
          requestAnimationFrame(() => {
            pending = false;
            resize();
          });
        }
      }).observe($("connections-chart"));
    }
  }

  function renderCharts() {
    if (!state.charts) {
      return;
    }
    const h = state.history;
    state.charts.connections.setData([h.t, h.total].concat(h.byTransport));
    state.charts.messages.setData([h.t, h.published, h.delivered]);
  }

  // ------------------------------------------------------------------ formatting

  function esc(value) {
    return String(value).replace(/[&<>"']/g, (c) =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" })[c]);
  }

  function number(value) {
    return value == null ? "—" : Number(value).toLocaleString("en-US");
  }

  function compact(value) {
    const abs = Math.abs(value);
    return abs >= 1e6 ? +(value / 1e6).toFixed(1) + "M" : abs >= 1e4 ? +(value / 1e3).toFixed(0) + "k"
      : abs >= 1e3 ? +(value / 1e3).toFixed(1) + "k" : String(+value.toFixed(1));
  }

  function rate(value) {
    return value == null ? "—" : value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString("en-US");
  }

  function time(at) {
    if (at == null) {
      return "";
    }
    const date = new Date(at);
    return isNaN(date) ? String(at) : date.toISOString().substring(11, 23);
  }

  function duration(ms) {
    const s = Math.floor((ms || 0) / 1000);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? h + "h " + m + "m" : m ? m + "m " + (s % 60) + "s" : s + "s";
  }

  // ------------------------------------------------------------------ actions (confirmed)

  /** Shows the confirm dialog with {@code text}; resolves true when the operator confirms. */
  function confirmAction(text, okLabel) {
    const dialog = $("confirm");
    $("confirm-text").textContent = text;
    $("confirm-ok").textContent = okLabel;
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
      dialog.returnValue = "";
      dialog.showModal();
      $("confirm-ok").focus();
    });
  }

  async function runAction(outputId, text, okLabel, path, body, describe) {
    const output = $(outputId);
    if (!(await confirmAction(text, okLabel))) {
      output.className = "";
      output.textContent = "Cancelled.";
      return;
    }
    output.className = "";
    output.textContent = "Sending…";
    try {
      const answer = await api("POST", path, body);
      output.className = "done";
      output.textContent = describe(answer);
    } catch (e) {
      if (refusedToken(e)) {
        return;
      }
      output.className = "failed";
      output.textContent = "Refused: " + e.message;
    }
  }

  function wireActions() {
    $("disconnect-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const target = e.target.elements.target.value;
      const id = $("disconnect-id").value.trim();
      const reason = $("disconnect-reason").value.trim();
      const mayReconnect = $("disconnect-again").checked;
      const body = { reason, mayReconnect };
      body[target] = id;
      runAction("disconnect-result",
        "Disconnect " + (target === "user" ? "every connection of user " : "session ") + id +
        " with the reason \"" + reason + "\"" +
        (mayReconnect ? "? They may reconnect." : "? They are told not to come back."),
        "Disconnect", "disconnect", body,
        (answer) => "Disconnected " + answer.disconnected + " session" +
          (answer.disconnected === 1 ? "" : "s") + ".");
    });
    $("broadcast-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const event = $("broadcast-event").value.trim();
      const text = $("broadcast-text").value;
      runAction("broadcast-result",
        "Send the notice \"" + text + "\" (event " + event + ") to every connection on " +
        "parley:broadcast?", "Broadcast", "broadcast", { event, data: { text } },
        (answer) => "Sent as " + answer.channel + " #" + answer.seq + " to " +
          number(answer.sessions) + " sessions on this node.");
    });
    $("drain-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const seconds = $("drain-deadline").value.trim();
      const body = seconds ? { deadlineMs: Math.round(Number(seconds) * 1000) } : {};
      runAction("drain-result",
        "Drain this node? It stops taking connections and asks every client to move " +
        "elsewhere" + (seconds ? " within " + seconds + " s." : " within the configured deadline."),
        "Drain", "drain", body,
        (answer) => "Draining since " + time(answer.startedAt) + ": " + number(answer.hinted) +
          " of " + number(answer.sessions) + " sessions told to reconnect over " +
          duration(answer.spreadMs) + ", deadline " + duration(answer.deadlineMs) + ".");
    });
  }

  // ------------------------------------------------------------------ start

  function start() {
    $("sign-in-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const token = $("token").value.trim();
      const button = e.target.querySelector("button");
      button.disabled = true;
      $("sign-in-error").textContent = "";
      try {
        await signIn(token);
        $("token").value = "";
      } catch (error) {
        state.token = null;
        $("sign-in-error").textContent = error.message;
      } finally {
        button.disabled = false;
      }
    });
    $("sign-out").addEventListener("click", () => signOut(""));
    for (const id of ["filter-user", "filter-session", "filter-transport", "filter-kind"]) {
      $(id).addEventListener("input", () => {
        state.logRebuild = true;
        scheduleRender();
      });
    }
    $("event-filters").addEventListener("submit", (e) => e.preventDefault());
    $("channel-search").addEventListener("submit", (e) => {
      e.preventDefault();
      refreshChannels();
    });
    wireActions();
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) {
      signIn(saved).catch((error) => signOut(error.message));
    } else {
      $("token").focus();
    }
  }

  start();
})();
