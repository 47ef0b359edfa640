// Drives the dashboard page (/realtime/admin/) in Debian's headless Chromium through playwright-core,
// for DashboardBrowserIT. Reads one JSON command per line on stdin and answers each with one JSON
// line on stdout: {"ok":true,...} or {"ok":false,"error":"..."}. Commands:
//   open {url, width, height}          a new tab on the page (its own sessionStorage)
//   signIn {token}                     pastes the token; answers {ok, error?} as the page shows it
//   text {id}                          an element's text
//   waitText {id, equals?|atLeast?, timeoutMs}   until the element's text (a number for atLeast) matches
//   waitEvent {kind, user, timeoutMs}  until the event log shows that kind for that user; {ms, reason}
//   rows {id}                          how many rows a table body holds
//   disconnect {target, id, reason, mayReconnect}   fills the form, confirms, answers the result text
//   broadcast {event, text}            fills the form, confirms, answers the result text
//   unlabelled                         controls without an accessible name or out of the tab order
//   cancelDrain                        opens the drain dialog by keyboard, Escape; answers the result
//   framesStart / framesStop           requestAnimationFrame intervals in the page: {frames, p50, p95,
//                                      p99, max, over50}, its long tasks {longTasks, longTaskMs,
//                                      longestTaskMs} and its renders {renders, renderMs, longestRenderMs}
//   screenshot {path, width?, height?} a PNG of the page at that size
//   quit
// The browser is launched fresh (its own --user-data-dir under the system temp dir, removed on quit)
// and talks only to the URL it is given. Exits 0 after quit, 1 when stdin closes early.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const readline = require("readline");
const { chromium } = require("playwright-core");

const CHROMIUM = process.env.PARLEY_CHROMIUM || "/usr/bin/chromium";
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let context = null;
let page = null;
let profile = null;

async function launch() {
  profile = fs.mkdtempSync(path.join(os.tmpdir(), "parley-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 800 },
  });
}

