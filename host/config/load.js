// The station configuration file (host/config/station.schema.json): checked with ajv, then turned into the host
// options and the image's config_set pairs. Errors name the field: "station config: /csms/securityProfile: must
// be <= 3". Connector ids must be 1 and 2, once each (the hardware drivers' two cables).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Ajv = require("ajv");

const SCHEMA = require("./station.schema.json");
const DEFAULT_FILE = path.join(__dirname, "station.default.json");
const validate = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(SCHEMA);

class ConfigError extends Error {}

function describe(err) {
  const where = err.instancePath || "/";
  if (err.keyword === "additionalProperties") return `${where}: unknown field "${err.params.additionalProperty}"`;
  if (err.keyword === "required") return `${where}: missing field "${err.params.missingProperty}"`;
  if (err.keyword === "enum") return `${where}: must be one of ${err.params.allowedValues.join(", ")}`;
  if (err.keyword === "const") return `${where}: must be ${JSON.stringify(err.params.allowedValue)}`;
  if (err.keyword === "oneOf") return `${where}: must be {"sim": true} or {"uart", "can"[, "gpio"]}`;
  return `${where}: ${err.message}`;
}

/** Parses and checks a configuration object (or the JSON text of one). */
function parseStationConfig(input, source = "station config") {
  let cfg = input;
  if (typeof input === "string") {
    try { cfg = JSON.parse(input); } catch (e) { throw new ConfigError(`${source}: not valid JSON (${e.message})`); }
  }
  if (!validate(cfg)) throw new ConfigError(`${source}: ${describe(validate.errors[0])}`);
  const ids = cfg.evses[0].connectors.map((c) => c.id).sort();
  if (ids.join(",") !== "1,2") throw new ConfigError(`${source}: /evses/0/connectors: ids must be 1 and 2`);
  if ((cfg.csms.securityProfile >= 2) !== cfg.csms.url.startsWith("wss:")) {
    throw new ConfigError(`${source}: /csms/url: security profile ${cfg.csms.securityProfile} needs ${cfg.csms.securityProfile >= 2 ? "wss://" : "ws://"}`);
  }
  if ((cfg.csms.securityProfile === 1 || cfg.csms.securityProfile === 2) && !cfg.csms.basicAuthPassword) {
    throw new ConfigError(`${source}: /csms/basicAuthPassword: required for security profile ${cfg.csms.securityProfile}`);
  }
  const configSet = {
    vendor_name: cfg.identity.vendorName,
    model: cfg.identity.model,
    firmware_version: cfg.identity.firmwareVersion,
  };
  if (cfg.identity.serialNumber) configSet.serial_number = cfg.identity.serialNumber;
  for (const c of cfg.evses[0].connectors) configSet[`connector.${c.id}.type`] = c.type;
  for (const [name, value] of Object.entries(cfg.deviceModel || {})) configSet[`dm:${name}`] = String(value);
  const hw = cfg.hardware;
  return {
    stationId: cfg.identity.stationId,
    csmsUrl: cfg.csms.url,
    securityProfile: cfg.csms.securityProfile,
    password: cfg.csms.basicAuthPassword || undefined,
    caFile: cfg.csms.caFile, clientCert: cfg.csms.clientCert, clientKey: cfg.csms.clientKey,
    sim: hw.sim === true,
    hardware: hw.sim ? undefined : { uart: hw.uart, can: hw.can, gpioChip: hw.gpio && hw.gpio.chip, gpioOut: hw.gpio && hw.gpio.outputs, gpioIn: hw.gpio && hw.gpio.inputs },
    configSet,
  };
}

function loadStationConfig(file = DEFAULT_FILE) {
  let text;
  try { text = fs.readFileSync(file, "utf8"); } catch (e) { throw new ConfigError(`station config ${file}: cannot read (${e.code || e.message})`); }
  return parseStationConfig(text, `station config ${file}`);
}

module.exports = { loadStationConfig, parseStationConfig, ConfigError, DEFAULT_FILE };
