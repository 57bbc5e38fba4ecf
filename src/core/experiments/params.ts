import { checkEndpoint, checkSubprotocols } from '../session/endpoint'
import { AWS_PROFILE } from '../session/timeout-profiles'
import type {
  ExperimentDefinition,
  NumberParam,
  ParamSpec,
  ParamValue,
  ParamValues,
  ProfileSummary,
  ResolvedParams,
} from './types'

/** Parameters every experiment has: what it runs against, how often, and the timeouts it plans around. */
export const COMMON_PARAMS: NumberParam[] = [
  { kind: 'number', name: 'runs', label: 'Runs', default: 3, min: 1, max: 100, integer: true },
  {
    kind: 'number',
    name: 'idleSeconds',
    label: 'Expected idle timeout',
    unit: 's',
    default: AWS_PROFILE.idleBeforeFirstMessageMs / 1000,
    min: 0.1,
    max: 7200,
    help: 'AWS documents 600 s. Set the local gateway’s value in demo mode.',
  },
  {
    kind: 'number',
    name: 'maxSeconds',
    label: 'Expected maximum duration',
    unit: 's',
    default: AWS_PROFILE.maxDurationMs / 1000,
    min: 0.1,
    max: 86_400,
    help: 'AWS documents 7200 s. Waits never last longer than this plus a margin.',
  },
]

export interface ExperimentInput {
  endpoint: string
  /** Comma-separated subprotocols, or a list. */
  protocols?: string | string[]
  runs?: number | string
  idleSeconds?: number | string
  maxSeconds?: number | string
  [name: string]: ParamValue | string[] | undefined
}

export type ParamsCheck = { ok: true; params: ResolvedParams } | { ok: false; errors: string[] }

export function defaultValues(definition: ExperimentDefinition): ParamValues {
  const values: ParamValues = {}
  for (const spec of [...COMMON_PARAMS, ...definition.params]) values[spec.name] = spec.default
  return values
}

/** Validates raw input (numbers may come as strings, e.g. from URL parameters) against the definition. */
export function resolveParams(definition: ExperimentDefinition, input: ExperimentInput): ParamsCheck {
  const errors: string[] = []
  const endpoint = checkEndpoint(input.endpoint ?? '')
  if (!endpoint.ok) errors.push(endpoint.error)
  const protocolText = Array.isArray(input.protocols) ? input.protocols.join(',') : (input.protocols ?? '')
  const protocols = checkSubprotocols(protocolText)
  if (!protocols.ok) errors.push(protocols.error)

  const common: ParamValues = {}
  const values: ParamValues = {}
  for (const spec of COMMON_PARAMS) readParam(spec, input[spec.name], common, errors)
  for (const spec of definition.params) readParam(spec, input[spec.name], values, errors)
  if (errors.length || !endpoint.ok || !protocols.ok) return { ok: false, errors }

  const params: ResolvedParams = {
    endpoint: endpoint.url,
    protocols: protocols.protocols,
    runs: common.runs as number,
    idleSeconds: common.idleSeconds as number,
    maxSeconds: common.maxSeconds as number,
    values,
  }
  if (params.idleSeconds > params.maxSeconds)
    errors.push('The expected idle timeout cannot be longer than the maximum duration.')
  errors.push(...(definition.validate?.(params) ?? []))
  return errors.length ? { ok: false, errors } : { ok: true, params }
}

function readParam(spec: ParamSpec, raw: unknown, into: ParamValues, errors: string[]): void {
  if (raw === undefined || raw === '') {
    into[spec.name] = spec.default
    return
  }
  if (spec.kind === 'number') {
    const value = typeof raw === 'number' ? raw : Number(String(raw).trim())
    if (!Number.isFinite(value)) return void errors.push(`${spec.label}: “${String(raw)}” is not a number.`)
    if (spec.integer && !Number.isInteger(value)) return void errors.push(`${spec.label} must be a whole number.`)
    if (spec.min !== undefined && value < spec.min)
      return void errors.push(`${spec.label} must be at least ${spec.min}${unitText(spec)}.`)
    if (spec.max !== undefined && value > spec.max)
      return void errors.push(`${spec.label} must be at most ${spec.max}${unitText(spec)}.`)
    into[spec.name] = value
    return
  }
  const text = String(raw)
  if (spec.kind === 'choice' && !spec.choices.includes(text)) {
    return void errors.push(`${spec.label} must be one of ${spec.choices.join(', ')}.`)
  }
  into[spec.name] = text
}

function unitText(spec: NumberParam): string {
  return spec.unit ? ` ${spec.unit}` : ''
}

export function profileOf(params: ResolvedParams): ProfileSummary {
  const aws =
    params.idleSeconds * 1000 === AWS_PROFILE.idleBeforeFirstMessageMs &&
    params.maxSeconds * 1000 === AWS_PROFILE.maxDurationMs
  return { id: aws ? 'aws' : 'custom', idleSeconds: params.idleSeconds, maxSeconds: params.maxSeconds }
}

/** How long to wait for a close the gateway should send by itself: never past the maximum duration, plus a margin. */
export function closeWaitMs(params: ResolvedParams): number {
  const maxMs = params.maxSeconds * 1000
  return maxMs + Math.max(2000, maxMs * 0.1)
}
