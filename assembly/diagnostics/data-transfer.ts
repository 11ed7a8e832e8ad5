// DataTransfer from the CSMS (P01): this station has no vendor extensions yet, so every vendorId is unknown.
import { Tape, RpcError, DataTransferResponse, DataTransferStatusEnumType } from "../ocpp";
import { Block } from "../core/block";

export class DataTransfer extends Block {
  handleCall(action: i32, req: Tape, resp: Tape): i32 {
    resp.setEnum(resp.root, DataTransferResponse.status, DataTransferStatusEnumType.UnknownVendorId);
    return RpcError.None;
  }
}
