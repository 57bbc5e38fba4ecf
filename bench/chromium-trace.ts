/**
 * What Chromium's `Profiler.stop` and `Tracing.dataCollected` hand the diagnosis scripts (flood-profile.ts,
 * setup-profile.ts, open-profile.ts), typed as far as they read them; the one way they gather a trace, and the one way
 * they read a profile's samples.
 */
import type { CDPSession } from '@playwright/test'

export interface CpuProfile {
  nodes: {
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
    children?: number[]
  }[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

export interface TraceEvent {
  name: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  /** Thread (CPU) time of a complete event, where the trace has it. */
  tdur?: number
  args?: { name?: string; data?: { nodeId?: number; layerId?: number; message?: string; [key: string]: unknown } }
}

/** Every trace event the session reports from now on (call before `Tracing.start` with `ReportEvents`). */
export function collectTraceEvents(cdp: CDPSession): TraceEvent[] {
  const events: TraceEvent[] = []
  cdp.on('Tracing.dataCollected', (e) => {
    for (const event of e.value as unknown as TraceEvent[]) events.push(event)
  })
  return events
}

/** A function as the scripts print it: name, file, line. */
export function functionKey(f: CpuProfile['nodes'][number]['callFrame']): string {
  return `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`
}

/**
 * A CPU profile's samples in time order (`at` in µs on the trace's clock), each with the ms it stands for: the gap to
 * the next one in time, as DevTools counts it. Samples can arrive out of order (negative deltas, most often in a
 * worker), so array order is not time order.
 */
export function profileSamples(profile: CpuProfile): { at: number; id: number; ms: number }[] {
  let clock = profile.startTime
  const stamps = profile.timeDeltas.map((delta) => (clock += delta))
  const order = profile.samples.map((_, i) => i).sort((a, b) => stamps[a]! - stamps[b]!)
  return order.map((i, k) => {
    const next = order[k + 1]
    return { at: stamps[i]!, id: profile.samples[i]!, ms: next === undefined ? 0 : (stamps[next]! - stamps[i]!) / 1000 }
  })
}

/**
 * Self time by function (ms) of a profile's samples in a window [from, to) on the trace's clock, most first: what
 * script ran inside a task the trace shows.
 */
export function selfTimeIn(profile: CpuProfile): (from: number, to: number) => [string, number][] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const samples = profileSamples(profile)
  return (from, to) => {
    const self = new Map<string, number>()
    for (const { at, id, ms } of samples) {
      if (at < from || at >= to) continue
      const key = functionKey(byId.get(id)!.callFrame)
      self.set(key, (self.get(key) ?? 0) + ms)
    }
    return [...self].sort((a, b) => b[1] - a[1])
  }
}
