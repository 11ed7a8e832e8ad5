// Block F, TriggerMessage for FirmwareStatusNotification while an update downloads (TC_F_19_CS, F06 with L01.FR.26),
// built from its Part 6 text. TC_F_17_CS and TC_F_18_CS (Idle, no update) are in f-remote-control.test.js.
// The station trusts the test manufacturer root (tests/helpers/firmware-image.js), installed as the factory does;
// the file server (tests/helpers/file-server.js) stalls the download, so the station is still downloading when the
// trigger comes.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { conformance } = require("./states.js");
const { HOST } = require("../helpers/station-host.js");
const { startFileServer } = require("../helpers/file-server.js");
const { makeFirmwarePki } = require("../helpers/firmware-image.js");

const fw = makeFirmwarePki();
test.after(() => fw.cleanup());

test(`[${HOST}] TC_F_19_CS Trigger message - FirmwareStatusNotification - Downloading`, async (t) => {
  const s = await conformance(t);
  const files = await startFileServer();
  t.after(() => files.close());
  const root = await s.call("InstallCertificate", { certificateType: "ManufacturerRootCertificate", certificate: fw.rootPem });
  assert.equal(root.status, "Accepted", "preparation: the manufacturer root installed");
  const u = fw.update("2.0.19-f19");
  files.stall("/fw.wasm", { bytes: 4096, data: u.image });
  const mark = s.mark();
  // Step 1: retrieveDateTime 2 hours ago, installDateTime omitted.
  const r = await s.call("UpdateFirmware", { requestId: 19, firmware: {
    location: files.url("/fw.wasm"), retrieveDateTime: new Date(Date.now() - 2 * 3600_000).toISOString(),
    signingCertificate: u.certificate, signature: u.signature } });
  assert.equal(r.status, "Accepted", "step 2: UpdateFirmwareResponse Accepted");
  await s.stepUntil(() => s.sentSince(mark, "FirmwareStatusNotification").length > 0, 10_000);
  const first = s.sentSince(mark, "FirmwareStatusNotification");
  assert.deepEqual(first.map((p) => p.status), ["Downloading"], "step 3: FirmwareStatusNotification Downloading");
  assert.equal(first[0].requestId, 19, "step 3: the request's requestId");
  await s.step(2000);
  // Step 5: TriggerMessage FirmwareStatusNotification while the download is stalled.
  const mark2 = s.mark();
  const trig = await s.call("TriggerMessage", { requestedMessage: "FirmwareStatusNotification" });
  assert.equal(trig.status, "Accepted", "step 6: TriggerMessageResponse Accepted");
  await s.stepUntil(() => s.sentSince(mark2, "FirmwareStatusNotification").length > 0, 10_000);
  const again = s.sentSince(mark2, "FirmwareStatusNotification");
  assert.deepEqual(again.map((p) => p.status), ["Downloading"], "step 7: FirmwareStatusNotification Downloading");
  assert.equal(again[0].requestId, 19, "step 7: the request's requestId (L01.FR.20)");
});
