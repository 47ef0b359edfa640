// Runs the official socket.io-client 4.x against a Parley server and prints one line per
// scenario: "PASS <name>" or "FAIL <name>: <reason>". Exits 0 only when every scenario passed.
// Usage: node interop.js http://127.0.0.1:PORT
// The server must have an "echo" handler (or the event named by a second argument) on namespace "/" that acks with its arguments.
"use strict";
const { io } = require("socket.io-client");
const kit = require("./scenarios");
const { TIMEOUT_MS, ack, expect, nextMessage } = kit;

const url = process.argv[2];
const ECHO = process.argv[3] || "echo";

function connect(options) {
  return kit.connect(url, options);
}

async function channelRoundTrip(socket, channel) {
  const subscribed = await ack(socket, "subscribe", { channel });
  expect(subscribed.channel === channel, "subscribe ack: " + JSON.stringify(subscribed));
  expect(typeof subscribed.position.seq === "number", "position: " + JSON.stringify(subscribed));
  const received = nextMessage(socket, channel);
  const published = await ack(socket, "publish",
      { id: "p-" + channel, channel, event: "note", data: { n: 1, s: "x" } });
  expect(published.seq === subscribed.position.seq + 1, "publish ack: " + JSON.stringify(published));
  const message = await received;
  expect(message.seq === published.seq && message.event === "note" && message.data.n === 1,
      "message: " + JSON.stringify(message));
}

const scenarios = {
  async pollingOnly() {
    const socket = await connect({ transports: ["polling"] });
    try {
      expect(socket.io.engine.transport.name === "polling", "transport");
      await channelRoundTrip(socket, "js-polling");
    } finally { socket.disconnect(); }
  },
  async websocketOnly() {
    const socket = await connect({ transports: ["websocket"] });
    try {
      expect(socket.io.engine.transport.name === "websocket", "transport");
      await channelRoundTrip(socket, "js-websocket");
    } finally { socket.disconnect(); }
  },
  async upgrade() {
    const socket = await connect({});
    try {
      await kit.upgraded(socket);
      expect(socket.io.engine.transport.name === "websocket", "not upgraded");
      await channelRoundTrip(socket, "js-upgrade");
    } finally { socket.disconnect(); }
  },
  async ackWithTimeout() {
    const socket = await connect({});
    try {
      const reply = await ack(socket, ECHO, { a: 1, b: [1, 2.5, "x"], c: null });
      expect(JSON.stringify(reply) === '{"a":1,"b":[1,2.5,"x"],"c":null}', JSON.stringify(reply));
      let timedOut = false;
      try { await socket.timeout(300).emitWithAck("nobody-listens", 1); }
      catch (err) { timedOut = true; }
      expect(timedOut, "an event without a handler must time out");
    } finally { socket.disconnect(); }
  },
  async binary() {
    for (const transports of [["polling"], ["websocket"]]) {
      const socket = await connect({ transports });
      try {
        const bytes = Buffer.from([0, 1, 2, 250, 255]);
        const reply = await ack(socket, ECHO, { name: "file", bytes });
        expect(Buffer.isBuffer(reply.bytes) && reply.bytes.equals(bytes),
            transports + ": " + JSON.stringify(reply));
      } finally { socket.disconnect(); }
    }
  },
  async resumeWithSince() {
    const channel = "js-resume";
    const writer = await connect({ auth: { clientId: "js-writer" } });
    let first;
    try {
      await ack(writer, "subscribe", { channel });
      for (let i = 1; i <= 3; i++) {
        const acked = await ack(writer, "publish", { id: "r" + i, channel, event: "e", data: i });
        if (i === 1) first = acked;
      }
      const again = await ack(writer, "publish", { id: "r1", channel, event: "e", data: 1 });
      expect(again.seq === first.seq, "idempotent publish: " + JSON.stringify(again));
    } finally { writer.disconnect(); }
    const reader = await connect({ transports: ["polling"] });
    try {
      const seen = [];
      reader.on("message", (m) => { if (m.channel === channel) seen.push(m.seq); });
      const subscribed = await ack(reader, "subscribe",
          { channel, since: { epoch: first.epoch, seq: first.seq } });
      expect(subscribed.recovered === true, "recovered: " + JSON.stringify(subscribed));
      const deadline = Date.now() + TIMEOUT_MS;
      while (seen.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(JSON.stringify(seen) === JSON.stringify([first.seq + 1, first.seq + 2]),
          "replayed " + JSON.stringify(seen));
    } finally { reader.disconnect(); }
  },
  // The test runner drops every connection when it reads "DROP" on stdout, as a server restart
  // that keeps the history would; the client reconnects by itself and resumes through "since".
  async reconnectAndResume() {
    const channel = "js-reconnect";
    const socket = io(url, { forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 200 });
    const seen = [];
    let last = null;
    let connects = 0;
    const recovered = [];
    socket.on("message", (m) => {
      if (m.channel === channel) { seen.push(m.seq); last = m; }
    });
    socket.on("connect", async () => {
      connects++;
      const request = last ? { channel, since: { epoch: last.epoch, seq: last.seq } } : { channel };
      const ack = await socket.timeout(TIMEOUT_MS).emitWithAck("subscribe", request);
      recovered.push(ack.recovered);
    });
    const until = async (condition, what) => {
      const deadline = Date.now() + TIMEOUT_MS;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error("timed out waiting for " + what);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const publish = (n) => fetch(url + "/realtime/publish", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ channel, event: "n", data: n }),
    });
    try {
      await until(() => recovered.length === 1, "first subscribe");
      await publish(1);
      await publish(2);
      await until(() => seen.length === 2, "two messages");
      const dropped = new Promise((resolve) => socket.once("disconnect", resolve));
      console.log("DROP");
      await dropped;
      await publish(3);
      await publish(4);
      await until(() => connects === 2 && seen.length === 4, "resume after reconnect");
      const first = seen[0];
      expect(JSON.stringify(seen) === JSON.stringify([first, first + 1, first + 2, first + 3]),
          "seen " + JSON.stringify(seen));
      expect(recovered.every((r) => r === true), "recovered " + JSON.stringify(recovered));
    } finally { socket.disconnect(); }
  },
  async badPayloadGetsErrorAck() {
    const socket = await connect({});
    try {
      const reply = await ack(socket, "subscribe", { channel: "bad channel!" });
      expect(reply.error && reply.error.code === "INVALID_CHANNEL" && reply.error.field === "channel",
          JSON.stringify(reply));
      // The message names the first character not allowed and its 1-based position.
      expect(reply.error.message.endsWith("but has ' ' (U+0020) at position 4"),
          JSON.stringify(reply));
    } finally { socket.disconnect(); }
  },
};

kit.runScenarios(scenarios);
