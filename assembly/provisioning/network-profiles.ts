// Network connection profiles (B09, B10): SetNetworkProfile stores a profile per configuration slot
// (persisted as "np.<slot>"); the station connects with the first slot of
// OCPPCommCtrlr.NetworkConfigurationPriority and moves to the next one after
// NetworkProfileConnectionAttempts failed attempts (C-47). Once every slot of the list had its attempts, it
// falls back to the slot of the last successful connection (persisted as "np.lastgood") and keeps reconnecting
// there with the Part 4 back-off (B10.FR.07, B10.FR.09: never give up); a station that never connected starts
// the list again (B10.FR.08). Slot 0 starts as the configured
// CSMS (config_set csms_url / security_profile). The security profile never goes down: SetNetworkProfile below
// the profile in use is Rejected, and a slot below the highest profile the station has connected with is
// skipped (A05).
import { Tape, RpcError, SetNetworkProfileRequest, SetNetworkProfileResponse, SetNetworkProfileStatusEnumType,
  NetworkConnectionProfileType, OCPPVersionEnumType, OCPPTransportEnumType } from "../ocpp";
import { WsTarget, parseWsUrl } from "../ws/url";
import { Block } from "../core/block";
import { ByteWriter, ByteReader } from "../util/bytes";
import { kvGet, kvPut } from "../util/kv";
import { logInfo, logWarn } from "../util/log";
import { cert_list } from "../host/abi";

export const SLOT_COUNT: i32 = 3;
const PROFILE_MAX: i32 = 600;
const MIN_KEY = "np.minprofile";
const GOOD_KEY = "np.lastgood";
/** cert_install's store kinds (docs/host-abi.md). */
const KIND_CSMS_ROOT: i32 = 0;
const KIND_STATION_CERTIFICATE: i32 = 4;

export class NetworkProfile {
  url: string = "";
  securityProfile: i32 = 0;
  messageTimeoutS: i32 = 30;
  ocppInterface: i32 = 0;
  get present(): bool { return this.url.length > 0; }
}

export class NetworkProfiles extends Block {
  readonly slots: StaticArray<NetworkProfile> = new StaticArray<NetworkProfile>(SLOT_COUNT);
  active: i32 = -1;
  /** The highest security profile the station has connected with (persisted). */
  minProfile: i32 = 0;
  /** The slot of the last successful connection (persisted), -1 none yet. */
  lastGood: i32 = -1;
  private failures: i32 = 0;
  /** Slots whose attempts all failed since the walk through the priority list began. */
  private exhausted: i32 = 0;
  /** Every slot failed: staying on lastGood (B10.FR.07). */
  private fallback: bool = false;
  private buf: usize = heap.alloc(<usize>PROFILE_MAX);
  private target: WsTarget = new WsTarget();

  constructor() {
    super();
    for (let i = 0; i < SLOT_COUNT; i++) this.slots[i] = new NetworkProfile();
  }

  /** OCPPCommCtrlr.MessageTimeout: the active profile's (SetNetworkProfile messageTimeout), else slot 0's. */
  messageTimeoutS(): i32 { return this.active >= 0 ? this.slots[this.active].messageTimeoutS : this.slots[0].messageTimeoutS; }

  /** At init, after config_set gave slot 0's defaults: persisted slots win. */
  load(configUrl: string, configProfile: i32): void {
    const s0 = this.slots[0];
    s0.url = configUrl; s0.securityProfile = configProfile;
    for (let i = 0; i < SLOT_COUNT; i++) {
      const n = kvGet("np." + i.toString(), this.buf, PROFILE_MAX);
      if (n <= 0) continue;
      const r = new ByteReader(this.buf, n);
      const p = new NetworkProfile();
      p.url = r.str(); p.securityProfile = r.i32(); p.messageTimeoutS = r.i32(); p.ocppInterface = r.i32();
      if (!r.bad) this.slots[i] = p;
    }
    if (kvGet(MIN_KEY, this.buf, 4) == 4) this.minProfile = load<i32>(this.buf);
    if (kvGet(GOOD_KEY, this.buf, 4) == 4) this.lastGood = load<i32>(this.buf);
  }

  /** The slot to use first: the first of `priority` ("1,0") with a usable profile. */
  first(priority: string): i32 {
    this.failures = 0;
    this.exhausted = 0;
    this.fallback = false;
    this.active = this.next(priority, -1);
    return this.active;
  }

  /** A connection attempt failed; true when it is time to move to the next slot (then `active` changed). */
  onAttemptFailed(priority: string, attempts: i32): bool {
    this.failures++;
    if (this.failures < max(attempts, 1)) return false;
    this.failures = 0;
    if (this.fallback) return false;
    this.exhausted++;
    let n: i32;
    if (this.exhausted < this.usableCount(priority)) n = this.next(priority, this.active);
    else if (this.usable(this.lastGood)) {
      this.fallback = true;
      n = this.lastGood;
      logWarn("network: no slot of the priority list connected; back to slot " + n.toString() + ", the last one that did");
    } else {
      this.exhausted = 0;
      n = this.next(priority, this.active);
    }
    if (n < 0 || n == this.active) return false;
    logWarn("network: no connection with slot " + this.active.toString() + " after " + attempts.toString() +
      " attempts; trying slot " + n.toString());
    this.active = n;
    return true;
  }

  onConnected(): void {
    this.failures = 0;
    this.exhausted = 0;
    this.fallback = false;
    if (this.active >= 0 && this.active != this.lastGood) {
      this.lastGood = this.active;
      store<i32>(this.buf, this.active);
      kvPut(GOOD_KEY, this.buf, 4);
    }
    const p = this.active >= 0 ? this.slots[this.active].securityProfile : 0;
    if (p > this.minProfile) {
      this.minProfile = p;
      store<i32>(this.buf, p);
      kvPut(MIN_KEY, this.buf, 4);
    }
  }

