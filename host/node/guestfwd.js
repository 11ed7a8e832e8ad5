// One guest connection of the emulated board (QEMU user networking, guestfwd=...-cmd:): QEMU starts this per
// connection with the guest's TCP stream on standard input and output; it joins it to 127.0.0.1:<port>, the only
// address it ever connects to. A plain `tcp:` chardev target would connect once at QEMU's start and serve a
// single connection for the whole run; the station reconnects.
//   node host/node/guestfwd.js <port>
"use strict";
const net = require("node:net");

const port = Number(process.argv[2]);
if (!(port > 0 && port < 65536)) process.exit(2);
const sock = net.connect({ host: "127.0.0.1", port });
sock.setNoDelay(true);
process.stdin.pipe(sock);
sock.pipe(process.stdout);
const end = () => process.exit(0);
sock.on("error", end);
sock.on("close", end);
process.stdin.on("end", () => sock.end());
process.stdout.on("error", end);
