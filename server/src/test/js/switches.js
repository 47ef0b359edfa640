// Connects the official socket.io-client 4.x to a Parley server with each transports option and
// prints one line per attempt: "<transports>: connected over <name>, upgrades [<list>]" or
// "<transports>: connect_error". Usage: node switches.js http://127.0.0.1:PORT
"use strict";
const { io } = require("socket.io-client");

const url = process.argv[2];
const TIMEOUT_MS = 10000;

function attempt(transports) {
  return new Promise((resolve) => {
    const socket = io(url, { forceNew: true, reconnection: false, transports, timeout: TIMEOUT_MS });
    const done = (line) => { socket.close(); resolve(transports.join(",") + ": " + line); };
    // The server's own list of upgrades, from its handshake (the engine exists once io() returns).
    let upgrades = [];
    socket.io.engine.on("handshake", (data) => { upgrades = data.upgrades; });
    socket.on("connect", () => {
      // A round trip first, so that an upgrade the server offered would have begun.
      socket.timeout(TIMEOUT_MS).emitWithAck("subscribe", { channel: "switches" }).then(
          () => done("connected over " + socket.io.engine.transport.name
              + ", upgrades [" + upgrades.join(",") + "]"),
          (err) => done("subscribe failed: " + err.message));
    });
    socket.on("connect_error", () => done("connect_error"));
  });
}

(async () => {
  for (const transports of [["polling", "websocket"], ["polling"], ["websocket"]]) {
    console.log(await attempt(transports));
  }
})();
