/**
 * What Chromium's `Profiler.stop` and `Tracing.dataCollected` hand the diagnosis scripts (flood-profile.ts,
 * setup-profile.ts, open-profile.ts), typed as far as they read them, and the one way they gather a trace.
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