async function close() {
  if (context) {
    await context.close();
  }
  if (profile) {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

const commands = {
  async open({ url, width, height }) {
    if (page) {
      await page.close();
    }
    page = await context.newPage();
    await page.setViewportSize({ width: width || 1280, height: height || 800 });
    const messages = [];
    page.on("pageerror", (error) => messages.push("pageerror: " + error.message));
    const response = await page.goto(url, { waitUntil: "load" });
    return { status: response.status(), title: await page.title(), errors: messages };
  },

  async signIn({ token }) {
    await page.fill("#token", token);
    await page.press("#token", "Enter"); // keyboard, as an operator would
    await page.waitForFunction(
      () => !document.getElementById("dashboard").hidden ||
        document.getElementById("sign-in-error").textContent !== "",
      null, { timeout: 10000 });
    const error = await page.textContent("#sign-in-error");
    const stored = await page.evaluate(() => sessionStorage.getItem("parley.admin.token") !== null);
    const url = page.url();
    return { signedIn: error === "", error, stored, url };
  },

  async text({ id }) {
    return { text: await page.textContent("#" + id) };
  },

  async waitText({ id, equals, atLeast, timeoutMs }) {
    const started = Date.now();
    await page.waitForFunction(
      ([id, equals, atLeast]) => {
        const text = document.getElementById(id).textContent;
        if (equals != null) {
          return text === equals;
        }
        return Number(text.replace(/,/g, "")) >= atLeast;
      },
      [id, equals, atLeast], { timeout: timeoutMs, polling: 50 });
    return { ms: Date.now() - started, text: await page.textContent("#" + id) };
  },

  async waitEvent({ kind, user, timeoutMs }) {
    const started = Date.now();
    const handle = await page.waitForFunction(
      ([kind, user]) => {
        for (const row of document.querySelectorAll("#events tr")) {
          if (row.cells[1].textContent === kind && row.cells[2].textContent === user) {
            return { reason: row.cells[5].textContent, transport: row.cells[4].textContent };
          }
        }
        return null;
      },
      [kind, user], { timeout: timeoutMs, polling: 50 });
    return Object.assign({ ms: Date.now() - started }, await handle.jsonValue());
  },

  async rows({ id }) {
    return { rows: await page.evaluate((id) => document.getElementById(id).childElementCount, id) };
  },

  async disconnect({ target, id, reason, mayReconnect }) {
    await page.check(`#disconnect-form input[name=target][value=${target}]`);
    await page.fill("#disconnect-id", id);
    await page.fill("#disconnect-reason", reason);
    await page.setChecked("#disconnect-again", mayReconnect);
    await page.click("#disconnect-form button[type=submit]");
    return confirmAndRead("disconnect-result");
  },

  async broadcast({ event, text }) {
    await page.fill("#broadcast-event", event);
    await page.fill("#broadcast-text", text);
    await page.click("#broadcast-form button[type=submit]");
    return confirmAndRead("broadcast-result");
  },

  /** Controls with no accessible name or out of the tab order; an empty list is right. */
  async unlabelled() {
    return {
      controls: await page.evaluate(() => {
        const bad = [];
        for (const el of document.querySelectorAll("input, select, textarea, button")) {
          const named = el.tagName === "BUTTON"
            ? el.textContent.trim() !== ""
            : el.labels.length > 0 || el.hasAttribute("aria-label");
          if (!named || el.tabIndex < 0) {
            bad.push(el.id || el.outerHTML.substring(0, 80));
          }
        }
        return bad;
      }),
    };
  },

  /** Opens the drain dialog from the keyboard and dismisses it with Escape. */
  async cancelDrain() {
    await page.focus("#drain-form button[type=submit]");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#confirm[open]", { timeout: 5000 });
    const question = await page.textContent("#confirm-text");
    await page.keyboard.press("Escape");
    await page.waitForSelector("#confirm:not([open])", { state: "attached", timeout: 5000 });
    return { question, result: await page.textContent("#drain-result") };
  },

  async framesStart() {
    await page.evaluate(() => {
      const frames = (window.__parleyFrames = { last: 0, gaps: [], running: true, longTasks: [],
        cost: Object.assign({}, window.parleyDashboardCost) });
      // Tasks of 50 ms or more on the page's main thread: the page's own cost, apart from a
      // machine too busy to give the browser its frames.
      frames.observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          frames.longTasks.push(entry.duration);
        }
      });
      frames.observer.observe({ type: "longtask" });
      const tick = (now) => {
        if (frames.last) {
          frames.gaps.push(now - frames.last);
        }
        frames.last = now;
        if (frames.running) {
          requestAnimationFrame(tick);
        }
      };
      requestAnimationFrame(tick);
    });
    return {};
  },

  async framesStop() {
    return page.evaluate(() => {
      const frames = window.__parleyFrames;
      frames.running = false;
      frames.observer.disconnect();
      const gaps = frames.gaps.slice().sort((a, b) => a - b);
      const at = (q) => gaps.length ? gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))] : 0;
      return {
        frames: gaps.length,
        p50: at(0.5),
        p95: at(0.95),
        p99: at(0.99),
        max: gaps.length ? gaps[gaps.length - 1] : 0,
        over50: gaps.filter((gap) => gap > 50).length,
        longTasks: frames.longTasks.length,
        longTaskMs: frames.longTasks.reduce((sum, d) => sum + d, 0),
        longestTaskMs: frames.longTasks.reduce((max, d) => Math.max(max, d), 0),
        renders: window.parleyDashboardCost.renders - frames.cost.renders,
        renderMs: window.parleyDashboardCost.ms - frames.cost.ms,
        longestRenderMs: window.parleyDashboardCost.maxMs,
      };
    });
  },

  async screenshot({ path: file, width, height }) {
    if (width && height) {
      await page.setViewportSize({ width, height });
    }
    await page.screenshot({ path: file, fullPage: false });
    return { path: file };
  },
};

/** Confirms the open dialog (checking it is open) and waits for the action's result text. */
async function confirmAndRead(outputId) {
  await page.waitForSelector("#confirm[open]", { timeout: 5000 });
  const question = await page.textContent("#confirm-text");
  // The dialog opens with its confirm button focused: Enter confirms, as from the keyboard.
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== "confirm-ok") {
    throw new Error("the confirm dialog opened with focus on " + focused);
  }
  await page.keyboard.press("Enter");
  await page.waitForFunction(
    (id) => {
      const text = document.getElementById(id).textContent;
      return text !== "" && text !== "Sending…";
    },
    outputId, { timeout: 10000 });
  const output = await page.$("#" + outputId);
  return {
    question,
    result: await output.textContent(),
    failed: (await output.getAttribute("class")) === "failed",
  };
}

async function main() {
  await launch();
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) {
      continue;
    }
    const command = JSON.parse(line);
    if (command.cmd === "quit") {
      await close();
      process.stdout.write(JSON.stringify({ ok: true }) + "\n");
      process.exit(0);
    }
    try {
      const handler = commands[command.cmd];
      if (!handler) {
        throw new Error("unknown command " + command.cmd);
      }
      const answer = await handler(command);
      process.stdout.write(JSON.stringify(Object.assign({ ok: true }, answer)) + "\n");
    } catch (error) {
      process.stdout.write(JSON.stringify({ ok: false, error: String(error.message || error) }) + "\n");
    }
  }
  await close();
  process.exit(1);
}

main().catch(async (error) => {
  process.stdout.write(JSON.stringify({ ok: false, error: "driver failed: " + error.message }) + "\n");
  await close().catch(() => {});
  process.exit(1);
});
