import { utf8Bytes } from '../composer/message-size'
import { DOCUMENTED } from './documented'
import type { ExperimentDefinition, RunContext } from './types'

const ENVELOPE_START = '{"action":"echo","data":"'
const ENVELOPE_END = '"}'
const ENVELOPE_BYTES = utf8Bytes(ENVELOPE_START + ENVELOPE_END)

/** An echo-route message of exactly `bytes` bytes (ASCII, so bytes = characters). */
export function echoMessage(bytes: number): { text: string; dataLength: number } {
  const dataLength = Math.max(0, bytes - ENVELOPE_BYTES)
  return { text: ENVELOPE_START + 'x'.repeat(dataLength) + ENVELOPE_END, dataLength }
}

interface ProbeOutcome {
  passed: boolean
  closeCode: number | null
  closeReason: string | null
}

/**
 * The largest message that passes, by binary search with a fresh connection per probe (a failure closes the
 * socket). A message passes when its echo comes back complete and the socket stays open. A browser sends each
 * message as one frame, so this finds the frame limit (AWS: 32 KB) before the 128 KB message limit.
 */
export const sizeLimitsExperiment: ExperimentDefinition = {
  id: 'size-limits',
  title: 'Size limits',
  description: 'Finds the largest message the echo route returns, and the close code for one byte more.',
  params: [
    {
      kind: 'number',
      name: 'minBytes',
      label: 'Search from',
      unit: 'bytes',
      default: 1024,
      min: ENVELOPE_BYTES,
      integer: true,
    },
    {
      kind: 'number',
      name: 'maxBytes',
      label: 'Search up to',
      unit: 'bytes',
      default: 262_144,
      max: 16_777_216,
      integer: true,
    },
    {
      kind: 'number',
      name: 'maxProbes',
      label: 'At most',
      default: 24,
      min: 2,
      max: 64,
      integer: true,
      help: 'connections per run',
    },
    { kind: 'number', name: 'probeTimeoutMs', label: 'Echo timeout', unit: 'ms', default: 5000, min: 100, max: 60_000 },
  ],
  validate: (params) =>
    Number(params.values.maxBytes) > Number(params.values.minBytes)
      ? []
      : ['“Search up to” must be larger than “Search from”.'],
  estimateRunMs: (params) =>
    Math.min(Number(params.values.maxProbes), 2 + Math.ceil(Math.log2(Number(params.values.maxBytes)))) * 300,
  documented: () => ({
    largestPassingBytes: DOCUMENTED.frameLimitBytes,
    closeCode: DOCUMENTED.oversizeCloseCode,
    messageLimitBytes: DOCUMENTED.messageLimitBytes,
  }),
  async run(ctx) {
    const maxProbes = ctx.number('maxProbes')
    let probes = 0
    const probe = async (bytes: number) => {
      probes++
      ctx.phase(`Probe ${probes} (at most ${maxProbes}): ${bytes} bytes`)
      return probeSize(ctx, bytes)
    }
    let low = ctx.number('minBytes')
    let high = ctx.number('maxBytes')
    if (!(await probe(low)).passed) throw new Error(`Even ${low} bytes did not pass: is there an echo route?`)
    let failure = await probe(high)
    if (failure.passed) {
      return {
        largestPassingBytes: high,
        smallestFailingBytes: null,
        exact: false,
        closeCode: null,
        closeReason: null,
        probes,
      }
    }
    while (high - low > 1 && probes < maxProbes) {
      const mid = Math.floor((low + high) / 2)
      const outcome = await probe(mid)
      if (outcome.passed) low = mid
      else {
        high = mid
        failure = outcome
      }
    }
    return {
      largestPassingBytes: low,
      smallestFailingBytes: high,
      // Without enough probes the limit is only known to lie between the two.
      exact: high - low === 1,
      closeCode: failure.closeCode,
      closeReason: failure.closeReason,
      probes,
    }
  },
}

async function probeSize(ctx: RunContext, bytes: number): Promise<ProbeOutcome> {
  const socket = await ctx.open()
  const { text, dataLength } = echoMessage(bytes)
  socket.send(text)
  const echo = await socket.nextMessage(
    (data) => data.length === dataLength && data.startsWith('x'),
    ctx.number('probeTimeoutMs'),
  )
  if (echo && socket.isOpen) {
    socket.close()
    return { passed: true, closeCode: null, closeReason: null }
  }
  // Gone too far: the gateway closes at once. Give a slow close a moment before calling it "no echo".
  const close = socket.closeInfo ?? (await socket.waitForClose(1000))
  socket.close()
  return {
    passed: false,
    closeCode: close?.code ?? null,
    closeReason: close?.reason ?? (close ? '' : 'no echo and no close'),
  }
}
