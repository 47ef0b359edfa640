// Runs the official socket.io-client 4.x (over Node's ws, which offers permessage-deflate) against
// a Parley server with realtime.websocket-compression on, and prints one line per scenario:
// "PASS <name>" or "FAIL <name>: <reason>". Exits 0 only when every scenario passed.
// Usage: node compression.js http://127.0.0.1:PORT
"use strict";
const kit = require("./scenarios");
const { ack, expect, nextMessage } = kit;

const url = process.argv[2];

function connect(options) {
  return kit.connect(url, options);
}

// About 16 KB of records, as an application would fan out.
const rows = [];
for (let i = 0; i < 250; i++) rows.push({ id: i, name: "item-" + i, price: i * 1.5, tags: ["a", "b"] });

async function largeAndSmallMessages(socket, channel) {
  // ws keeps the negotiated extensions on the socket: compression must really be in use.
  const extensions = socket.io.engine.transport.ws._extensions || {};
  expect(extensions["permessage-deflate"], "permessage-deflate not negotiated");
  await ack(socket, "subscribe", { channel });
  for (const [i, data] of [[1, { rows }], [2, { n: 2 }], [3, { rows, again: true }]]) {
    const received = nextMessage(socket, channel);
    await ack(socket, "publish", { id: channel + "-" + i, channel, event: "e", data });
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
      await kit.upgraded(socket);
      await largeAndSmallMessages(socket, "js-deflate-upgrade");
    } finally { socket.disconnect(); }
  },
};

kit.runScenarios(scenarios);
