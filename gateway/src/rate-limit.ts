/**
 * New-connection throttle: a token bucket holding one second's worth of handshakes, refilled continuously. AWS
 * documents 500 new connections per second per account and region; what a throttled handshake gets back is
 * UNCONFIRMED (429 is the likely answer, and what the gateway sends).
 */
export class TokenBucket {
  private tokens: number
  private last: number
  private readonly capacity: number

  constructor(
    private readonly perSecond: number,
    now = performance.now(),
  ) {
    this.capacity = Math.max(1, perSecond)
    this.tokens = this.capacity
    this.last = now
  }

  /** Takes one token; false when the bucket is empty. A rate of 0 means no limit. */
  take(now = performance.now()): boolean {
    if (this.perSecond <= 0) return true
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond)
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
