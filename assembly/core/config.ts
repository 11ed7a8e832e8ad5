// The station's configuration file (config_set before start()): identity and CSMS fields. Device-model values
// are not here: the device model owns them ("dm:" keys are their initial values).

export class StationConfig {
  stationId: string = "CS001";
  csmsUrl: string = "";
  securityProfile: i32 = 0;
  vendorName: string = "OpenCharge";
  model: string = "DC-Station";
  serialNumber: string = "";
  firmwareVersion: string = "0.1.0";
}
