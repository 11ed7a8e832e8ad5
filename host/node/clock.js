// Clocks: monotonic ms for tick(), wall ms for the station's RTC. The virtual clock only moves when the
// test says so, so hours of station time take milliseconds.
"use strict";

class RealClock {
  constructor() { this.start = performance.now(); this.wallOffset = 0; this.virtual = false; }
  now() { return Math.floor(performance.now() - this.start); }
  wall() { return Date.now() + this.wallOffset; }
  setWall(ms) { this.wallOffset = ms - Date.now(); }
}

class VirtualClock {
  constructor(startWallMs = Date.UTC(2026, 0, 1)) { this.t = 0; this.wallBase = startWallMs; this.virtual = true; }
  now() { return this.t; }
  wall() { return this.wallBase + this.t; }
  setWall(ms) { this.wallBase = ms - this.t; }
  set(ms) { if (ms > this.t) this.t = ms; }
}

module.exports = { RealClock, VirtualClock };
