// Certificate management (M03 GetInstalledCertificateIds, M04 DeleteCertificate, M05 InstallCertificate): the
// roots the CSMS installs and removes, kept by the host in its persistent store (cert_install, cert_delete,
// cert_list; the host parses the PEM and computes the hash data). The store is bounded per type
// (CERT_ROOTS_PER_TYPE): a full type answers Rejected and keeps what it has. No security event belongs to these use
// cases (the Part 2 appendix names none).
import {
  Tape, RpcError, Action, StatusInfoType, InstallCertificateRequest, InstallCertificateResponse,
  InstallCertificateUseEnumType, InstallCertificateStatusEnumType, GetInstalledCertificateIdsRequest,
  GetInstalledCertificateIdsResponse, GetInstalledCertificateStatusEnumType, GetCertificateIdUseEnumType,
  CertificateHashDataChainType, CertificateHashDataType, HashAlgorithmEnumType, DeleteCertificateRequest,
  DeleteCertificateResponse, DeleteCertificateStatusEnumType,
} from "../ocpp";
import { Block } from "../core/block";
import { CERT_ROOTS_PER_TYPE } from "../core/limits";
import { cert_install, cert_delete } from "../host/abi";
import {
  Listing, KIND_CSMS_ROOT, KIND_MANUFACTURER_ROOT, KIND_V2G_ROOT, KIND_MO_ROOT, ROOT_KINDS, STATION_KINDS, F_NAME, F_KEY,
  F_SERIAL,
} from "./listing";

/** The host's kind for a GetCertificateIdUseEnumType value; -1 for the V2G station chain (ISO 15118, not kept). */
function kindOfUse(use: i32): i32 {
  switch (use) {
    case GetCertificateIdUseEnumType.CSMSRootCertificate: return KIND_CSMS_ROOT;
    case GetCertificateIdUseEnumType.ManufacturerRootCertificate: return KIND_MANUFACTURER_ROOT;
    case GetCertificateIdUseEnumType.V2GRootCertificate: return KIND_V2G_ROOT;
    case GetCertificateIdUseEnumType.MORootCertificate: return KIND_MO_ROOT;
  }
  return -1;
}

/** The GetCertificateIdUseEnumType value of a listed root kind. */
function useOfKind(kind: i32): i32 {
  switch (kind) {
    case KIND_CSMS_ROOT: return GetCertificateIdUseEnumType.CSMSRootCertificate;
    case KIND_MANUFACTURER_ROOT: return GetCertificateIdUseEnumType.ManufacturerRootCertificate;
    case KIND_V2G_ROOT: return GetCertificateIdUseEnumType.V2GRootCertificate;
  }
  return GetCertificateIdUseEnumType.MORootCertificate;
}

function reason(t: Tape, prop: i32, code: string): void {
  t.setString(t.newObject(t.root, prop), StatusInfoType.reasonCode, code);
}

export class Certificates extends Block {
  private listing: Listing = new Listing();
  /** Scratch of CERT_LIST_CAPACITY bytes between this block's handlers (Listing#buffer): the live variables and the
   *  firmware signing certificate's check use it (station/station.ts). */
  get scratch(): usize { return this.listing.buffer; }

  handleCall(action: i32, req: Tape, resp: Tape): i32 {
    switch (action) {
      case Action.InstallCertificate: this.install(req, resp); break;
      case Action.GetInstalledCertificateIds: this.list(req, resp); break;
      case Action.DeleteCertificate: this.remove(req, resp); break;
      default: return RpcError.NotSupported;
    }
    return RpcError.None;
  }

  /** M05. The target has no ISO 15118 (PICS: ISO 15118 Support not tested), so V2G and MO roots are refused. A
   *  root the host cannot parse, that is no CA or is outside its validity period is Rejected (M05.FR.07,
   *  TC_M_07_CS). */
  private install(req: Tape, resp: Tape): void {
    const P = InstallCertificateResponse.status;
    const use = req.getEnum(req.root, InstallCertificateRequest.certificateType);
    const kind = use == InstallCertificateUseEnumType.CSMSRootCertificate ? KIND_CSMS_ROOT
      : use == InstallCertificateUseEnumType.ManufacturerRootCertificate ? KIND_MANUFACTURER_ROOT : -1;
    if (kind < 0) {
      resp.setEnum(resp.root, P, InstallCertificateStatusEnumType.Rejected);
      reason(resp, InstallCertificateResponse.statusInfo, "UnsupportedParam");
      return;
    }
    if (!this.listing.read(1 << kind)) { resp.setEnum(resp.root, P, InstallCertificateStatusEnumType.Failed); return; }
    if (this.listing.countOf(kind) >= CERT_ROOTS_PER_TYPE) {
      resp.setEnum(resp.root, P, InstallCertificateStatusEnumType.Rejected);
      reason(resp, InstallCertificateResponse.statusInfo, "OutOfStorage");
      return;
    }
    const rc = cert_install(kind, req.getStrPtr(req.root, InstallCertificateRequest.certificate),
      req.getStrLen(req.root, InstallCertificateRequest.certificate));
    if (rc == 0) { resp.setEnum(resp.root, P, InstallCertificateStatusEnumType.Accepted); return; }
    // -1 bad kind, -2 not a certificate, -3 no valid chain or period, -4 not a CA; anything else: storage.
    if (rc >= -4) {
      resp.setEnum(resp.root, P, InstallCertificateStatusEnumType.Rejected);
      reason(resp, InstallCertificateResponse.statusInfo, "InvalidCertificate");
    } else resp.setEnum(resp.root, P, InstallCertificateStatusEnumType.Failed);
  }

