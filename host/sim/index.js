// The JavaScript hardware simulator (docs/hardware.md): new ChargerSim({ deliverUart, deliverCan, deliverGpio }).
"use strict";
module.exports = {
  ...require("./sim"),
  ...require("./protocol"),
  ...require("./pn532"),
  ...require("./power-module"),
  ...require("./meter"),
  ...require("./ev"),
  ...require("./simbus"),
};
