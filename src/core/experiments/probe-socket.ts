import { findConnectionIds } from '../management/connection-ids'
import type { KeepaliveSettings } from '../session/keepalive-settings'
import { WebSocketSession, type CloseInfo, type SocketFactory } from '../session/session'
import type { RunScope } from './run-scope'

export interface OpenOptions {
  keepalive?: KeepaliveSettings
  /** How long the handshake may take. Default 10 s. */
  timeoutMs?: number
}

export interface ReceivedMessage {
  at: number
  data: string
}

const WHOAMI = '{"action":"whoami"}'

/** One experiment connection: a WebSocketSession plus the waits experiments need (message, close, id). */
export class ProbeSocket {
  readonly messages: ReceivedMessage[] = []
  keepalivesSent = 0
  /** When the socket opened; set before `open` resolves. */
  openedAt = 0
  closeInfo: CloseInfo | undefined
  readonly closed: Promise<CloseInfo>
  private readonly opened: Promise<number>
  private readonly messageWaiters = new Set<() => void>()

  private constructor(
    readonly session: WebSocketSession,
    private readonly scope: RunScope,
  ) {
    let resolveOpened: (at: number) => void = () => {}
    let resolveClosed: (info: CloseInfo) => void = () => {}
    this.opened = new Promise<number>((resolve) => (resolveOpened = resolve))
    this.closed = new Promise<CloseInfo>((resolve) => (resolveClosed = resolve))
    session.subscribe((event) => {
      if (event.kind === 'open') resolveOpened((this.openedAt = event.at))
      else if (event.kind === 'keepalive') this.keepalivesSent++
      else if (event.kind === 'received') this.received({ at: event.at, data: event.data ?? '' })
      else if (event.kind === 'closed' && session.lastClose) resolveClosed((this.closeInfo = session.lastClose))
    })
  }

  static async open(
    url: string,
    protocols: string[],
    deps: { createSocket: SocketFactory; now: () => number },
    scope: RunScope,
    options: OpenOptions = {},
  ): Promise<ProbeSocket> {
    const session = new WebSocketSession({
      createSocket: deps.createSocket,
      now: deps.now,
      keepalive: options.keepalive,
    })
    const probe = new ProbeSocket(session, scope)
    scope.onCleanup(() => session.dispose())
    scope.awaitAfterDispose(probe.closed)
    const started = session.connect(url, protocols)
    if (!started.ok) throw new Error(`Could not open the socket: ${started.error}`)
    const outcome = await scope.within(
      Promise.race([probe.opened.then(() => 'open' as const), probe.closed.then((info) => info)]),
      options.timeoutMs ?? 10_000,
    )
    if (!outcome) throw new Error('The handshake did not finish in time.')
    if (outcome !== 'open') {
      // Browsers hide a refused handshake's status: 1006 is all a page sees of a 401/403 from an IAM $connect.
      const hint =
        outcome.code === 1006
          ? ': the handshake was refused or nothing answered (an IAM-authorised $connect needs a signed URL: choose a credential source)'
          : ''
      throw new Error(`The connection never opened (close code ${outcome.code}${hint}).`)
    }
    return probe
  }

  get isOpen(): boolean {
    return this.session.readyState === 1
  }

  /** The last data message either way: what API Gateway's idle timer counts from (spec §5.2). */
  get lastTrafficAt(): number {
    return Math.max(this.openedAt, this.session.lastSentAt ?? 0, this.session.lastReceivedAt ?? 0)
  }

  send(text: string): number {
    const result = this.session.send(text)
    if (!result.ok) throw new Error(result.error)
    return this.session.lastSentAt ?? 0
  }

  /** The first message from index `from` on that matches, or undefined after `timeoutMs`. */
  async nextMessage(
    match: (data: string) => boolean,
    timeoutMs: number,
    from = 0,
  ): Promise<ReceivedMessage | undefined> {
    const find = () => this.messages.slice(from).find((m) => match(m.data))
    const found = find()
    if (found) return found
    let stop = () => {}
    const arrived = new Promise<ReceivedMessage | undefined>((resolve) => {
      const check = () => {
        const hit = find()
        if (hit) resolve(hit)
      }
      this.messageWaiters.add(check)
      // A close means no more messages: stop waiting then rather than at the timeout.
      void this.closed.then(() => resolve(find()))
      stop = () => this.messageWaiters.delete(check)
    })
    try {
      return await this.scope.within(arrived, timeoutMs)
    } finally {
      stop()
    }
  }

  waitForClose(timeoutMs: number): Promise<CloseInfo | undefined> {
    return this.scope.within(this.closed, timeoutMs)
  }

  /** Asks the backend's whoami route for this connection's id. */
  async whoami(timeoutMs = 10_000): Promise<string> {
    const from = this.messages.length
    this.send(WHOAMI)
    const reply = await this.nextMessage((data) => findConnectionIds(data).length > 0, timeoutMs, from)
    const id = reply && findConnectionIds(reply.data)[0]
    if (!id)
      throw new Error('No connection id came back: the endpoint needs a whoami route that replies {"connectionId"}.')
    return id
  }

  close(): void {
    if (this.session.isActive) this.session.disconnect(1000, '')
  }

  private received(message: ReceivedMessage): void {
    this.messages.push(message)
    for (const check of [...this.messageWaiters]) check()
  }
}
