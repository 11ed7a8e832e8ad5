// PN532 reader driver: wake-up + SAMConfiguration, RFConfiguration (bounded passive-activation retries
// so an empty field answers at once), then InListPassiveTarget (1 target, 106 kbps type A) every
// RFID_POLL_INTERVAL_MS. Each command waits for an ACK and then its response; a time-out, NACK, error
// frame or malformed response is retried (after an ACK that aborts whatever the PN532 is doing), and
// after RFID_RETRIES retries the reader is re-initialised. A failed re-initialisation reports a reader
// fault and is tried again every RFID_REINIT_BACKOFF_MS.
//
// Presentation rule: a card is reported when its UID differs from the last reported one, or when a
// poll found the field empty since then. A card left on the reader is therefore one presentation;
// lifting it for at least one poll cycle (≈ RFID_POLL_INTERVAL_MS) makes the next touch a new one.
// Failed polls say nothing about presence and do not count as "absent".
import { uart_write } from "../host/abi";
import { HardwareListener } from "./listener";
import { encodeFrame, Pn532Scanner, FRAME_NONE, FRAME_ACK, FRAME_NACK, FRAME_ERROR, FRAME_RESPONSE } from "./pn532-frame";

export const RFID_POLL_INTERVAL_MS: i64 = 250;
export const RFID_ACK_TIMEOUT_MS: i64 = 100;
export const RFID_RESPONSE_TIMEOUT_MS: i64 = 300;
export const RFID_RETRIES: i32 = 2;
export const RFID_REINIT_BACKOFF_MS: i64 = 1000;

export const CMD_SAM_CONFIGURATION: u8 = 0x14;
export const CMD_RF_CONFIGURATION: u8 = 0x32;
export const CMD_IN_LIST_PASSIVE_TARGET: u8 = 0x4a;

const ST_START: i32 = 0;    // next step: wake-up + SAMConfiguration
const ST_RFCFG: i32 = 1;    // next step: RFConfiguration
const ST_IDLE: i32 = 2;     // next step: a poll
const WAIT_NONE: i32 = 0;
const WAIT_ACK: i32 = 1;
const WAIT_RESPONSE: i32 = 2;

const WAKE_LEN: i32 = 16;   // 55 55 then zeros: HSU wake-up from power-down (UM0701-02 §7.2.11)
const MAX_UID: i32 = 10;

const HEX_UPPER = "0123456789ABCDEF";

export class RfidReader {
  faulted: bool = false;
  /** Polls answered (with or without a card), for diagnostics. */
  polls: i32 = 0;
  private scanner: Pn532Scanner = new Pn532Scanner();
  private tx: StaticArray<u8> = new StaticArray<u8>(64);
  private cmd: StaticArray<u8> = new StaticArray<u8>(8);
  private cmdLen: i32 = 0;
  private uid: StaticArray<u8> = new StaticArray<u8>(MAX_UID);
  private uidLen: i32 = 0;       // 0: the field was seen empty since the last report
  private step: i32 = ST_START;
  private wait: i32 = WAIT_NONE;
  private deadline: i64 = 0;     // of the wait, or of the next step when WAIT_NONE
  private attempts: i32 = 0;
  private now: i64 = 0;

  constructor(public port: i32, private listener: HardwareListener) {}

  onUartData(ptr: usize, len: i32): void {
    this.scanner.push(ptr, len);
    let f = this.scanner.next();
    while (f != FRAME_NONE) {
      this.onFrame(f);
      f = this.scanner.next();
    }
  }

  tick(now: i64): void {
    this.now = now;
    if (now < this.deadline) return;
    if (this.wait != WAIT_NONE) { this.fail(); return; }
    if (this.step == ST_START) this.sendInit();
    else if (this.step == ST_RFCFG) this.sendRfConfig();
    else this.sendPoll();
  }

  nextWakeup(): i64 { return this.deadline; }

  private onFrame(f: i32): void {
    if (this.wait == WAIT_NONE) return;   // late or unsolicited: ignore
    if (f == FRAME_ACK) {
      if (this.wait == WAIT_ACK) { this.wait = WAIT_RESPONSE; this.deadline = this.now + RFID_RESPONSE_TIMEOUT_MS; }
      return;
    }
    if (f == FRAME_NACK || f == FRAME_ERROR) { this.fail(); return; }
    if (f != FRAME_RESPONSE) return;
    const p = this.scanner.payload();
    const n = this.scanner.payloadLen();
    // A response to an earlier, abandoned command carries another code: not ours.
    if (load<u8>(p) != load<u8>(changetype<usize>(this.cmd)) + 1) return;
    if (this.step == ST_START) this.initDone();
    else if (this.step == ST_RFCFG) this.idle(ST_IDLE, 0);
    else if (this.pollResult(p, n)) { this.polls++; this.idle(ST_IDLE, RFID_POLL_INTERVAL_MS); }
    else this.fail();
  }

