// What the scenario scripts share (interop.js, compression.js): connecting the official
// socket.io-client 4.x, waiting for a channel's next message, and running named scenarios, each
// printing "PASS <name>" or "FAIL <name>: <reason>"; the process exits 0 only when all passed.
"use strict";
const { io } = require("socket.io-client");

const TIMEOUT_MS = 10000;

function connect(url, options) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { forceNew: true, reconnection: false, ...options });
    const timer = setTimeout(() => reject(new Error("connect timed out")), TIMEOUT_MS);
    socket.on("connect", () => { clearTimeout(timer); resolve(socket); });
    socket.on("connect_error", (err) => { clearTimeout(timer); reject(err); });
  });
}

function ack(socket, event, payload) {
  return socket.timeout(TIMEOUT_MS).emitWithAck(event, payload);
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function nextMessage(socket, channel) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no message on " + channel)), TIMEOUT_MS);
    const listener = (message) => {
      if (message.channel === channel) {
        clearTimeout(timer);
        socket.off("message", listener);
        resolve(message);
      }
    };
    socket.on("message", listener);
  });
}

// Resolves once the socket runs over WebSocket, after its upgrade from polling if need be.
function upgraded(socket) {
  if (socket.io.engine.transport.name === "websocket") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no upgrade")), TIMEOUT_MS);
    socket.io.engine.once("upgrade", () => { clearTimeout(timer); resolve(); });
  });
}

function runScenarios(scenarios) {
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
}

module.exports = { TIMEOUT_MS, connect, ack, expect, nextMessage, upgraded, runScenarios };
