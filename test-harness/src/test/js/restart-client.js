// The official JS Socket.IO client, unmodified, subscribed to one channel with its own
// reconnection; on every (re)connect it subscribes again with `since` = the last message seen.
// Prints one JSON line per event for OfficialJsClientRestartIT to read.
// Usage: PARLEY_TOKEN=JWT node restart-client.js URL CHANNEL TRANSPORT
// The token goes in the CONNECT packet's auth, where Parley's Socket.IO transport reads it.
"use strict";
const { io } = require("socket.io-client");
const [url, channel, transport] = process.argv.slice(2);

let last = null;
const print = (event) => console.log(JSON.stringify(event));
const socket = io(url, {
  transports: [transport],
  forceNew: true,
  reconnectionDelay: 100,
  reconnectionDelayMax: 500,
  auth: { clientId: "official-js-" + transport, token: process.env.PARLEY_TOKEN },
});
socket.on("connect", () => {
  const request = { channel };
  if (last) request.since = { epoch: last.epoch, seq: last.seq };
  socket.emit("subscribe", request, (answer) => print({ kind: "subscribed", answer }));
});
socket.on("message", (message) => {
  last = message;
  print({ kind: "message", epoch: message.epoch, seq: message.seq });
});
socket.on("gap", (gap) => print({ kind: "gap", gap }));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
