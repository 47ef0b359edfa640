// Runs the official socket.io-client 4.x against a Parley server while a Java test drives the admin
// API, and prints what the client sees, one line per event:
//   CONNECTED                       connected (the test then broadcasts)
//   BROADCAST <event> <data JSON>   the operators' notice arrived on the broadcast channel
//   READY                           the test may now disconnect this user
//   ERROR <code> <message>          the error event the server sent before disconnecting
//   DISCONNECT <reason> active=<b>  the disconnect, and whether the client will reconnect by itself
//   RECONNECTED                     connected again (mode "again" only)
//   HINT <afterMs>                  a draining node's reconnect hint (mode "drain"; then exits)
// Usage: node admin.js http://127.0.0.1:PORT <token> final|again|drain
// Exits 0 after the last expected line, 1 on a timeout.
"use strict";
const { io } = require("socket.io-client");

const [url, token, mode] = process.argv.slice(2);
const TIMEOUT_MS = 15000;
const BROADCAST = "parley:broadcast";

const timer = setTimeout(() => {
  console.log("FAIL timed out");
  process.exit(1);
}, TIMEOUT_MS);

const socket = io(url, {
  forceNew: true,
  transports: ["websocket"],
  auth: { token },
  reconnectionDelay: 100,
  reconnectionDelayMax: 200,
});
let connects = 0;
socket.on("connect", () => {
  connects++;
  if (connects === 1) {
    console.log("CONNECTED");
  } else {
    console.log("RECONNECTED");
    clearTimeout(timer);
    socket.close();
  }
});
socket.on("message", (message) => {
  if (message.channel === BROADCAST) {
    console.log("BROADCAST " + message.event + " " + JSON.stringify(message.data));
    console.log("READY");
  }
});
socket.on("reconnect", (hint) => {
  console.log("HINT " + hint.afterMs);
  if (mode === "drain") {
    clearTimeout(timer);
    socket.close();
  }
});
socket.on("error", (error) => console.log("ERROR " + error.code + " " + error.message));
socket.on("disconnect", (reason) => {
  if (reason === "io client disconnect") {
    return; // our own close, at the end
  }
  console.log("DISCONNECT " + reason + " active=" + socket.active);
  if (mode === "final") {
    clearTimeout(timer);
    socket.close();
  }
});
