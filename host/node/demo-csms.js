#!/usr/bin/env node
// A small CSMS for `make run`: accepts every station, logs every message in both directions.
//   node host/node/demo-csms.js [--port 9000] [--path /ocpp]
"use strict";
const { RPCServer } = require("ocpp-rpc");

const DEMO_CARD = "04A1B2C3D4E5F6";

async function startDemoCsms({ port = 9000, host = "127.0.0.1", log = console.log } = {}) {
  const server = new RPCServer({ protocols: ["ocpp2.0.1"], strictMode: true });
  const now = () => new Date().toISOString();
  server.on("client", (client) => {
    log(`csms: ${client.identity} connected`);
    client.on("close", () => log(`csms: ${client.identity} disconnected`));
    const authorize = (idToken) => ({ status: idToken && idToken.idToken === DEMO_CARD ? "Accepted" : "Invalid" });
    const handlers = {
      BootNotification: () => ({ status: "Accepted", currentTime: now(), interval: 300 }),
      Heartbeat: () => ({ currentTime: now() }),
      StatusNotification: () => ({}),
      Authorize: ({ params }) => ({ idTokenInfo: authorize(params.idToken) }),
      TransactionEvent: ({ params }) => (params.idToken ? { idTokenInfo: authorize(params.idToken) } : {}),
      MeterValues: () => ({}),
      NotifyReport: () => ({}),
      NotifyEvent: () => ({}),
      SecurityEventNotification: () => ({}),
      FirmwareStatusNotification: () => ({}),
      LogStatusNotification: () => ({}),
    };
    for (const [method, fn] of Object.entries(handlers)) {
      client.handle(method, (call) => {
        const reply = fn(call);
        log(`csms: ${client.identity} → ${method} ${JSON.stringify(call.params)}  ⇒ ${JSON.stringify(reply)}`);
        return reply;
      });
    }
  });
  const http = await server.listen(port, host);
  return { server, port: http.address().port, close: () => server.close({ force: true }) };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const port = Number(args[args.indexOf("--port") + 1] || 9000);
  startDemoCsms({ port }).then((c) => console.log(`demo CSMS on ws://127.0.0.1:${c.port}/ocpp`));
}

module.exports = { startDemoCsms, DEMO_CARD };
