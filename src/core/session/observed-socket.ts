import type { SessionEventBody } from './events'
import type { SocketFactory, SocketLike } from './session'
import { utf8Bytes } from '../composer/message-size'
import { toBase64 } from '../composer/bytes'

export type SocketObservation = SessionEventBody & { at: number; socket: number }

/**
 * Wraps a socket factory so every socket it makes reports its lifecycle and traffic, without the code that uses
 * the sockets knowing: the timeout lab's connections then show up on the page's timeline and log.
 */
export function observeSockets(
  factory: SocketFactory,
  report: (event: SocketObservation) => void,
  now: () => number = Date.now,
): SocketFactory {
  let count = 0
  return (url, protocols) => {
    const id = ++count
    const real = factory(url, protocols)
    const emit = (event: SessionEventBody) => report({ ...event, at: now(), socket: id })
    emit({ kind: 'connecting', direction: 'none', url, protocols: protocols.length ? protocols : undefined })
    let closeRequested = false
    let opened = false
    const handlers: {
      onopen?: SocketLike['onopen']
      onmessage?: SocketLike['onmessage']
      onerror?: SocketLike['onerror']
      onclose?: SocketLike['onclose']
    } = {}
    real.onopen = (event) => {
      opened = true
      emit({ kind: 'open', direction: 'none', protocol: real.protocol || undefined })
      handlers.onopen?.(event)
    }
    real.onmessage = (event) => {
      const data = typeof event.data === 'string' ? event.data : undefined
      emit({
        kind: 'received',
        direction: 'in',
        data,
        bytes: data === undefined ? undefined : utf8Bytes(data),
        binary: data === undefined || undefined,
      })
      handlers.onmessage?.(event)
    }
    real.onerror = (event) => {
      emit({ kind: 'error', direction: 'none', message: 'Socket error (see the close code that follows).' })
      handlers.onerror?.(event)
    }
    real.onclose = (event) => {
      // The server's close frame arrived (a clean close): record the CLOSING it caused, as the session does.
      if (opened && !closeRequested && event.wasClean)
        emit({
          kind: 'closing',
          direction: 'none',
          code: event.code,
          reason: event.reason || undefined,
          initiator: 'server',
        })
      emit({
        kind: 'closed',
        direction: 'none',
        code: event.code,
        reason: event.reason,
        wasClean: event.wasClean,
        initiator: closeRequested ? 'client' : 'server',
        beforeOpen: !opened,
      })
      handlers.onclose?.(event)
    }
    const wrapper: SocketLike = {
      get readyState() {
        return real.readyState
      },
      get protocol() {
        return real.protocol
      },
      get binaryType() {
        return real.binaryType
      },
      set binaryType(value: string) {
        real.binaryType = value
      },
      send(data: string | Uint8Array) {
        real.send(data)
        if (typeof data === 'string') emit({ kind: 'sent', direction: 'out', data, bytes: utf8Bytes(data) })
        else emit({ kind: 'sent', direction: 'out', data: toBase64(data), bytes: data.byteLength, binary: true })
      },
      sendKeepalive(data: string) {
        real.send(data)
        emit({ kind: 'keepalive', direction: 'out', data, bytes: utf8Bytes(data) })
      },
      close(code?: number, reason?: string) {
        if (real.readyState < 2) emit({ kind: 'closing', direction: 'none', code, reason, initiator: 'client' })
        closeRequested = true
        if (code === undefined) real.close()
        else real.close(code, reason)
      },
      get onopen() {
        return handlers.onopen ?? null
      },
      set onopen(fn) {
        handlers.onopen = fn
      },
      get onmessage() {
        return handlers.onmessage ?? null
      },
      set onmessage(fn) {
        handlers.onmessage = fn
      },
      get onerror() {
        return handlers.onerror ?? null
      },
      set onerror(fn) {
        handlers.onerror = fn
      },
      get onclose() {
        return handlers.onclose ?? null
      },
      set onclose(fn) {
        handlers.onclose = fn
      },
    }
    return wrapper
  }
}
