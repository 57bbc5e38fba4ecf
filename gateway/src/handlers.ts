import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { realClock, type Clock } from './clock'
import type { WebSocketEvent } from './lambda-events'
import { problemsMessage } from './backend/model'
import { routeKeyProblem } from './route-keys'

/**
 * Handler module convention (documented in gateway/README.md):
 *
 *   export const handlers = { $connect, $disconnect, $default, myRoute }   // route key → Lambda handler
 *   export const routeResponses = ['myRoute']                              // optional: two-way routes
 *
 * Each handler is `async (event, context) => result`, exactly a Node.js Lambda handler.
 */

/** The subset of the Lambda context object handlers get. */
export interface LambdaContext {
  awsRequestId: string
  functionName: string
  functionVersion: string
  invokedFunctionArn: string
  memoryLimitInMB: string
  logGroupName: string
  logStreamName: string
  callbackWaitsForEmptyEventLoop: boolean
  getRemainingTimeInMillis(): number
}

export type RouteHandler = (event: WebSocketEvent, context: LambdaContext) => unknown

/** Route key → handler; `null` removes a route that an earlier module defined. */
export type HandlerMap = Record<string, RouteHandler | null | undefined>

export interface HandlerModule {
  handlers: HandlerMap
  routeResponses?: readonly string[]
}

export interface RouteTable {
  handlers: Map<string, RouteHandler>
  /** Routes with a `$default` route response: the handler's `body` goes back to the client. */
  twoWay: Set<string>
}

export class HandlerModuleError extends Error {}

/** Imports a handlers module (.ts works under tsx and vitest; .js/.mjs/.cjs anywhere); `name` is for messages. */
export async function loadHandlerModule(path: string, name = path): Promise<HandlerModule> {
  const url = pathToFileURL(resolve(path)).href
  let mod: Record<string, unknown>
  try {
    mod = (await import(url)) as Record<string, unknown>
  } catch (error) {
    throw new HandlerModuleError(`cannot load handlers module ${name}: ${(error as Error).message}`)
  }
  return checkHandlerModule(mod, name)
}

export function checkHandlerModule(mod: Record<string, unknown>, name: string): HandlerModule {
  // CommonJS modules arrive as { default: module.exports }.
  const source = (
    mod.handlers === undefined && mod.default && typeof mod.default === 'object' ? mod.default : mod
  ) as Record<string, unknown>
  const handlers = source.handlers
  if (!handlers || typeof handlers !== 'object') {
    throw new HandlerModuleError(
      `handlers module ${name} has no "handlers" export (expected: export const handlers = { $default: async (event) => ({ statusCode: 200 }) })`,
    )
  }
  // Every problem at once, so they are fixed in one go.
  const problems: string[] = []
  for (const [key, fn] of Object.entries(handlers)) {
    if (fn !== null && fn !== undefined && typeof fn !== 'function')
      problems.push(`handlers["${key}"] is not a function`)
    const problem = routeKeyProblem(key)
    if (problem) problems.push(`handlers["${key}"]: ${problem}`)
  }
  const routeResponses = source.routeResponses
  if (
    routeResponses !== undefined &&
    (!Array.isArray(routeResponses) || routeResponses.some((r) => typeof r !== 'string'))
  )
    problems.push('routeResponses must be an array of route keys')
  if (problems.length > 0) throw new HandlerModuleError(problemsMessage(`handlers module ${name}`, problems))
  return { handlers: handlers as HandlerMap, routeResponses: routeResponses as string[] | undefined }
}

/** Later modules win per route; a route is two-way if the module that supplied its handler says so. */
export function buildRouteTable(modules: HandlerModule[], extraTwoWay: readonly string[] = []): RouteTable {
  const handlers = new Map<string, RouteHandler>()
  const twoWay = new Set<string>()
  for (const mod of modules) {
    const declared = new Set(mod.routeResponses ?? [])
    for (const [key, fn] of Object.entries(mod.handlers)) {
      twoWay.delete(key)
      if (typeof fn === 'function') {
        handlers.set(key, fn)
        if (declared.has(key)) twoWay.add(key)
      } else {
        handlers.delete(key)
      }
    }
  }
  for (const key of extraTwoWay) twoWay.add(key)
  return { handlers, twoWay }
}

export type InvocationOutcome =
  | { kind: 'result'; value: unknown; durationMs: number }
  | { kind: 'error'; error: unknown; durationMs: number }
  | { kind: 'timeout'; durationMs: number }

export interface LambdaEnvironment {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  region: string
}

/** Sets the variables the Lambda runtime provides, so the SDK inside handlers finds its credentials and region. */
let appliedKey = ''

export function applyLambdaEnvironment(env: LambdaEnvironment): void {
  // process.env is slow to touch; skip when this process already holds these values (the common case).
  const key = `${env.accessKeyId}\n${env.sessionToken}\n${env.region}`
  if (key === appliedKey && process.env.AWS_ACCESS_KEY_ID === env.accessKeyId && process.env.AWS_REGION === env.region)
    return
  appliedKey = key
  const wanted: Record<string, string> = {
    AWS_ACCESS_KEY_ID: env.accessKeyId,
    AWS_SECRET_ACCESS_KEY: env.secretAccessKey,
    AWS_SESSION_TOKEN: env.sessionToken,
    AWS_REGION: env.region,
    AWS_DEFAULT_REGION: env.region,
  }
  for (const [name, value] of Object.entries(wanted)) {
    if (process.env[name] !== value) process.env[name] = value
  }
}

export interface InvokeOptions {
  routeKey: string
  requestId: string
  timeoutMs: number
  region: string
  apiId: string
  beforeInvoke?: () => void
  /** Whose time the deadline runs on (a fake one in tests). */
  clock?: Clock
}

/**
 * Runs one handler like the Lambda service behind API Gateway: a context object, and a deadline after which the
 * gateway stops waiting (the handler itself keeps running, as a Lambda would until its own timeout).
 */
export function invokeHandler(
  handler: RouteHandler,
  event: WebSocketEvent,
  o: InvokeOptions,
): Promise<InvocationOutcome> {
  const clock = o.clock ?? realClock
  const started = performance.now()
  const deadline = clock.now() + o.timeoutMs
  const functionName = `local-gateway-${o.routeKey.replace(/^\$/, '')}`
  const context: LambdaContext = {
    awsRequestId: o.requestId,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${o.region}:000000000000:function:${functionName}`,
    memoryLimitInMB: '128',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - clock.now()),
  }
  return new Promise<InvocationOutcome>((resolvePromise) => {
    let settled = false
    const finish = (outcome: InvocationOutcome) => {
      if (settled) return
      settled = true
      timer.cancel()
      resolvePromise(outcome)
    }
    // A pending invocation alone does not keep a stopped gateway's process alive (clock timers are unref'd).
    const timer = clock.after(o.timeoutMs, () => finish({ kind: 'timeout', durationMs: performance.now() - started }))
    try {
      o.beforeInvoke?.()
      Promise.resolve(handler(event, context)).then(
        (value) => finish({ kind: 'result', value, durationMs: performance.now() - started }),
        (error: unknown) => finish({ kind: 'error', error, durationMs: performance.now() - started }),
      )
    } catch (error) {
      finish({ kind: 'error', error, durationMs: performance.now() - started })
    }
  })
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  try {
    return `non-Error thrown: ${JSON.stringify(error)}`
  } catch {
    return `non-Error thrown: ${String(error)}`
  }
}
