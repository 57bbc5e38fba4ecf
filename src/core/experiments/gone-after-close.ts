import { DOCUMENTED } from './documented'
import type { ExperimentDefinition, ManagementResult } from './types'

/** After a client close, how soon does PostToConnection on the old id fail with GoneException (410)? */
export const goneAfterCloseExperiment: ExperimentDefinition = {
  id: 'gone-after-close',
  title: 'GoneException after a close',
  description: 'Closes the connection, then posts to its id until the post fails with 410 Gone.',
  params: [
    { kind: 'number', name: 'pollMs', label: 'Post every', unit: 'ms', default: 100, min: 10, max: 60_000 },
    { kind: 'number', name: 'timeoutSeconds', label: 'Give up after', unit: 's', default: 30, min: 1, max: 3600 },
  ],
  needsManagement: () => true,
  estimateRunMs: () => 1500,
  documented: () => ({ goneStatus: DOCUMENTED.goneStatus }),
  async run(ctx) {
    const api = ctx.management()
    ctx.phase('Connecting')
    const socket = await ctx.open()
    const connectionId = await socket.whoami()
    const closeAt = ctx.now()
    socket.close()
    const giveUpAt = closeAt + ctx.number('timeoutSeconds') * 1000
    ctx.phase('Closed; posting to the old id until it is gone', closeAt + 1000)
    let polls = 0
    let accepted = 0
    let last: ManagementResult | undefined
    while (ctx.now() < giveUpAt) {
      polls++
      last = await api.post(connectionId, 'gone-after-close probe')
      if (last.status === 410) break
      if (last.ok) accepted++
      await ctx.sleep(ctx.number('pollMs'))
    }
    if (last?.status !== 410)
      throw new Error(`No 410 within ${ctx.number('timeoutSeconds')} s (last status ${last?.status ?? 'none'}).`)
    const goneAt = ctx.now()
    const closedEventAt = socket.closeInfo?.at
    return {
      connectionId,
      goneAfterMs: goneAt - closeAt,
      goneAfterCloseEventMs: closedEventAt === undefined ? null : goneAt - closedEventAt,
      goneStatus: last.status,
      goneName: last.name ?? null,
      postsAcceptedAfterClose: accepted,
      polls,
    }
  },
}
