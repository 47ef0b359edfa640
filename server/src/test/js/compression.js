// Runs the official socket.io-client 4.x (over Node's ws, which offers permessage-deflate) against
// a Parley server with realtime.websocket-compression on, and prints one line per scenario:
// "PASS <name>" or "FAIL <name>: <reason>". Exits 0 only when every scenario passed.
// Usage: node compression.js http://127.0.0.1:PORT
"use strict";
const { io } = require("socket.io-client");

const url = process.argv[2];
const TIMEOUT_MS = 10000;

function connect(options) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { forceNew: true, reconnection: false, ...options });
    const timer = setTimeout(() => reject(new Error("connect timed out")), TIMEOUT_MS);
    socket.on("connect", () => { clearTimeout(timer); resolve(socket); });
    socket.on("connect_error", (err) => { clearTimeout(timer); reject(err); });
  });
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function nextMessage(socket, channel) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no message on " + channel)), TIMEOUT_MS);
    socket.on("message", (message) => {
      if (message.channel === channel) { clearTimeout(timer); resolve(message); }
    });
  });
}

// About 16 KB of records, as an application would fan out.
const rows = [];
for (let i = 0; i < 250; i++) rows.push({ id: i, name: "item-" + i, price: i * 1.5, tags: ["a", "b"] });

async function largeAndSmallMessages(socket, channel) {
  // ws keeps the negotiated extensions on the socket: compression must really be in use.
  const extensions = socket.io.engine.transport.ws._extensions || {};
  expect(extensions["permessage-deflate"], "permessage-deflate not negotiated");
  await socket.timeout(TIMEOUT_MS).emitWithAck("subscribe", { channel });
  for (const [i, data] of [[1, { rows }], [2, { n: 2 }], [3, { rows, again: true }]]) {
    const received = nextMessage(socket, channel);
    await socket.timeout(TIMEOUT_MS).emitWithAck("publish",
        { id: channel + "-" + i, channel, event: "e", data });
    const message = await received;
    expect(message.seq === i && JSON.stringify(message.data) === JSON.stringify(data),
        "message " + i + ": " + JSON.stringify(message).slice(0, 200));
  }
}

const scenarios = {
  async websocketOnly() {
    const socket = await connect({ transports: ["websocket"] });
    try { await largeAndSmallMessages(socket, "js-deflate-ws"); } finally { socket.disconnect(); }
  },
  async upgrade() {
    const socket = await connect({});
    try {
      if (socket.io.engine.transport.name !== "websocket") {
        await new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error("no upgrade")), TIMEOUT_MS);
          socket.io.engine.once("upgrade", () => { clearTimeout(timer); resolve(); });
        });
      }
      await largeAndSmallMessages(socket, "js-deflate-upgrade");
    } finally { socket.disconnect(); }
  },
};

(async () => {
  let failed = 0;
  for (const [name, run] of Object.entries(scenarios)) {
    try {
      await run();
      console.log("PASS " + name);
    } catch (err) {
      failed++;
      console.log("FAIL " + name + ": " + (err && err.message ? err.message : err));
    }
  }
  process.exit(failed === 0 ? 0 : 1);
})();
