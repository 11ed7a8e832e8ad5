// The OCPP measurands this hardware can supply, as numbers in the units OCPP uses for them
// (Wh, W, A, V, %, dimensionless). NaN = not available now (e.g. SoC not sent by the EV, meter silent).
import { DcMeter } from "./dc-meter";
import { PowerModule } from "./power-module";
import { EvDemand } from "./ev-demand";

export const M_ENERGY_IMPORT: i32 = 0;
export const M_ENERGY_EXPORT: i32 = 1;
export const M_POWER_IMPORT: i32 = 2;
export const M_CURRENT_IMPORT: i32 = 3;
export const M_CURRENT_OFFERED: i32 = 4;
export const M_POWER_OFFERED: i32 = 5;
export const M_VOLTAGE: i32 = 6;
export const M_SOC: i32 = 7;
export const M_POWER_FACTOR: i32 = 8;
export const MEASURAND_COUNT: i32 = 9;

/** OCPP measurand names, indexed by M_*. */
export const MEASURAND_NAMES: StaticArray<string> = [
  "Energy.Active.Import.Register", "Energy.Active.Export.Register", "Power.Active.Import", "Current.Import",
  "Current.Offered", "Power.Offered", "Voltage", "SoC", "Power.Factor",
];

/** Units of measure (UnitOfMeasureType.unit), indexed by M_*; "" = dimensionless (no unit sent). */
export const MEASURAND_UNITS: StaticArray<string> = ["Wh", "Wh", "W", "A", "A", "W", "V", "Percent", ""];

/** M_* for an OCPP measurand name, -1 if this hardware does not supply it. */
export function measurandId(name: string): i32 {
  for (let i = 0; i < MEASURAND_COUNT; i++) if (MEASURAND_NAMES[i] == name) return i;
  return -1;
}

export function readMeasurand(id: i32, meter: DcMeter, module: PowerModule, ev: EvDemand): f64 {
  const meterOk = !meter.faulted;
  if (id == M_ENERGY_IMPORT) return meter.energyFrames > 0 || meter.importReg.reported > 0 ? <f64>meter.importReg.reported : NaN;
  if (id == M_ENERGY_EXPORT) return meter.energyFrames > 0 || meter.exportReg.reported > 0 ? <f64>meter.exportReg.reported : NaN;
  if (id == M_POWER_IMPORT) return meterOk ? <f64>max(meter.powerW, 0) : NaN;
  if (id == M_CURRENT_IMPORT) return meterOk ? <f64>max(meter.currentDa, 0) / 10 : NaN;
  if (id == M_VOLTAGE) return meterOk ? <f64>meter.voltageDv / 10 : NaN;
  // Offered = what the module is commanded to deliver.
  if (id == M_CURRENT_OFFERED) return module.setOn ? <f64>module.setCurrentDa / 10 : 0;
  if (id == M_POWER_OFFERED) return module.setOn ? <f64>module.setVoltageDv * <f64>module.setCurrentDa / 100 : 0;
  if (id == M_SOC) return ev.valid && ev.soc >= 0 ? <f64>ev.soc : NaN;
  // DC: voltage and current are in phase by definition.
  if (id == M_POWER_FACTOR) return meterOk ? 1.0 : NaN;
  return NaN;
}