  private usable(slot: i32): bool {
    if (slot < 0 || slot >= SLOT_COUNT) return false;
    const p = this.slots[slot];
    return p.present && p.securityProfile >= this.minProfile;
  }

  /** How many entries of `priority` hold a usable profile. */
  private usableCount(priority: string): i32 {
    const order = parsePriority(priority);
    let n = 0;
    for (let i = 0; i < order.length; i++) if (this.usable(order[i])) n++;
    return max(n, 1);
  }

  /** The slot after `after` in priority order (wrapping), -1 if none is usable. */
  private next(priority: string, after: i32): i32 {
    const order = parsePriority(priority);
    let start = 0;
    for (let i = 0; i < order.length; i++) if (order[i] == after) { start = i + 1; break; }
    for (let k = 0; k < order.length; k++) {
      const s = order[(start + k) % order.length];
      if (this.usable(s)) return s;
    }
    return this.usable(0) ? 0 : -1;
  }

  /** SetNetworkProfile (B09). A profile whose certificates are missing is still stored (TC_A_21_CS step 2):
   *  making its slot active is what is refused (validPriority). */
  handleCall(action: i32, req: Tape, resp: Tape): i32 {
    const root = req.root;
    const slot = <i32>req.getInt(root, SetNetworkProfileRequest.configurationSlot);
    const cd = req.getObject(root, SetNetworkProfileRequest.connectionData);
    const url = req.getString(cd, NetworkConnectionProfileType.ocppCsmsUrl);
    const profile = <i32>req.getInt(cd, NetworkConnectionProfileType.securityProfile);
    let ok = slot >= 0 && slot < SLOT_COUNT && slot != this.active;
    ok = ok && req.getEnum(cd, NetworkConnectionProfileType.ocppVersion) == OCPPVersionEnumType.OCPP20;
    ok = ok && req.getEnum(cd, NetworkConnectionProfileType.ocppTransport) == OCPPTransportEnumType.JSON;
    const current = this.active >= 0 ? this.slots[this.active].securityProfile : 0;
    ok = ok && profile >= 0 && profile <= 3 && profile >= current && profile >= this.minProfile;
    // The URL must be one the WebSocket client can use with that profile (ws:// for 0/1, wss:// for 2/3).
    ok = ok && parseWsUrl(url, "x", this.target) == 0 && this.target.tls == (profile >= 2);
    let status = ok ? SetNetworkProfileStatusEnumType.Accepted : SetNetworkProfileStatusEnumType.Rejected;
    if (ok) {
      const p = new NetworkProfile();
      p.url = url; p.securityProfile = profile;
      p.messageTimeoutS = <i32>req.getInt(cd, NetworkConnectionProfileType.messageTimeout);
      p.ocppInterface = req.getEnum(cd, NetworkConnectionProfileType.ocppInterface);
      const w = new ByteWriter(this.buf, PROFILE_MAX);
      w.str(p.url); w.i32(p.securityProfile); w.i32(p.messageTimeoutS); w.i32(p.ocppInterface);
      if (w.overflow || kvPut("np." + slot.toString(), this.buf, w.pos) < 0) status = SetNetworkProfileStatusEnumType.Failed;
      else { this.slots[slot] = p; logInfo("network: profile stored in slot " + slot.toString()); }
    }
    resp.setEnum(resp.root, SetNetworkProfileResponse.status, status);
    return RpcError.None;
  }

  /** `priority` without the slots below the highest profile the station connected with (A05, errata 2025-01:
   *  no way back to a lower profile); null when nothing is left out. */
  withoutLowerProfiles(priority: string): string | null {
    const order = parsePriority(priority);
    let out = "";
    let dropped = false;
    for (let i = 0; i < order.length; i++) {
      if (this.usable(order[i])) out += (out.length > 0 ? "," : "") + order[i].toString();
      else dropped = true;
    }
    return dropped && out.length > 0 ? out : null;
  }

  /** Is every slot of a NetworkConfigurationPriority value known, usable, and are the certificates its security
   *  profile needs in the host's store? (for SetVariables; A05.FR.03: a slot that cannot connect must not become
   *  active. Every slot of the list may become active when the ones before it fail.) */
  validPriority(value: string): bool {
    const order = parsePriority(value);
    if (order.length == 0) return false;
    for (let i = 0; i < order.length; i++) {
      if (!this.usable(order[i]) || !this.certificatesFor(this.slots[order[i]].securityProfile)) return false;
    }
    return true;
  }

  /** SP2/SP3 need a CSMSRootCertificate (TLS trusts only the store's), SP3 also a ChargingStationCertificate. */
  private certificatesFor(profile: i32): bool {
    if (profile >= 2 && !this.storeHas(KIND_CSMS_ROOT)) return false;
    return profile < 3 || this.storeHas(KIND_STATION_CERTIFICATE);
  }

  /** Does the host's store hold a certificate of `kind`? (cert_list: a listing's length; < 0 the store failed) */
  private storeHas(kind: i32): bool { return cert_list(kind, this.buf, PROFILE_MAX) > 0; }
}

/** "1,0" → [1, 0]; anything not a slot number is left out. */
export function parsePriority(value: string): i32[] {
  const out = new Array<i32>();
  let n = -1;
  for (let i = 0; i <= value.length; i++) {
    const c = i < value.length ? value.charCodeAt(i) : 44;
    if (c >= 48 && c <= 57) n = (n < 0 ? 0 : n * 10) + (c - 48);
    else if (c == 44) { if (n >= 0 && n < SLOT_COUNT) out.push(n); n = -1; }
    else if (c != 32) { n = -1000; }
  }
  return out;
}
