// The Node reference Socket.IO v4 server with the same three handlers as Parley's Socket.IO channel
// events, so the load generator drives both alike:
//   subscribe {channel}            -> join the room, ack {channel, position, recovered}
//   publish {id, channel, event, data} -> emit "message" to the room, ack {seq, epoch}
//   echo (...args)                 -> ack with the same args
// Compression is off, as for every server in the main comparison; COMPRESSION=on turns on
// permessage-deflate with the reference's 1 KB threshold (the compression comparison).
// Usage: [COMPRESSION=on] node server.js PORT
"use strict";
const http = require("http");
const { Server } = require("socket.io");

const port = Number(process.argv[2] || 3000);
const epoch = "node-" + process.pid;
const seqs = new Map();

const httpServer = http.createServer();
const compression = process.env.COMPRESSION === "on";
const io = new Server(httpServer, {
  perMessageDeflate: compression ? { threshold: 1024 } : false,
  httpCompression: false,
  pingInterval: 25000,
  pingTimeout: 20000,
  maxHttpBufferSize: 1e6,
});

io.on("connection", (socket) => {
  socket.on("subscribe", (request, ack) => {
    const channel = request && request.channel;
    socket.join(channel);
    if (typeof ack === "function") {
      ack({ channel, position: { epoch, seq: seqs.get(channel) || 0 }, recovered: true });
    }
  });
  socket.on("publish", (request, ack) => {
    const channel = request.channel;
    const seq = (seqs.get(channel) || 0) + 1;
    seqs.set(channel, seq);
    io.to(channel).emit("message", {
      channel, epoch, seq, event: request.event, data: request.data, ts: Date.now(),
    });
    if (typeof ack === "function") {
      ack({ seq, epoch });
    }
  });
  socket.on("echo", (...args) => {
    const ack = args.pop();
    if (typeof ack === "function") {
      ack(...args);
    }
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`node socket.io peer listening on http://127.0.0.1:${port}`);
});
