// Opens COUNT raw /ws connections to a Parley server, a thousand at a time, for DashboardBrowserIT's burst: each
// says hello (anonymous), subscribes to its own channel burst:<i> and publishes one message there,
// so the node holds COUNT sessions and COUNT channels. Runs outside the server's JVM so that the
// two sides do not share one process's file descriptors. Prints:
//   OPEN <count> <ms>    every connection is welcomed, after <ms> from the start
//   FAIL <message>       one could not connect (then exits 1)
// then holds the connections (answering heartbeats) until stdin closes, and exits 0.
// Usage: node --experimental-websocket burst.js http://127.0.0.1:PORT COUNT
"use strict";

const [base, countText] = process.argv.slice(2);
const COUNT = Number(countText);
const URL_WS = base.replace(/^http/, "ws") + "/ws";
const TIMEOUT_MS = 120000;

const started = Date.now();
const sockets = [];
let welcomed = 0;

const timer = setTimeout(() => {
  console.log("FAIL only " + welcomed + " of " + COUNT + " welcomed within " + TIMEOUT_MS + " ms");
  process.exit(1);
}, TIMEOUT_MS);

// Connects in waves of WAVE, the next as soon as the last is welcomed: a burst as fast as the
// server takes it, without ten thousand handshakes queued at once on a two-core machine.
const WAVE = 1000;
let opened = 0;

function wave() {
  const end = Math.min(COUNT, opened + WAVE);
  for (; opened < end; opened++) {
    open(opened);
  }
}

function open(i) {
  const channel = "burst:" + i;
  const socket = new WebSocket(URL_WS);
  sockets.push(socket);
  socket.onopen = () => {
    socket.send(JSON.stringify({ type: "hello", clientId: "burst-" + i }));
    socket.send(JSON.stringify({ type: "subscribe", id: "s", channel }));
    socket.send(JSON.stringify({ type: "publish", id: "p", channel, event: "tick", data: 1 }));
  };
  socket.onmessage = (message) => {
    const frame = JSON.parse(message.data);
    if (frame.type === "welcome" && ++welcomed === COUNT) {
      clearTimeout(timer);
      console.log("OPEN " + COUNT + " " + (Date.now() - started));
    } else if (frame.type === "welcome" && welcomed === opened) {
      wave();
    } else if (frame.type === "ping") {
      socket.send(JSON.stringify({ type: "pong", ts: frame.ts }));
    }
  };
  socket.onerror = () => {
    console.log("FAIL connection " + i + " failed");
    process.exit(1);
  };
}

wave();

process.stdin.resume();
process.stdin.on("end", () => {
  for (const socket of sockets) {
    socket.close();
  }
  process.exit(0);
});
