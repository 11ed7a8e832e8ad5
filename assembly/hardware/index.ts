// The charger hardware drivers (docs/hardware.md). The station uses ChargerHardware and a HardwareListener.
export * from "./lines";
export * from "./listener";
export * from "./control-pilot";
export * from "./feedback-output";
export * from "./pn532-frame";
export * from "./rfid-reader";
export * from "./can-ids";
export * from "./power-module";
export * from "./ev-demand";
export * from "./energy-register";
export * from "./dc-meter";
export * from "./measurands";
export * from "./hardware";
