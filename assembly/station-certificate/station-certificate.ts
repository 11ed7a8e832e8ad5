// The station's own certificate by request of the CSMS (A02/A03): TriggerMessage(SignChargingStationCertificate)
// has the host make a key pair and a CSR (crypto_csr: EC P-256, O = SecurityCtrlr.OrganizationName, CN = the
// station id; the private key never enters the image), sent as SignCertificateRequest. The CertificateSigned that
// follows is validated by the host (cert_install kind 4: PEM, chain order, validity, a chain to an installed root,
// the leaf's key one crypto_csr made) → Accepted and, on security profile 3, a new connection that presents it
// (A02.FR.08 as of errata 2025-01); otherwise Rejected and InvalidChargingStationCertificate (A02.FR.07).
// No CertificateSigned after an accepted request: a new CSR after SecurityCtrlr.CertSigningWaitMinimum seconds,
// the wait doubling each time, at most CertSigningRepeatTimes times (AS-3, TC_A_23_CS).
import {
  Tape, RpcError, Action, actionRequestType, SignCertificateRequest, SignCertificateResponse, GenericStatusEnumType,
  CertificateSignedRequest, CertificateSignedResponse, CertificateSignedStatusEnumType, CertificateSigningUseEnumType,
  StatusInfoType,
} from "../ocpp";
import { Block } from "../core/block";
import { Context } from "../core/context";
import { LinkControl } from "../core/link-control";
import { K, intValue, textValue } from "../core/catalog";
import { CSR_PEM_MAX } from "../core/limits";
import { SecurityEventType } from "../core/security-log";
import { crypto_csr, cert_install } from "../host/abi";
import { logInfo, logWarn } from "../util/log";

/** cert_install's store of the station certificate (docs/host-abi.md). */
const KIND_STATION_CERTIFICATE: i32 = 4;
/** crypto_csr's key slot for the station certificate, and its key type (1: EC P-256). */
const KEY_SLOT: i32 = 0;
const KEY_EC_P256: i32 = 1;
/** The longest doubling: 2^16 × the wait minimum. */
const DOUBLINGS_MAX: i32 = 16;

const enum Phase { Idle, SendDue, InFlight, Waiting }

/** A name crypto_csr's subject list can carry as it is: none of the RFC 4514 special characters. */
function plainName(s: string): bool {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x2c || c == 0x3d || c == 0x2b || c == 0x3b || c == 0x5c || c == 0x22 || c == 0x3c || c == 0x3e) return false;
  }
  return true;
}

export class StationCertificate extends Block {
  private phase: Phase = Phase.Idle;
  /** SignCertificateRequests sent again after a wait (CertSigningRepeatTimes bounds them). */
  private repeats: i32 = 0;
  /** Waiting: when a new CSR is due (station clock, ms). */
  private deadline: i64 = i64.MAX_VALUE;
  /** A new certificate was accepted: reconnect once its answer is out (the next tick). */
  private switchDue: bool = false;
  /** The CSR, PEM, as crypto_csr wrote it; the request borrows it until it is encoded. */
  private readonly csr: usize = heap.alloc(<usize>CSR_PEM_MAX);
  private csrLen: i32 = 0;

  constructor(private ctx: Context, private link: LinkControl) { super(); }

  /** TriggerMessage(SignChargingStationCertificate): a new key pair and CSR, sent in this block's turn; a signing
   *  under way starts over. False if the host could make no CSR (the trigger is Rejected). */
  trigger(): bool {
    this.repeats = 0;
    this.deadline = i64.MAX_VALUE;
    if (!this.makeCsr()) { this.phase = Phase.Idle; return false; }
    this.phase = Phase.SendDue;
    return true;
  }

  private makeCsr(): bool {
    // No empty O: a station whose OrganizationName is not set yet asks for CN only. The ABI's subject is a plain
    // "O=...,CN=..." list without escapes, so a name with a separator in it cannot be asked for.
    const org = textValue(K.OrganizationName);
    if (!plainName(org)) {
      logWarn("station certificate: SecurityCtrlr.OrganizationName has a character the CSR subject cannot carry (,=+;\\\"<>)");
      return false;
    }
    const subject = String.UTF8.encode((org.length > 0 ? "O=" + org + "," : "") + "CN=" + this.ctx.config.stationId);
    const n = crypto_csr(KEY_SLOT, KEY_EC_P256, changetype<usize>(subject), subject.byteLength, this.csr, CSR_PEM_MAX);
    if (n <= 0 || n > CSR_PEM_MAX) {
      logWarn("station certificate: no CSR from the host (" + n.toString() + ")");
      this.csrLen = 0;
      return false;
    }
    this.csrLen = n;
    return true;
  }

