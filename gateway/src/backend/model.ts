import { compileRouteSelectionExpression, ExpressionError } from '../route-selection'

/**
 * What a backend file (serverless.yml, a SAM/CloudFormation template, or a handlers module) describes, once loaded:
 * the functions the Lambda runtime runs and the routes that point at them. Everything here is plain data.
 */

/** One IAM policy statement, after intrinsic functions are resolved. */
export interface PolicyStatement {
  Sid?: string
  Effect: 'Allow' | 'Deny'
  Action?: string | string[]
  NotAction?: string | string[]
  Resource?: string | string[]
  NotResource?: string | string[]
  Condition?: unknown
}

/** What the function's role may do, as far as the file says. */
export interface RolePermissions {
  roleName: string
  /** undefined: the file does not say what the role may do (an external role ARN, a module without a role). */
  statements: PolicyStatement[] | undefined
  /** Where the statements came from, or why they are unknown; printed at start-up. */
  source: string
}

export interface BackendFunction {
  /** The deployed function name (AWS_LAMBDA_FUNCTION_NAME). */
  name: string
  /** The key in the file (serverless function key, CloudFormation logical id, module route). */
  key: string
  /** Absolute path of the module that holds the handler. */
  file: string
  /** The export to call, then properties inside it: `handler` → ['handler']; a module route → ['handlers', '$default']. */
  exportPath: string[]
  /** The handler string as written in the file, for messages. */
  handlerText: string
  timeoutSeconds: number
  memoryMb: number
  runtime: string
  /** Function environment (provider/Globals first, the function's own over it). */
  environment: Record<string, string>
  /** Reserved concurrency, when the file sets one: beyond it invocations are throttled, as on AWS. */
  reservedConcurrency?: number
  role: RolePermissions
}

export interface BackendRoute {
  routeKey: string
  /** BackendFunction.name */
  functionName: string
  /** A `$default` route response exists: the function's body goes back to the client. */
  twoWay: boolean
}

export interface Backend {
  kind: 'serverless' | 'sam' | 'module'
  /** The file as given (for messages). */
  file: string
  stage?: string
  region?: string
  routeSelectionExpression?: string
  functions: BackendFunction[]
  routes: BackendRoute[]
  /** One line each: unsupported or approximated parts, printed at start-up. */
  warnings: string[]
  /** `iam` when the file's `$connect` route uses AWS_IAM authorization. */
  auth?: 'iam'
}

/** A backend file that cannot run: one clear message, the gateway does not start. */
export class BackendError extends Error {}

/**
 * The problems found in one backend file, so they are all reported at once: a loader checks each function, route
 * and parameter on its own and notes what is wrong, instead of stopping at the first.
 */
export class Problems {
  readonly list: string[] = []

  /** Runs one check; a BackendError it throws is noted (not thrown). False when it noted one. */
  check(check: () => void): boolean {
    try {
      check()
      return true
    } catch (error) {
      if (!(error instanceof BackendError)) throw error
      // Two routes on one broken integration: its problem once.
      if (!this.list.includes(error.message)) this.list.push(error.message)
      return false
    }
  }

  /** One error for everything noted. */
  error(file: string): BackendError {
    return new BackendError(problemsMessage(file, this.list))
  }
}

/** One problem: one line. Several: a line that counts them, then one line each; every line names the file. */
export function problemsMessage(file: string, problems: string[]): string {
  const lines = problems.map((problem) => `${file}: ${problem}`)
  if (lines.length === 1) return lines[0]!
  return `${file} has ${lines.length} problems:\n${lines.map((l) => `  ${l}`).join('\n')}`
}

/**
 * A function setting within Lambda's range, as CloudFormation and Lambda check it at deploy (an integer; Timeout
 * 1–900 s, MemorySize 128–10240 MB, reserved concurrency from 0, which throttles every invocation). The fallback when
 * the file leaves it out.
 */
function lambdaSetting<T extends number | undefined>(
  value: unknown,
  where: string,
  range: { min: number; max?: number; unit: string },
  fallback: T,
): number | T {
  if (value === undefined || value === null) return fallback
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || n < range.min || (range.max !== undefined && n > range.max))
    throw new BackendError(
      `${where} must be a whole number of ${range.unit} from ${range.min}${range.max === undefined ? ' up' : ` to ${range.max}`}, as Lambda requires, got ${JSON.stringify(value)}`,
    )
  return n
}

