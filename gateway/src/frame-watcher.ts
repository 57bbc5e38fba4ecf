/**
 * API Gateway limits frames (32 KB) and messages (128 KB) separately and closes with 1009 for either. `ws` only has
 * `maxPayload`, which counts the whole (reassembled) message, so the gateway reads the frame headers itself: it taps
 * the socket's bytes before `ws` does, parses each header as soon as it is complete (before the payload arrives)
 * and skips the payload without buffering or unmasking it.
 */

export type FrameViolation =
  { kind: 'binary' } | { kind: 'frameTooLarge'; bytes: number } | { kind: 'messageTooLarge'; bytes: number }

export class FrameWatcher {
  private readonly header = new Uint8Array(14)
  private headerBytes = 0
  private payloadLeft = 0
  private messageBytes = 0
  private stopped = false

  constructor(
    private readonly maxFrameBytes: number,
    private readonly maxMessageBytes: number,
    private readonly onViolation: (violation: FrameViolation) => void,
  ) {}

  stop(): void {
    this.stopped = true
  }

  push(chunk: Buffer): void {
    let i = 0
    const n = chunk.length
    while (i < n && !this.stopped) {
      if (this.payloadLeft > 0) {
        const skip = Math.min(this.payloadLeft, n - i)
        this.payloadLeft -= skip
        i += skip
        continue
      }
      this.header[this.headerBytes++] = chunk[i++]!
      if (this.headerBytes < 2) continue
      const b1 = this.header[1]!
      const len7 = b1 & 0x7f
      const needed = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0)
      if (this.headerBytes < needed) continue
      this.onHeader(len7)
      this.headerBytes = 0
    }
  }

  private onHeader(len7: number): void {
    const h = this.header
    const opcode = h[0]! & 0x0f
    let length = len7
    if (len7 === 126) length = (h[2]! << 8) | h[3]!
    else if (len7 === 127)
      length =
        (h[2]! * 2 ** 24 + ((h[3]! << 16) | (h[4]! << 8) | h[5]!)) * 2 ** 32 +
        (h[6]! * 2 ** 24 + ((h[7]! << 16) | (h[8]! << 8) | h[9]!))
    this.payloadLeft = length
    if (opcode >= 0x8) return // control frames: ws enforces their 125-byte limit
    if (opcode === 0x2) return this.violate({ kind: 'binary' })
    if (length > this.maxFrameBytes) return this.violate({ kind: 'frameTooLarge', bytes: length })
    this.messageBytes = opcode === 0x0 ? this.messageBytes + length : length
    if (this.messageBytes > this.maxMessageBytes)
      return this.violate({ kind: 'messageTooLarge', bytes: this.messageBytes })
  }

  private violate(violation: FrameViolation): void {
    this.stopped = true
    this.onViolation(violation)
  }
}