  nextCall(req: Tape): i32 {
    if (this.phase != Phase.SendDue) return -1;
    const root = req.newRoot(actionRequestType(Action.SignCertificate));
    req.setBorrowed(root, SignCertificateRequest.csr, this.csr, this.csrLen);
    req.setEnum(root, SignCertificateRequest.certificateType, CertificateSigningUseEnumType.ChargingStationCertificate);
    this.phase = Phase.InFlight;
    return Action.SignCertificate;
  }

  /** Accepted: the certificate is awaited (A02.FR..: a new CSR after the wait); Rejected ends the signing
   *  (TC_A_15_CS). */
  onCallResult(action: i32, resp: Tape): void {
    if (this.phase != Phase.InFlight) return;
    if (resp.getEnum(resp.root, SignCertificateResponse.status) == GenericStatusEnumType.Accepted) this.await();
    else { this.phase = Phase.Idle; logInfo("station certificate: the CSMS rejected the CSR"); }
  }

  /** A CALLERROR ends the signing; no answer (time-out, lost link) counts as a request without certificate. */
  onCallFailed(action: i32, failure: i32): void {
    if (this.phase != Phase.InFlight) return;
    if (failure > 0) this.phase = Phase.Idle;
    else this.await();
  }

  private await(): void {
    const doublings = min(this.repeats, DOUBLINGS_MAX);
    this.deadline = this.ctx.now + (<i64>max(intValue(K.CertSigningWaitMinimum), 1) * 1000 << <i64>doublings);
    this.phase = Phase.Waiting;
  }

  nextWakeup(): i64 {
    if (this.switchDue) return this.ctx.now;
    return this.phase == Phase.Waiting ? this.deadline : i64.MAX_VALUE;
  }

  tick(): void {
    if (this.switchDue) {
      this.switchDue = false;
      logInfo("station certificate: reconnecting with the new certificate");
      this.link.reconnect();
    }
    if (this.phase != Phase.Waiting || this.ctx.now < this.deadline) return;
    this.deadline = i64.MAX_VALUE;
    if (this.repeats >= intValue(K.CertSigningRepeatTimes)) {
      this.phase = Phase.Idle;
      logWarn("station certificate: no CertificateSigned after " + this.repeats.toString() + " repeats, given up");
      return;
    }
    this.repeats++;
    this.phase = this.makeCsr() ? Phase.SendDue : Phase.Idle;
  }

  /** CertificateSigned (A02/A03): the host validates and stores the chain; the awaited certificate has come. */
  handleCall(action: i32, req: Tape, resp: Tape): i32 {
    const root = req.root;
    const type = req.has(root, CertificateSignedRequest.certificateType)
      ? req.getEnum(root, CertificateSignedRequest.certificateType) : CertificateSigningUseEnumType.ChargingStationCertificate;
    let ok = false;
    let reason = "InvalidCertificate";
    if (type != CertificateSigningUseEnumType.ChargingStationCertificate) reason = "UnsupportedRequest";   // no ISO 15118
    else {
      const rc = cert_install(KIND_STATION_CERTIFICATE, req.getStrPtr(root, CertificateSignedRequest.certificateChain),
        req.getStrLen(root, CertificateSignedRequest.certificateChain));
      ok = rc == 0;
      if (ok) {
        this.phase = Phase.Idle;
        this.deadline = i64.MAX_VALUE;
        // A02.FR.08: on security profile 3 the new certificate is presented from a new connection on.
        this.switchDue = this.ctx.config.securityProfile == 3;
        logInfo("station certificate: installed");
      } else {
        // A02.FR.07 / A03.FR.07, TC_A_14_CS.
        logWarn("station certificate: refused by the host (" + rc.toString() + ")");
        if (this.phase == Phase.Waiting) { this.phase = Phase.Idle; this.deadline = i64.MAX_VALUE; }
        this.ctx.securityLog.raise(SecurityEventType.InvalidChargingStationCertificate);
      }
    }
    resp.setEnum(resp.root, CertificateSignedResponse.status,
      ok ? CertificateSignedStatusEnumType.Accepted : CertificateSignedStatusEnumType.Rejected);
    if (!ok) resp.setString(resp.newObject(resp.root, CertificateSignedResponse.statusInfo), StatusInfoType.reasonCode, reason);
    return RpcError.None;
  }
}
