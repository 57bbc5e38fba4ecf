import { ROUTE_PING_PAYLOAD } from '../session/keepalive-settings'
import { DOCUMENTED, maxMs } from './documented'
import { awaitServerClose, closeValues } from './idle'
import type { ExperimentDefinition } from './types'

export const maxDurationExperiment: ExperimentDefinition = {
  id: 'max-duration',
  title: 'Maximum connection duration',
  description: 'Keeps a connection busy with keepalives below the idle timeout and measures when it is cut anyway.',
  params: [
    { kind: 'number', name: 'keepaliveSeconds', label: 'Keepalive every', unit: 's', default: 60, min: 0.1, max: 7200 },
    { kind: 'text', name: 'payload', label: 'Keepalive message', default: ROUTE_PING_PAYLOAD },
  ],
  validate: (params) =>
    Number(params.values.keepaliveSeconds) < params.idleSeconds
      ? []
      : [
          'The keepalive interval must be shorter than the expected idle timeout, or the idle timeout ends the run first.',
        ],
  estimateRunMs: (params) => maxMs(params) + 500,
  documented: () => ({ closedAfterMs: DOCUMENTED.maxDurationMs, closeCode: DOCUMENTED.timeoutCloseCode }),
  async run(ctx) {
    const intervalMs = ctx.number('keepaliveSeconds') * 1000
    ctx.phase('Connecting')
    const socket = await ctx.open({ keepalive: { enabled: true, intervalMs, payload: ctx.text('payload') } })
    ctx.phase('Open with keepalive; waiting for the maximum-duration close', socket.openedAt + maxMs(ctx.params))
    const close = await awaitServerClose(ctx, socket)
    return { closedAfterMs: close.at - socket.openedAt, keepalivesSent: socket.keepalivesSent, ...closeValues(close) }
  },
}
