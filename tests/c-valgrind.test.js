// The C host under valgrind for a short scripted session: no invalid accesses, no definite leaks at exit. The
// station also takes its time from a fake SNTP server, so the datagram path (udp.c) runs under valgrind too.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { startCsms } = require("./helpers/csms.js");
const { startCStation } = require("./helpers/station-host.js");
const { startSntpServer } = require("./helpers/sntp-server.js");
const { makePki } = require("./helpers/pki.js");

const C_STATION = path.join(__dirname, "..", "build", "c-host", "station");

test("valgrind: a short C-host session is free of memory errors and leaks", { timeout: 240_000 }, async () => {
  try { execFileSync("valgrind", ["--version"]); } catch { assert.fail("valgrind is not installed (apt-get install valgrind)"); }
  assert.ok(fs.existsSync(C_STATION), "make c-host first");
  const csms = await startCsms({ interval: 60 });
  const ntp = await startSntpServer();
  const st = await startCStation({
    csmsUrl: csms.url, stationId: "VG1", command: "valgrind",
    config: { "dm:ClockCtrlr.TimeSource": "NTP", "dm:ClockCtrlr.NtpServerUri.1": ntp.uri },
    commandArgs: ["--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite", "--quiet", C_STATION],
  });
  try {
    await csms.waitFor("BootNotification", 1, 120_000);
    await st.settle();
    const res = await csms.client().call("GetVariables", { getVariableData: [{ component: { name: "SecurityCtrlr" }, variable: { name: "Identity" } }] });
    assert.equal(res.getVariableResult[0].attributeValue, "VG1");
    // The certificate store (posix/certs.c, mbedTLS): install, list, delete.
    const pki = makePki();
    try {
      for (const f of ["root.pem", "other-root.pem"]) {
        const r = await csms.client().call("InstallCertificate", { certificateType: "CSMSRootCertificate", certificate: pki.read(f).toString() });
        assert.equal(r.status, "Accepted");
      }
      const listed = await csms.client().call("GetInstalledCertificateIds", {});
      assert.equal(listed.certificateHashDataChain.length, 2);
      const del = await csms.client().call("DeleteCertificate", { certificateHashData: listed.certificateHashDataChain[0].certificateHashData });
      assert.equal(del.status, "Accepted");
    } finally { fs.rmSync(pki.dir, { recursive: true, force: true }); }
    csms.client().sendRaw('[2,"bad","GetVariables",{"getVariableData":"x"}]');
    await st.advance(60_000);
    await csms.waitFor("Heartbeat", 1, 60_000);
    assert.ok(ntp.requests.length >= 1, "the station asked the SNTP server");
    const clock = await csms.client().call("GetVariables", { getVariableData: [{ component: { name: "ClockCtrlr" }, variable: { name: "DateTime" } }] });
    assert.match(clock.getVariableResult[0].attributeValue, /^2030-06-01T/, "and took its time");
  } finally {
    st.child.stdin.end();   // end of the control channel: the host shuts down and frees everything
    csms.close();
    ntp.close();
  }
  const { code } = await st.exited;
  st.stop();
  assert.equal(code, 0, "valgrind reported errors (exit 99) or the host failed");
});
