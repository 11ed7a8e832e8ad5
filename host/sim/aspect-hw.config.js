// as-pect restricted to the hardware driver specs: npx asp --config host/sim/aspect-hw.config.js --no-logo
// (HW_SPEC=<glob> narrows it further). The full suite uses the project's as-pect.config.js.
const base = require("../../as-pect.config.js");
module.exports = { ...base, entries: [process.env.HW_SPEC || "assembly/__tests__/hw*.spec.ts"] };
