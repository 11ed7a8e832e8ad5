// `make run` as a test drives it: node host/node/run.js as a child process (the real program, stopped with SIGTERM
// after the test), its output collected line by line; every wait is on that output, with a time-out.
"use strict";
const path = require("node:path");
const readline = require("node:readline");
const { spawn } = require("node:child_process");

const ROOT = path.join(__dirname, "..", "..");

/** node host/node/run.js --bench 0 with `args`; waitFor(regex, what) resolves with the first output line (since the
 *  start) that matches, or fails after limitMs or when the program ends. */
function startRun(t, args, { limitMs = 20_000 } = {}) {
  const child = spawn(process.execPath, [path.join(ROOT, "host", "node", "run.js"), "--bench", "0", ...args],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const lines = [];
  const waiters = new Set();
  let ended = null;
  const wake = () => { for (const w of [...waiters]) w(); };
  readline.createInterface({ input: child.stdout }).on("line", (l) => { lines.push(l); wake(); });
  readline.createInterface({ input: child.stderr }).on("line", (l) => { lines.push(`stderr: ${l}`); wake(); });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => { ended = { code, signal }; wake(); resolve(ended); }));
  // SIGTERM, then SIGKILL if the program has not ended within 10 s: a stuck run fails its test, never hangs the file.
  const stop = async () => {
    if (ended) return;
    child.kill("SIGTERM");
    const late = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(late);
  };
  t.after(stop);
  const waitFor = (re, what) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`timed out waiting for ${what}; output:\n${lines.join("\n")}`)); }, limitMs);
    function check() {
      const hit = lines.find((l) => re.test(l));
      if (hit || ended) { clearTimeout(timer); waiters.delete(check); }
      if (hit) resolve(hit);
      else if (ended) reject(new Error(`run.js ended (${JSON.stringify(ended)}) before ${what}; output:\n${lines.join("\n")}`));
    }
    waiters.add(check);
    check();
  });
  return { lines, waitFor, stop, exited };
}

module.exports = { startRun };
