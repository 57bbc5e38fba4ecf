import type { SessionEvent } from './events'
import { checkEndpoint, checkSubprotocols, redactSecrets, withoutSecrets } from './endpoint'
import { keepaliveIntervalProblem } from './keepalive-settings'
import { AutoReconnect, DEFAULT_RECONNECT, type ReconnectSettings } from './reconnect'
import { WebSocketSession, type Result, type SessionOptions, type SessionState } from './session'
import {
  ARTICLE_PROFILE,
  AWS_PROFILE,
  customProfile,
  expectedCloses,
  type ExpectedCloses,
  type ProfileId,
  type TimeoutProfile,
} from './timeout-profiles'

/** What one connection of the page is set up with: its own endpoint, keepalive, timeout profile and reconnect. */
export interface ConnectionSettings {
  endpoint: string
  protocols: string
  /** As typed: may be invalid (0, empty) while being edited; only valid intervals reach the keepalive timer. */
  keepaliveSeconds: number
  keepalivePayload: string
  profileId: ProfileId
  customIdleSeconds: number
  customMaxSeconds: number
  /** Auto-reconnect after a close the user did not ask for, and the handshake timeout (0 = off). */
  reconnect: boolean
  handshakeTimeoutSeconds: number
}

export const DEFAULT_CONNECTION_SETTINGS: Readonly<ConnectionSettings> = Object.freeze({
  endpoint: '',
  protocols: '',
  keepaliveSeconds: 60,
  keepalivePayload: 'ping',
  profileId: 'aws',
  customIdleSeconds: 30,
  customMaxSeconds: 300,
  reconnect: false,
  handshakeTimeoutSeconds: 0,
})

/** A connection as a tab keeps it across reloads: its set-up, never its socket, and never credentials. */
export interface ConnectionRecord {
  id: string
  name: string
  colour: string
  keepaliveEnabled: boolean
  settings: ConnectionSettings
}

/** The state a page shows for one connection: the session's, the URL redacted, and when auto-reconnect tries next. */
export type ConnectionState = SessionState & { nextReconnectAt: number | undefined }

export interface PageConnectionOptions {
  id: string
  name: string
  colour: string
  settings: ConnectionSettings
  keepaliveEnabled?: boolean
  session?: Omit<SessionOptions, 'keepalive' | 'source'>
  /** Where the session's events and auto-reconnect's decisions go, each stamped with `source` = this id. */
  report: (event: SessionEvent) => void
  now?: () => number
  /** The page is served over https: a ws:// endpoint would be blocked as mixed content. */
  secure?: boolean
}

export function timeoutProfile(
  settings: Pick<ConnectionSettings, 'profileId' | 'customIdleSeconds' | 'customMaxSeconds'>,
) {
  if (settings.profileId === 'article') return ARTICLE_PROFILE
  if (settings.profileId === 'custom') return customProfile(settings.customIdleSeconds, settings.customMaxSeconds)
  return AWS_PROFILE
}

/** What auto-reconnect is given for a connection's settings (the panel checks the same settings it shows). */
export function reconnectSettings(
  settings: Pick<ConnectionSettings, 'reconnect' | 'handshakeTimeoutSeconds'>,
): ReconnectSettings {
  return {
    ...DEFAULT_RECONNECT,
    enabled: settings.reconnect,
    // Not rounded: 0.0001 s is a timeout under 0.1 s (refused), not 0 (off).
    handshakeTimeoutMs: settings.handshakeTimeoutSeconds * 1000,
  }
}

/**
 * One of the page's connections: a name and colour, its settings, and the WebSocketSession (with its auto-reconnect)
 * that owns its socket and timers. Framework-free; `dispose` stops every timer it or its session started.
 */
export class PageConnection {
  readonly id: string
  readonly colour: string
  name: string
  readonly session: WebSocketSession
  private readonly auto: AutoReconnect
  private readonly secure: boolean
  private readonly unsubscribe: () => void
  private currentSettings: ConnectionSettings
  /** The endpoint (validated, unsigned) of the last connect: what joins the recent list once it opens. */
  connectedEndpoint: string | undefined
  disposed = false

  constructor(options: PageConnectionOptions) {
    this.id = options.id
    this.name = options.name
    this.colour = options.colour
    this.secure = options.secure ?? false
    this.currentSettings = { ...options.settings }
    this.session = new WebSocketSession({
      ...options.session,
      source: options.id,
      keepalive: { enabled: false, intervalMs: 60_000, payload: this.currentSettings.keepalivePayload },
    })
    this.unsubscribe = this.session.subscribe(options.report)
    this.auto = new AutoReconnect(this.session, options.report, options.now)
    this.applyReconnect()
    if (options.keepaliveEnabled) this.setKeepalive(true)
  }

