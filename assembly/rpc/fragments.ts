// The RPC writer's sink while a message is encoded for the wire: each time the transmit buffer fills, its bytes
// go out as one fragment of the message (docs/streaming.md), so an answer or a CALL may be longer than the
// buffer. The first fragment is a text frame, the others continuation frames; Rpc sends the last one (FIN).
import { JsonSink } from "../ocpp";

export abstract class FragmentLink {
  /** Sends one fragment; false if the link refused it. */
  abstract sendPiece(ptr: usize, len: i32, first: bool, last: bool): bool;
}

export class Fragments extends JsonSink {
  /** True once a fragment went out: the message can then only be finished, or the connection failed. */
  started: bool = false;
  private link: FragmentLink;

  constructor(link: FragmentLink) {
    super();
    this.link = link;
  }

  drain(ptr: usize, len: i32): bool {
    const first = !this.started;
    this.started = true;
    return this.link.sendPiece(ptr, len, first, false);
  }
}
