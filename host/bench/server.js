// Bench control over TCP (docs/bench.md): line-delimited JSON on a loopback port, one reply line per command,
// commands of all clients run one at a time in arrival order. Lines are bounded: a longer one gets an error
// reply and is dropped up to its newline.
"use strict";
const net = require("node:net");

const MAX_LINE = 4096;
const OVERLONG = JSON.stringify({ op: "\u0000overlong" });

function serveBench(bench, { port = 7777, host = "127.0.0.1" } = {}) {
  let chain = Promise.resolve();
  const run = (line, sock) => {
    chain = chain.then(async () => {
      const reply = await bench.handleLine(line);
      if (!sock.destroyed) sock.write(reply + "\n");
    });
  };
  const server = net.createServer((sock) => {
    let buf = "";
    let dropping = false;
    sock.setEncoding("utf8");
    sock.on("data", (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, "");
        buf = buf.slice(nl + 1);
        if (dropping) { dropping = false; continue; }
        if (line.length > MAX_LINE) run(OVERLONG, sock);
        else if (line.trim()) run(line, sock);
      }
      if (buf.length > MAX_LINE) {
        if (!dropping) run(OVERLONG, sock);   // answered in order, as an error
        dropping = true;
        buf = "";
      }
    });
    sock.on("error", () => {});
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve({ server, port: server.address().port, close: () => server.close() }));
  });
}

module.exports = { serveBench, MAX_LINE };
