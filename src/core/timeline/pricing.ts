import { billedUnits } from '../composer/message-size'

/**
 * API Gateway WebSocket pricing: messages sent and received, metered in 32 KB units, plus connection minutes.
 * Prices are dated and editable in the page; check https://aws.amazon.com/api-gateway/pricing/ before relying on them.
 *
 * The seed article says "$1.26 per billion messages" for Tokyo: that is wrong by 1000×. The rate is $1.26 per
 * *million* messages; one billion is the boundary of the first tier.
 */
export interface RegionPrices {
  region: string
  /** The date these prices were read. */
  asOf: string
  /** USD per million messages for the first billion messages a month. */
  perMillionMessages: number
  /** USD per million messages above a billion a month; undefined where it is not known. */
  perMillionMessagesOverBillion?: number
  perMillionConnectionMinutes: number
}

export const DEFAULT_PRICES: RegionPrices[] = [
  {
    region: 'us-east-1',
    asOf: '2026-11-23',
    perMillionMessages: 1.0,
    perMillionMessagesOverBillion: 0.8,
    perMillionConnectionMinutes: 0.25,
  },
  { region: 'ap-northeast-1', asOf: '2020-01-02', perMillionMessages: 1.26, perMillionConnectionMinutes: 0.315 },
]

const BILLION = 1_000_000_000

/** Metered messages for one message of `bytes` (32 KB units, at least one). */
export function meteredMessages(bytes: number): number {
  return billedUnits(bytes)
}

export function messageCost(messages: number, prices: RegionPrices): number {
  const firstTier = Math.min(messages, BILLION)
  const above = Math.max(0, messages - BILLION)
  const aboveRate = prices.perMillionMessagesOverBillion ?? prices.perMillionMessages
  return (firstTier / 1e6) * prices.perMillionMessages + (above / 1e6) * aboveRate
}

export function connectionMinuteCost(minutes: number, prices: RegionPrices): number {
  return (minutes / 1e6) * prices.perMillionConnectionMinutes
}

export interface Projection {
  users: number
  minutesPerUser: number
  /** Messages each user sends and receives a month, each assumed to be `bytesPerMessage`. */
  messagesPerUser: number
  bytesPerMessage: number
}

export interface ProjectionResult {
  connectionMinutes: number
  meteredMessages: number
  connectionCost: number
  messageCost: number
  total: number
}

const PROJECTION_FIELDS: [keyof Projection, string][] = [
  ['users', 'Users'],
  ['minutesPerUser', 'Minutes per user'],
  ['messagesPerUser', 'Messages per user'],
  ['bytesPerMessage', 'Bytes per message'],
]

/** What is wrong with a projection typed into the page (a blank field reads as an empty string), if anything. */
export function projectionProblems(p: Projection): string[] {
  const problems: string[] = []
  for (const [field, label] of PROJECTION_FIELDS) {
    const value = p[field] as unknown
    if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${label}: enter a number.`)
    else if (value < 0) problems.push(`${label} cannot be negative.`)
  }
  return problems
}

export function projectMonthlyCost(p: Projection, prices: RegionPrices): ProjectionResult {
  const connectionMinutes = p.users * p.minutesPerUser
  const metered = p.users * p.messagesPerUser * meteredMessages(p.bytesPerMessage)
  const connectionCost = connectionMinuteCost(connectionMinutes, prices)
  const msgCost = messageCost(metered, prices)
  return {
    connectionMinutes,
    meteredMessages: metered,
    connectionCost,
    messageCost: msgCost,
    total: connectionCost + msgCost,
  }
}

/**
 * Live metering of one page session: every sent and received message, and the minutes connections were open. Several
 * connections may be open at once (`key` tells them apart); each open one counts its own minutes.
 */
export class UsageMeter {
  messages = 0
  meteredMessages = 0
  connectionMs = 0
  private readonly openSince = new Map<string, number>()

  message(bytes: number): void {
    this.messages++
    this.meteredMessages += meteredMessages(bytes)
  }

  opened(at: number, key = ''): void {
    // Bounded like the page's connections; a missed close (never seen) is the only way one could linger.
    if (this.openSince.size >= 1000 && !this.openSince.has(key)) return
    this.openSince.set(key, at)
  }

  closed(at: number, key = ''): void {
    const since = this.openSince.get(key)
    if (since !== undefined) this.connectionMs += Math.max(0, at - since)
    this.openSince.delete(key)
  }

  connectionMinutes(now: number): number {
    let live = 0
    for (const since of this.openSince.values()) live += Math.max(0, now - since)
    return (this.connectionMs + live) / 60_000
  }
}
