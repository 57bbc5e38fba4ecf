import { ROUTE_PING_PAYLOAD } from '../session/keepalive-settings'
import type { ExperimentDefinition } from './types'

/** The article's `setInterval(() => ws.send('ping'), 60000)`: does it keep the connection for T seconds? */
export const keepaliveExperiment: ExperimentDefinition = {
  id: 'keepalive',
  title: 'Keepalive survival',
  description: 'Sends a keepalive every N seconds and checks whether the connection lives T seconds.',
  params: [
    { kind: 'number', name: 'intervalSeconds', label: 'Keepalive every', unit: 's', default: 60, min: 0.1, max: 7200 },
    { kind: 'number', name: 'targetSeconds', label: 'Must live', unit: 's', default: 900, min: 0.1, max: 86_400 },
    { kind: 'text', name: 'payload', label: 'Keepalive message', default: ROUTE_PING_PAYLOAD },
  ],
  estimateRunMs: (params) => Number(params.values.targetSeconds) * 1000 + 500,
  documented: (params) => ({
    // AWS: any message resets the 10 min idle timer, and nothing outlives 2 h.
    survived: Number(params.values.intervalSeconds) < 600 && Number(params.values.targetSeconds) < 7200,
  }),
  async run(ctx) {
    const intervalMs = ctx.number('intervalSeconds') * 1000
    const targetMs = ctx.number('targetSeconds') * 1000
    ctx.phase('Connecting')
    const socket = await ctx.open({ keepalive: { enabled: true, intervalMs, payload: ctx.text('payload') } })
    const targetAt = socket.openedAt + targetMs
    ctx.phase(`Open; keepalive every ${intervalMs / 1000} s until ${targetMs / 1000} s`, targetAt)
    const close = await socket.waitForClose(targetAt - ctx.now())
    const survived = !close
    const aliveMs = (close?.at ?? ctx.now()) - socket.openedAt
    const keepalivesSent = socket.keepalivesSent
    socket.close()
    return {
      survived,
      aliveMs,
      keepalivesSent,
      closeCode: close?.code ?? null,
      closeReason: close?.reason ?? null,
    }
  },
}
