import { ROUTE_PING_PAYLOAD } from '../session/keepalive-settings'
import type { ExperimentDefinition, ResolvedParams } from './types'

/** When the planned timers close the connection before the target, if they do: the idle timeout or the maximum. */
function plannedClose(params: ResolvedParams): { afterSeconds: number; cause: 'idle' | 'max' } | undefined {
  const interval = Number(params.values.intervalSeconds)
  const target = Number(params.values.targetSeconds)
  const idle = interval >= params.idleSeconds ? params.idleSeconds : Infinity
  const first = Math.min(idle, params.maxSeconds)
  if (first >= target) return undefined
  return { afterSeconds: first, cause: first === idle ? 'idle' : 'max' }
}

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
  // A run ends at the close the timers bring, when it comes before the target.
  estimateRunMs: (params) => (plannedClose(params)?.afterSeconds ?? Number(params.values.targetSeconds)) * 1000 + 500,
  advise: (params) => {
    const close = plannedClose(params)
    if (!close) return []
    const { intervalSeconds, targetSeconds } = params.values
    return [
      close.cause === 'idle'
        ? `A keepalive every ${intervalSeconds} s is not faster than the idle timeout planned (${params.idleSeconds} s): expect the idle close at about ${params.idleSeconds} s, not ${targetSeconds} s of life.`
        : `The maximum duration planned (${params.maxSeconds} s) ends the connection before ${targetSeconds} s, whatever the keepalive: expect its close at about ${params.maxSeconds} s.`,
    ]
  },
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
