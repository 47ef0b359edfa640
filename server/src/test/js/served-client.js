// Loads the JS client the server serves, as a page's <script src="/socket.io/socket.io.min.js">
// would, and connects with the `io` it defines. Prints "PASS <step>" lines, or "FAIL: <reason>";
// exits 0 only when every step passed.
// Usage: node served-client.js http://127.0.0.1:PORT
// Node is not a browser: the page's XMLHttpRequest and WebSocket are given to the bundle from the
// packages npm installed next to this script (the same ones socket.io-client uses under Node).
// The bundle itself, with every protocol byte it sends, is the one fetched from the server.
"use strict";
const vm = require("vm");

const url = process.argv[2];
const TIMEOUT_MS = 10000;

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(what + " timed out")), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  const response = await fetch(url + "/socket.io/socket.io.min.js");
  expect(response.status === 200, "GET socket.io.min.js: " + response.status);
  const source = await response.text();

  globalThis.XMLHttpRequest = require("xmlhttprequest-ssl");
  globalThis.WebSocket = require("ws");
  expect(typeof globalThis.io === "undefined", "io defined before the bundle ran");
  // As a classic script: top-level `this` is the global object, and neither `module` nor
  // `define` exist, so the UMD wrapper sets the global `io`.
  vm.runInThisContext(source, { filename: "socket.io.min.js" });
  expect(typeof globalThis.io === "function", "the bundle did not define io");
  console.log("PASS loaded");

  const socket = globalThis.io(url, { forceNew: true, reconnection: false });
  try {
    await within(new Promise((resolve, reject) => {
      socket.on("connect", resolve);
      socket.on("connect_error", reject);
    }), "connect");
    console.log("PASS connected");

    if (socket.io.engine.transport.name !== "websocket") {
      await within(new Promise((resolve) => socket.io.engine.once("upgrade", resolve)), "upgrade");
    }
    console.log("PASS upgraded");

    const channel = "served-client";
    const subscribed = await socket.timeout(TIMEOUT_MS).emitWithAck("subscribe", { channel });
    expect(subscribed.channel === channel, "subscribe ack: " + JSON.stringify(subscribed));
    const received = within(new Promise((resolve) => socket.on("message", resolve)), "message");
    const published = await socket.timeout(TIMEOUT_MS)
        .emitWithAck("publish", { id: "p-served", channel, event: "note", data: { n: 1 } });
    const message = await received;
    expect(message.seq === published.seq && message.data.n === 1,
        "message: " + JSON.stringify(message));
    console.log("PASS roundTrip");
  } finally {
    socket.disconnect();
  }
}

main().then(
    () => process.exit(0),
    (err) => { console.log("FAIL: " + (err && err.stack || err)); process.exit(1); });
