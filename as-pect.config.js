// as-pect runs the AssemblyScript unit tests (assembly/__tests__/*.spec.ts).
// The image's env imports are served by the fake host in tests/aspect-host.js.
const { createFakeHost } = require("./tests/aspect-host.js");

module.exports = {
  entries: ["assembly/__tests__/**/*.spec.ts"],
  include: ["assembly/__tests__/**/*.include.ts"],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    let exportsRef = null;
    const host = createFakeHost(() => (exportsRef && exportsRef.memory) || memory);
    const result = await instantiate(binary, createImports({ env: { memory, ...host.imports } }));
    exportsRef = (result.instance || result).exports;
    return result;
  },
  outputBinary: false,
};
