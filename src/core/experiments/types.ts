import type { EndpointKind } from '../session/endpoint'
import type { SocketFactory } from '../session/session'
import type { ProbeSocket, OpenOptions } from './probe-socket'

export type ExperimentId =
  'idle' | 'idle-after-message' | 'keepalive' | 'idle-reset' | 'max-duration' | 'size-limits' | 'gone-after-close'

/** One measured or documented value: numbers are ms, bytes or codes; null when there is nothing to report. */
export type MeasureValue = number | string | boolean | null
export type Measured = Record<string, MeasureValue>

export type ParamValue = number | string
export type ParamValues = Record<string, ParamValue>

interface ParamBase {
  name: string
  label: string
  help?: string
}

export interface NumberParam extends ParamBase {
  kind: 'number'
  default: number
  unit?: 's' | 'ms' | 'bytes'
  min?: number
  max?: number
  integer?: boolean
}

export interface ChoiceParam extends ParamBase {
  kind: 'choice'
  default: string
  choices: readonly string[]
}

export interface TextParam extends ParamBase {
  kind: 'text'
  default: string
}

export type ParamSpec = NumberParam | ChoiceParam | TextParam

/** Parameters after validation: the common ones typed, the experiment's own by name. */
export interface ResolvedParams {
  endpoint: string
  protocols: string[]
  runs: number
  /** The idle timeout the experiment plans around (AWS: 600 s; shorter on a local gateway in demo mode). */
  idleSeconds: number
  maxSeconds: number
  values: ParamValues
}

/** What the experiment expects, recorded with every row so measured values can be read against it. */
export interface ProfileSummary {
  id: 'aws' | 'custom'
  idleSeconds: number
  maxSeconds: number
}

export interface ManagementResult {
  ok: boolean
  status: number
  /** The AWS error name, e.g. GoneException. */
  name?: string
  /** GetConnection's lastActiveAt, as the API returned it (ISO 8601). */
  lastActiveAt?: string
}

/** The two @connections calls experiments need; the page wires it to the SDK, tests to fetch. */
export interface ManagementApi {
  post(connectionId: string, data: string): Promise<ManagementResult>
  get(connectionId: string): Promise<ManagementResult>
}

export interface TimerApi {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface ExperimentDeps {
  createSocket: SocketFactory
  now?: () => number
  timers?: TimerApi
  management?: ManagementApi
  /** Turns the endpoint into the URL each connection opens: a fresh SigV4-presigned one for IAM $connect. */
  signUrl?: (url: string) => Promise<string>
}

export interface RunContext {
  readonly run: number
  readonly params: ResolvedParams
  readonly signal: AbortSignal
  now(): number
  /** A numeric experiment parameter (validated before the run starts). */
  number(name: string): number
  text(name: string): string
  /** Reports what the run is doing; `runEndsAt` refines the expected end when the run knows it better. */
  phase(text: string, runEndsAt?: number): void
  /** Rejects when the experiment is cancelled. */
  sleep(ms: number): Promise<void>
  open(options?: OpenOptions): Promise<ProbeSocket>
  /** The @connections API; throws when none was given. */
  management(): ManagementApi
}

export interface ExperimentDefinition {
  id: ExperimentId
  title: string
  description: string
  params: ParamSpec[]
  /** Checks across parameters that single ranges cannot express. */
  validate?(params: ResolvedParams): string[]
  /**
   * What the run will show instead of what its parameters ask, under the timers it plans around (e.g. a keepalive
   * slower than the idle timeout): said before the start, not refused, since showing it fail is an experiment too.
   */
  advise?(params: ResolvedParams): string[]
  needsManagement?(params: ResolvedParams): boolean
  /** Expected length of one run, for the progress bar and the countdown. */
  estimateRunMs(params: ResolvedParams): number
  /** The documented AWS values to show next to the measured ones. */
  documented(params: ResolvedParams): Measured
  run(ctx: RunContext): Promise<Measured>
}

export interface ResultRow {
  experimentId: ExperimentId
  run: number
  /** ISO 8601 time the run started. */
  startedAt: string
  /** Without SigV4 query parameters: rows are stored and exported. */
  endpoint: string
  endpointKind: EndpointKind
  profile: ProfileSummary
  params: ParamValues
  measured: Measured
  documented: Measured
  error?: string
}

/** `partly failed`: some runs gave a row with an error (e.g. a connection that never opened); `failed`: all did. */
export type LabStatus = 'idle' | 'running' | 'done' | 'partly failed' | 'cancelled' | 'failed'

export interface ExperimentProgress {
  experimentId: ExperimentId
  /** 0 to 1, over all runs. */
  fraction: number
  /** The current run, 1-based. */
  run: number
  runs: number
  phase: string
  /** Epoch ms when the whole experiment is expected to end. */
  expectedEndAt: number
}
