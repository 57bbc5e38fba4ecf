import { idleMs } from './documented'
import { awaitServerClose, closeValues } from './idle'
import type { ExperimentDefinition, Measured, RunContext } from './types'

export const RESET_VARIANTS = ['client-message', 'server-post', 'get-connection'] as const
export type ResetVariant = (typeof RESET_VARIANTS)[number]

/**
 * Does one action at half the idle timeout reset the timer? Not reset: the close comes one idle timeout after the
 * last traffic before the action. Reset: one idle timeout after the action, half a timeout later.
 *
 * Every variant first asks whoami (the @connections variants need the id), so all of them start from the same
 * baseline: the whoami reply is the last traffic before the action, whichever variant runs.
 */
export const idleResetExperiment: ExperimentDefinition = {
  id: 'idle-reset',
  title: 'What resets the idle timer',
  description: 'At half the idle timeout, sends a message, posts through @connections, or calls GetConnection once.',
  params: [
    { kind: 'choice', name: 'variant', label: 'Action', default: 'client-message', choices: RESET_VARIANTS },
    { kind: 'text', name: 'message', label: 'Client message', default: '{"action":"echo","data":"reset"}' },
  ],
  needsManagement: (params) => params.values.variant !== 'client-message',
  estimateRunMs: (params) => idleMs(params) * 1.5 + 500,
  documented: (params) => ({
    // Spec §5.2: data either way resets it; GetConnection is no data, so AWS is expected not to.
    resetIdleTimer: params.values.variant !== 'get-connection',
  }),
  async run(ctx) {
    const idle = idleMs(ctx.params)
    ctx.phase('Connecting')
    const socket = await ctx.open()
    const connectionId = await socket.whoami()
    const baselineAt = socket.lastTrafficAt
    const actionDueAt = baselineAt + idle / 2
    ctx.phase('Waiting until half the idle timeout', baselineAt + idle * 1.5)
    await ctx.sleep(actionDueAt - ctx.now())
    if (!socket.isOpen)
      throw new Error('The connection closed before half the expected idle timeout: set the right idle timeout.')
    const actionAt = ctx.now()
    const action = await act(ctx, ctx.text('variant') as ResetVariant, connectionId, (text) => socket.send(text))
    ctx.phase('Action done; waiting for the idle close', baselineAt + idle * 1.5)
    const close = await awaitServerClose(ctx, socket)
    const closedAfterBaselineMs = close.at - baselineAt
    return {
      connectionId,
      actionAtMs: actionAt - baselineAt,
      ...action,
      closedAfterBaselineMs,
      closedAfterActionMs: close.at - actionAt,
      // Halfway between the two outcomes (idle and 1.5 × idle after the baseline).
      resetIdleTimer: closedAfterBaselineMs > idle * 1.25,
      ...closeValues(close),
    }
  },
}

async function act(
  ctx: RunContext,
  variant: ResetVariant,
  connectionId: string,
  send: (text: string) => void,
): Promise<Measured> {
  if (variant === 'client-message') {
    send(ctx.text('message'))
    return { actionStatus: null }
  }
  const api = ctx.management()
  const result =
    variant === 'server-post' ? await api.post(connectionId, 'idle-reset probe') : await api.get(connectionId)
  if (!result.ok) throw new Error(`The @connections call failed with ${result.status} ${result.name ?? ''}`.trim())
  return { actionStatus: result.status }
}