  /** M03: the roots of the types asked for (all when none), NotFound when there is none (M03.FR.02). The
   *  station's own certificate has no GetCertificateIdUseEnumType value and is never listed here. */
  private list(req: Tape, resp: Tape): void {
    const P = GetInstalledCertificateIdsResponse.status;
    const l = this.listing;
    const filters = req.arrayLength(req.root, GetInstalledCertificateIdsRequest.certificateType);
    let wanted = filters == 0 ? ROOT_KINDS : 0;   // bit per host kind
    for (let i = 0; i < filters; i++) {
      const k = kindOfUse(req.arrayEnum(req.root, GetInstalledCertificateIdsRequest.certificateType, i));
      if (k >= 0) wanted |= 1 << k;
    }
    l.read(wanted);   // a host that cannot list has nothing to report
    const n = l.count;
    if (n == 0) { resp.setEnum(resp.root, P, GetInstalledCertificateStatusEnumType.NotFound); return; }
    resp.setEnum(resp.root, P, GetInstalledCertificateStatusEnumType.Accepted);
    const arr = resp.newArray(resp.root, GetInstalledCertificateIdsResponse.certificateHashDataChain, n);
    for (let i = 0; i < n; i++) {
      const entry = resp.arraySetObject(arr, i);
      resp.setEnum(entry, CertificateHashDataChainType.certificateType, useOfKind(l.kind(i)));
      const hd = resp.newObject(entry, CertificateHashDataChainType.certificateHashData);
      resp.setEnum(hd, CertificateHashDataType.hashAlgorithm, HashAlgorithmEnumType.SHA256);
      resp.setBorrowed(hd, CertificateHashDataType.issuerNameHash, l.fieldPtr(i, F_NAME), l.fieldLen(i, F_NAME));
      resp.setBorrowed(hd, CertificateHashDataType.issuerKeyHash, l.fieldPtr(i, F_KEY), l.fieldLen(i, F_KEY));
      resp.setBorrowed(hd, CertificateHashDataType.serialNumber, l.fieldPtr(i, F_SERIAL), l.fieldLen(i, F_SERIAL));
    }
  }

  /** M04: NotFound when nothing matches (M04.FR.04; the host keeps SHA-256 hash data only). The station's own
   *  certificate cannot be deleted (M04.FR.06, AQ-3 No), nor the last CSMS root (AQ-1 No): Failed. */
  private remove(req: Tape, resp: Tape): void {
    const P = DeleteCertificateResponse.status;
    const hd = req.getObject(req.root, DeleteCertificateRequest.certificateHashData);
    if (req.getEnum(hd, CertificateHashDataType.hashAlgorithm) != HashAlgorithmEnumType.SHA256) {
      resp.setEnum(resp.root, P, DeleteCertificateStatusEnumType.NotFound);
      return;
    }
    const l = this.listing;
    if (!l.read(ROOT_KINDS)) { resp.setEnum(resp.root, P, DeleteCertificateStatusEnumType.Failed); return; }
    const i = this.find(req, hd);
    if (i < 0) {
      // Not a root: the station's own certificate stays (Failed), anything else is NotFound.
      const own = l.read(STATION_KINDS) && this.find(req, hd) >= 0;
      resp.setEnum(resp.root, P, own ? DeleteCertificateStatusEnumType.Failed : DeleteCertificateStatusEnumType.NotFound);
      return;
    }
    const last = l.kind(i) == KIND_CSMS_ROOT && l.countOf(KIND_CSMS_ROOT) == 1;
    const len = last ? -1 : l.hashDataOf(i);
    const deleted = len > 0 && cert_delete(l.hashDataPtr, len) == 0;
    resp.setEnum(resp.root, P, deleted ? DeleteCertificateStatusEnumType.Accepted : DeleteCertificateStatusEnumType.Failed);
  }

  private find(req: Tape, hd: i32): i32 {
    return this.listing.find(
      req.getStrPtr(hd, CertificateHashDataType.issuerNameHash), req.getStrLen(hd, CertificateHashDataType.issuerNameHash),
      req.getStrPtr(hd, CertificateHashDataType.issuerKeyHash), req.getStrLen(hd, CertificateHashDataType.issuerKeyHash),
      req.getStrPtr(hd, CertificateHashDataType.serialNumber), req.getStrLen(hd, CertificateHashDataType.serialNumber));
  }
}
