import { realClock, type Clock } from './clock'

/**
 * A token bucket holding one second's worth of events, refilled continuously. Used for the new-connection throttle:
 * AWS documents 500 new connections per second per account and region
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html);
 * a throttled handshake gets 429.
 */
export class TokenBucket {
  private tokens: number
  private last: number
  private readonly capacity: number

  constructor(
    private readonly perSecond: number,
    private readonly clock: Clock = realClock,
    burst = perSecond,
  ) {
    this.capacity = Math.max(1, burst)
    this.tokens = this.capacity
    this.last = clock.now()
  }

  /** Takes one token; false when the bucket is empty. A rate of 0 means no limit. */
  take(): boolean {
    if (this.perSecond <= 0) return true
    const now = this.clock.now()
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond)
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
