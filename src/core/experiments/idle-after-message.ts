import { DOCUMENTED, idleMs } from './documented'
import { awaitServerClose, closeValues } from './idle'
import type { ExperimentDefinition } from './types'

/** The article's second experiment: one message right after open, then silence. */
export const idleAfterMessageExperiment: ExperimentDefinition = {
  id: 'idle-after-message',
  title: 'Idle timeout after one message',
  description: 'Sends one message right after open, then nothing, and measures from that message to the close.',
  params: [
    {
      kind: 'text',
      name: 'message',
      label: 'Message',
      default: '{"action":"echo","data":"hello"}',
      help: 'Its reply, if any, is traffic too: the close is also measured from the last message either way.',
    },
  ],
  estimateRunMs: (params) => idleMs(params) + 500,
  documented: () => ({ closedAfterMessageMs: DOCUMENTED.idleTimeoutMs, closeCode: DOCUMENTED.timeoutCloseCode }),
  async run(ctx) {
    ctx.phase('Connecting')
    const socket = await ctx.open()
    const sentAt = socket.send(ctx.text('message'))
    ctx.phase('Message sent; waiting for the idle close', sentAt + idleMs(ctx.params))
    const close = await awaitServerClose(ctx, socket)
    return {
      closedAfterMessageMs: close.at - sentAt,
      closedAfterLastTrafficMs: close.at - socket.lastTrafficAt,
      openToCloseMs: close.at - socket.openedAt,
      repliesReceived: socket.messages.length,
      ...closeValues(close),
    }
  },
}
