import type { Clock } from './clock'
import { invokeHandler, type InvocationOutcome, type RouteTable } from './handlers'
import type { WebSocketEvent } from './lambda-events'

/**
 * What the WebSocket side needs from "the integration": which routes exist, which are two-way, and an invocation
 * that ends in a result, an error or the integration timeout. In-process handlers (the built-ins, tests' handler
 * objects) and the Lambda runtime of a backend file (src/backend) both provide it.
 */
export interface RouteInvoker {
  has(routeKey: string): boolean
  isTwoWay(routeKey: string): boolean
  keys(): string[]
  invoke(routeKey: string, event: WebSocketEvent, requestId: string): Promise<InvocationOutcome>
}

export interface InProcessOptions {
  region: string
  apiId: string
  integrationTimeoutMs: number
  beforeInvoke: () => void
  clock: Clock
}

/** Handlers called in the gateway's own process (no isolation, no per-function timeout). */
export class InProcessRoutes implements RouteInvoker {
  constructor(
    private readonly table: RouteTable,
    private readonly o: InProcessOptions,
  ) {}

  has(routeKey: string): boolean {
    return this.table.handlers.has(routeKey)
  }

  isTwoWay(routeKey: string): boolean {
    return this.table.twoWay.has(routeKey)
  }

  keys(): string[] {
    return [...this.table.handlers.keys()]
  }

  invoke(routeKey: string, event: WebSocketEvent, requestId: string): Promise<InvocationOutcome> {
    return invokeHandler(this.table.handlers.get(routeKey)!, event, {
      routeKey,
      requestId,
      timeoutMs: this.o.integrationTimeoutMs,
      region: this.o.region,
      apiId: this.o.apiId,
      beforeInvoke: this.o.beforeInvoke,
      clock: this.o.clock,
    })
  }
}

/** The integration timeout around an invoker whose functions have their own (longer or shorter) timeouts. */
export function withIntegrationTimeout(inner: RouteInvoker, timeoutMs: number, clock: Clock): RouteInvoker {
  return {
    has: (k) => inner.has(k),
    isTwoWay: (k) => inner.isTwoWay(k),
    keys: () => inner.keys(),
    invoke(routeKey, event, requestId) {
      const started = performance.now()
      return new Promise((resolve) => {
        let settled = false
        const timer = clock.after(timeoutMs, () => {
          settled = true
          resolve({ kind: 'timeout', durationMs: performance.now() - started })
        })
        void inner.invoke(routeKey, event, requestId).then((outcome) => {
          if (settled) return
          timer.cancel()
          resolve(outcome)
        })
      })
    },
  }
}

/** The first invoker's routes, then the second's for routes the first lacks (--with-default-handlers). */
export function layered(first: RouteInvoker, second: RouteInvoker): RouteInvoker {
  const pick = (k: string) => (first.has(k) ? first : second)
  return {
    has: (k) => first.has(k) || second.has(k),
    isTwoWay: (k) => pick(k).isTwoWay(k),
    keys: () => [...new Set([...first.keys(), ...second.keys()])],
    invoke: (k, event, requestId) => pick(k).invoke(k, event, requestId),
  }
}
