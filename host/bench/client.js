#!/usr/bin/env node
// A bench client for scripts and people without netcat: sends each argument (or each line of standard input)
// as one command and prints each reply line.
//   node host/bench/client.js [--port 7777] '{"op":"status"}' ...
"use strict";
const net = require("node:net");
const readline = require("node:readline");

async function main() {
  const argv = process.argv.slice(2);
  let port = 7777;
  if (argv[0] === "--port") { port = Number(argv[1]); argv.splice(0, 2); }
  const lines = argv.length ? argv : await new Promise((resolve) => {
    const out = [];
    readline.createInterface({ input: process.stdin }).on("line", (l) => { if (l.trim()) out.push(l); }).on("close", () => resolve(out));
  });
  const sock = net.connect(port, "127.0.0.1");
  sock.setEncoding("utf8");
  let buf = "", got = 0;
  sock.on("data", (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      console.log(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      if (++got === lines.length) sock.end();
    }
  });
  sock.on("error", (e) => { console.error(`bench: ${e.message}`); process.exit(1); });
  sock.on("connect", () => { for (const l of lines) sock.write(l + "\n"); if (!lines.length) sock.end(); });
}

main();
