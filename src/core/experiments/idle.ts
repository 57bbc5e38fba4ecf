import type { CloseInfo } from '../session/session'
import { DOCUMENTED, idleMs } from './documented'
import { closeWaitMs } from './params'
import type { ProbeSocket } from './probe-socket'
import type { ExperimentDefinition, Measured, RunContext } from './types'

/** The close as measured values: what every timeout experiment reports. */
export function closeValues(close: CloseInfo): Measured {
  return { closeCode: close.code, closeReason: close.reason, wasClean: close.wasClean, closedBy: close.initiator }
}

/** Waits for the gateway to close the socket by itself, within the maximum duration plus a margin. */
export async function awaitServerClose(ctx: RunContext, socket: ProbeSocket): Promise<CloseInfo> {
  const waitMs = closeWaitMs(ctx.params)
  const close = await socket.waitForClose(waitMs)
  if (!close) throw new Error(`The connection was still open after ${Math.round(waitMs / 1000)} s.`)
  return close
}

export const idleExperiment: ExperimentDefinition = {
  id: 'idle',
  title: 'Idle timeout with no traffic',
  description: 'Opens a connection, sends nothing, and measures how long it lives.',
  params: [],
  estimateRunMs: (params) => idleMs(params) + 500,
  documented: () => ({ closedAfterMs: DOCUMENTED.idleTimeoutMs, closeCode: DOCUMENTED.timeoutCloseCode }),
  async run(ctx) {
    ctx.phase('Connecting')
    const socket = await ctx.open()
    ctx.phase('Open; sending nothing, waiting for the idle close', socket.openedAt + idleMs(ctx.params))
    const close = await awaitServerClose(ctx, socket)
    return { closedAfterMs: close.at - socket.openedAt, ...closeValues(close) }
  },
}