  private initDone(): void {
    if (this.faulted) { this.faulted = false; this.listener.onReaderFault(false); }
    this.idle(ST_RFCFG, 0);
  }

  /** Handles an InListPassiveTarget response (4B NbTg [Tg SENS_RES×2 SEL_RES idLen id…]); false if malformed. */
  private pollResult(p: usize, n: i32): bool {
    if (n < 2) return false;
    const count = <i32>load<u8>(p + 1);
    if (count == 0) { this.uidLen = 0; return true; }
    if (n < 7) return false;
    const idLen = <i32>load<u8>(p + 6);
    if ((idLen != 4 && idLen != 7 && idLen != 10) || n < 7 + idLen) return false;
    const id = p + 7;
    const mine = changetype<usize>(this.uid);
    if (idLen == this.uidLen && memory.compare(id, mine, <usize>idLen) == 0) return true;   // still on the reader
    memory.copy(mine, id, <usize>idLen);
    this.uidLen = idLen;
    this.listener.onCardPresented(this.uidHex());
    return true;
  }

  /** The last presented UID as upper-case hex. */
  uidHex(): string {
    let s = "";
    for (let i = 0; i < this.uidLen; i++) {
      const b = <i32>this.uid[i];
      s += HEX_UPPER.charAt(b >> 4) + HEX_UPPER.charAt(b & 15);
    }
    return s;
  }

  private fail(): void {
    this.wait = WAIT_NONE;
    if (this.attempts <= RFID_RETRIES) { this.deadline = this.now; this.tick(this.now); return; }
    if (this.step == ST_START) {
      // The re-initialisation itself failed: the reader is gone or broken.
      if (!this.faulted) { this.faulted = true; this.listener.onReaderFault(true); }
      this.idle(ST_START, RFID_REINIT_BACKOFF_MS);
    } else {
      this.idle(ST_START, 0);
      this.tick(this.now);
    }
  }

  private idle(next: i32, delay: i64): void {
    this.step = next;
    this.wait = WAIT_NONE;
    this.deadline = this.now + delay;
    this.attempts = 0;
  }

  private sendInit(): void {
    this.scanner.reset();
    const c = this.cmd;
    c[0] = CMD_SAM_CONFIGURATION; c[1] = 0x01; c[2] = 0x14; c[3] = 0x01;   // normal mode, 1 s virtual-card time-out, IRQ
    this.cmdLen = 4;
    this.send(true);
  }

  private sendRfConfig(): void {
    const c = this.cmd;
    c[0] = CMD_RF_CONFIGURATION; c[1] = 0x05; c[2] = 0xff; c[3] = 0x01; c[4] = 0x02;   // MaxRetries: ATR, PSL, passive activation = 2
    this.cmdLen = 5;
    this.send(false);
  }

  private sendPoll(): void {
    const c = this.cmd;
    c[0] = CMD_IN_LIST_PASSIVE_TARGET; c[1] = 0x01; c[2] = 0x00;   // one target, 106 kbps type A
    this.cmdLen = 3;
    this.send(false);
  }

  private send(wake: bool): void {
    const out = changetype<usize>(this.tx);
    let n: i32 = 0;
    if (wake) {
      store<u8>(out, 0x55); store<u8>(out + 1, 0x55);
      memory.fill(out + 2, 0, <usize>(WAKE_LEN - 2));
      n = WAKE_LEN;
    } else if (this.attempts > 0) {
      // Abort whatever the PN532 is still busy with before repeating the command.
      store<u8>(out, 0); store<u8>(out + 1, 0); store<u8>(out + 2, 0xff);
      store<u8>(out + 3, 0); store<u8>(out + 4, 0xff); store<u8>(out + 5, 0);
      n = 6;
    }
    n += encodeFrame(changetype<usize>(this.cmd), this.cmdLen, out + <usize>n);
    this.attempts++;
    this.wait = WAIT_ACK;
    this.deadline = this.now + RFID_ACK_TIMEOUT_MS;
    uart_write(this.port, out, n);
  }
}
