// Instances generated from an OCPP JSON schema: minimal (required properties only) or full (every property).
"use strict";

const DATE = "2026-11-24T12:00:00.000Z";

function resolve(schema, node) {
  if (node.$ref) return resolve(schema, schema.definitions[node.$ref.replace("#/definitions/", "")]);
  return node;
}

/** An instance of `node`; `full` adds every optional property and uses the far end of each range. */
function instance(schema, node, full, depth = 0) {
  node = resolve(schema, node);
  if (node.enum) return full ? node.enum[node.enum.length - 1] : node.enum[0];
  switch (node.type) {
    case "object": {
      const out = {};
      for (const [name, prop] of Object.entries(node.properties || {})) {
        if (!full && !(node.required || []).includes(name)) continue;
        out[name] = instance(schema, prop, full, depth + 1);
      }
      return out;
    }
    case "array": {
      const min = node.minItems || 0;
      const n = full ? Math.min(node.maxItems || 2, 2) : Math.max(min, 1);
      return Array.from({ length: Math.max(n, min) }, () => instance(schema, node.items, full, depth + 1));
    }
    case "string":
      if (node.format === "date-time") return DATE;
      return full ? "Zx\u00e9\"\\/\n".slice(0, Math.min(node.maxLength || 8, 8)) : "s";
    case "integer":
      return full ? (node.maximum !== undefined ? node.maximum : 2147483647) : (node.minimum !== undefined ? node.minimum : 0);
    case "number": return full ? -123.125 : 0.5;
    case "boolean": return full;
    default: return full ? { any: [1, "two", true, null, { n: 1.5 }] } : "free";
  }
}

module.exports = { instance, resolve, DATE };