  get settings(): Readonly<ConnectionSettings> {
    return this.currentSettings
  }

  get profile(): TimeoutProfile {
    return timeoutProfile(this.currentSettings)
  }

  get isActive(): boolean {
    return this.session.isActive
  }

  /** When the idle timeout and the maximum duration should close it, under its profile; undefined unless OPEN. */
  get expected(): ExpectedCloses | undefined {
    const s = this.session
    return expectedCloses(this.profile, {
      openedAt: s.readyState === 1 ? s.openedAt : undefined,
      lastSentAt: s.lastSentAt,
      lastReceivedAt: s.lastReceivedAt,
      sentCount: s.sentCount,
    })
  }

  snapshot(): ConnectionState {
    const snapshot = this.session.snapshot()
    // A presigned URL carries a session token: the page shows it redacted.
    snapshot.url = snapshot.url && redactSecrets(snapshot.url)
    return { ...snapshot, nextReconnectAt: this.auto.nextAttemptAt }
  }

  /**
   * Changes settings. A new keepalive interval or payload takes effect at once (the countdown restarts); one being
   * typed (0, empty) leaves the running keepalive alone. Bad reconnect settings turn auto-reconnect off and say why.
   */
  configure(patch: Partial<ConnectionSettings>): Result {
    const before = this.currentSettings
    this.currentSettings = { ...before, ...patch }
    const next = this.currentSettings
    if (
      this.session.keepalive.enabled &&
      (next.keepaliveSeconds !== before.keepaliveSeconds || next.keepalivePayload !== before.keepalivePayload) &&
      !keepaliveIntervalProblem(next.keepaliveSeconds * 1000)
    )
      this.setKeepalive(true)
    if (next.reconnect !== before.reconnect || next.handshakeTimeoutSeconds !== before.handshakeTimeoutSeconds)
      return this.applyReconnect()
    return { ok: true }
  }

  setKeepalive(enabled: boolean): Result {
    return this.session.setKeepalive({
      enabled,
      intervalMs: this.currentSettings.keepaliveSeconds * 1000,
      payload: this.currentSettings.keepalivePayload,
    })
  }

  /**
   * Connects to the endpoint in its settings. `signedUrl` replaces it on the wire only (an IAM-presigned copy of the
   * same URL): it is never stored or shown.
   */
  connect(signedUrl?: string): Result {
    const target = this.connectTarget()
    if (!target.ok) return target
    this.connectedEndpoint = target.url
    return this.auto.connect(signedUrl ?? target.url, target.protocols)
  }

  /**
   * What `connect` would open, or why it would refuse, from the settings alone: a host that runs the socket
   * elsewhere (a worker) answers from this at once.
   */
  connectTarget(): { ok: true; url: string; protocols: string[] } | { ok: false; error: string } {
    if (this.disposed) return { ok: false, error: 'This connection was removed.' }
    const endpoint = checkEndpoint(this.currentSettings.endpoint, this.secure)
    if (!endpoint.ok) return { ok: false, error: endpoint.error }
    const protocols = checkSubprotocols(this.currentSettings.protocols)
    if (!protocols.ok) return { ok: false, error: protocols.error }
    return { ok: true, url: endpoint.url, protocols: protocols.protocols }
  }

  disconnect(code?: number, reason?: string): Result {
    return this.auto.disconnect(code, reason)
  }

  send(data: string | Uint8Array): Result {
    return this.session.send(data)
  }

  /** The set-up to keep across reloads, with credential-looking query parameters removed from the endpoint. */
  toRecord(): ConnectionRecord {
    return {
      id: this.id,
      name: this.name,
      colour: this.colour,
      keepaliveEnabled: this.session.keepalive.enabled,
      settings: { ...this.currentSettings, endpoint: withoutSecrets(this.currentSettings.endpoint) },
    }
  }

  /** Closes the socket (1000) and stops every timer: keepalive, sampling, reconnect, handshake timeout. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    const closing = this.session.isActive
    this.auto.disconnect(1000, '')
    this.auto.dispose()
    this.session.dispose()
    if (!closing) {
      this.unsubscribe()
      return
    }
    // Its close still reaches the log and the timeline (no segment left CLOSING forever); then it falls silent.
    const stop = this.session.subscribe((event) => {
      if (event.kind !== 'closed') return
      stop()
      this.unsubscribe()
    })
  }

  private applyReconnect(): Result {
    const result = this.auto.configure(reconnectSettings(this.currentSettings))
    if (!result.ok) this.auto.configure({ ...DEFAULT_RECONNECT })
    return result
  }
}