/** A function's timeout, memory size and reserved concurrency, each checked on its own (problems noted). */
export function functionSettings(
  problems: Problems,
  where: string,
  given: Record<'timeout' | 'memory' | 'reserved', { value: unknown; name: string }>,
  defaults: { timeoutSeconds: number; memoryMb: number },
): { timeoutSeconds: number; memoryMb: number; reservedConcurrency?: number } {
  const settings: { timeoutSeconds: number; memoryMb: number; reservedConcurrency?: number } = { ...defaults }
  const at = (name: string) => `${where}.${name}`
  const { timeout, memory, reserved } = given
  problems.check(() => {
    settings.timeoutSeconds = lambdaSetting(timeout.value, at(timeout.name), TIMEOUT_RANGE, defaults.timeoutSeconds)
  })
  problems.check(() => {
    settings.memoryMb = lambdaSetting(memory.value, at(memory.name), MEMORY_RANGE, defaults.memoryMb)
  })
  problems.check(() => {
    const n = lambdaSetting(reserved.value, at(reserved.name), RESERVED_CONCURRENCY_RANGE, undefined)
    if (n !== undefined) settings.reservedConcurrency = n
  })
  return settings
}
const TIMEOUT_RANGE = { min: 1, max: 900, unit: 'seconds' }
const MEMORY_RANGE = { min: 128, max: 10240, unit: 'MB' }
const RESERVED_CONCURRENCY_RANGE = { min: 0, unit: 'instances' }

/**
 * A Lambda Node.js runtime identifier Lambda still deploys (nodejs20.x), or a BackendError: another language, a name
 * Lambda does not know (`nodejs22`, `node20.x`), or a runtime it no longer takes functions on (nodejs14.x), all of
 * which a deploy refuses.
 */
export function checkNodeRuntime(runtime: string, where: string): void {
  if (!runtime.startsWith('nodejs'))
    throw new BackendError(`${where}: runtime ${runtime || '(none)'} is not supported (Node.js only)`)
  if (!/^nodejs\d+\.(?:x|\d+)$/.test(runtime))
    throw new BackendError(
      `${where}: runtime ${runtime} is not a Lambda runtime identifier (nodejs20.x, nodejs22.x…); a deploy refuses it`,
    )
  if (nodeMajor(runtime) <= LAST_BLOCKED_NODE)
    throw new BackendError(
      `${where}: runtime ${runtime} is deprecated on Lambda, which refuses to create or update functions on it (nodejs14.x since 2024-02-08, older ones before); use nodejs20.x or later`,
    )
}

/**
 * The newest Node.js major whose Lambda runtime no longer takes new or updated functions (nodejs14.x: creating blocked
 * from 2024-01-09, updating from 2024-02-08). Newer deprecated runtimes (DEPRECATED_NODE) are blocked some months
 * after their deprecation, on dates not confirmed here: those get a warning, not a refusal.
 */
const LAST_BLOCKED_NODE = 14
/** Deprecated Lambda Node.js runtimes that still deploy here, and the day Lambda deprecated each. */
const DEPRECATED_NODE: Record<number, string> = { 16: '2024-06-12', 18: '2025-09-01' }

function nodeMajor(runtime: string): number {
  return Number(/^nodejs(\d+)/.exec(runtime)?.[1])
}

/**
 * Every function runs on the gateway's own Node.js, whatever its runtime says: one line per runtime whose major
 * version differs, so what differs between the two versions is not a surprise after the deploy.
 */
export function runtimeWarnings(functions: BackendFunction[], node = process.versions.node): string[] {
  const byRuntime = new Map<string, string[]>()
  for (const f of functions) byRuntime.set(f.runtime, [...(byRuntime.get(f.runtime) ?? []), f.key])
  const local = Number(node.split('.')[0])
  const deprecated = [...byRuntime]
    .filter(([runtime]) => DEPRECATED_NODE[nodeMajor(runtime)])
    .map(
      ([runtime, keys]) =>
        `${keys.join(', ')}: runtime ${runtime} is deprecated on Lambda (since ${DEPRECATED_NODE[nodeMajor(runtime)]}): Lambda stops taking new and then updated functions on a deprecated runtime, so a deploy may be refused; use nodejs20.x or later`,
    )
  const elsewhere = [...byRuntime]
    .filter(([runtime]) => nodeMajor(runtime) !== local)
    .map(
      ([runtime, keys]) =>
        `${keys.join(', ')}: runtime ${runtime} runs here on the gateway's Node.js ${node}, not on Node.js ${nodeMajor(runtime)}: language and library differences between the two are not emulated`,
    )
  return [...deprecated, ...elsewhere]
}

/**
 * The file's route selection expression, checked where it is written (noted as a problem when API Gateway would
 * refuse it), with a warning for static text that looks like a variable missing its `$`: every message would select
 * the one route of that name, which is what API Gateway does with static text too.
 */
export function routeSelection(
  value: unknown,
  where: string,
  problems: Problems,
  warn: (m: string) => void,
): string | undefined {
  if (value === undefined) return undefined
  const source = String(value)
  problems.check(() => {
    try {
      const compiled = compileRouteSelectionExpression(source)
      if (compiled.isStatic && /^\{?request\./.test(source))
        warn(
          `${where}: "${source}" has no $, so it is static text: every message selects the route "${source}"; did you mean $${source}?`,
        )
    } catch (error) {
      if (error instanceof ExpressionError) throw new BackendError(`${where}: ${error.message}`)
      throw error
    }
  })
  return source
}

/** Lambda's defaults for a function the file does not configure. */
export const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3
export const LAMBDA_DEFAULT_MEMORY_MB = 128
/** The account id in every ARN the gateway makes up (AWS::AccountId offline). */
export const LOCAL_ACCOUNT_ID = '000000000000'
