import { randomBytes } from 'node:crypto'
import { dirname } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Clock, Timer } from '../clock'
import { displayPath } from '../display-path'
import type { InvocationOutcome } from '../handlers'
import type { WebSocketEvent } from '../lambda-events'
import type { LogLimiter } from '../log-limiter'
import type { LogFunction } from '../options'
import { isTypeScript } from './handler-file'
import { LOCAL_ACCOUNT_ID, type Backend, type BackendFunction } from './model'
import type { InvokeMessage, WorkerMessage, WorkerSetup } from './worker-protocol'

/**
 * The Lambda runtime behind the routes of a backend file: each function runs in worker threads, one invocation
 * per instance at a time, warm instances reused (the most recently used first), up to the function's concurrency.
 * An instance that times out, throws outside a request or exits is terminated and replaced by a cold one. An init
 * longer than Lambda's limit (10 s) is retried once within the function's timeout, as Lambda does; an instance idle
 * longer than `instanceIdleMs` is shut down, so the next invocation starts cold.
 */

export interface FunctionCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
}

export interface RuntimeOptions {
  region: string
  log: LogFunction
  logInfo: boolean
  clock: Clock
  /** The API Gateway integration timeout: the gateway stops waiting then, the function runs on to its own timeout. */
  integrationTimeoutMs: number
  /** Extra delay before an instance's first invocation (on top of its real start-up). */
  coldStartMs: number
  /** Instances per function when the file sets no reserved concurrency; beyond it invocations wait in line. */
  functionConcurrency: number
  /** Set AWS_ACCESS_KEY_ID/SECRET/SESSION_TOKEN for the function (Lambda does). */
  lambdaEnvironment: boolean
  /** Lambda's init limit: a longer init is abandoned and retried within the function's timeout. AWS: 10000. */
  initTimeoutMs: number
  /** A warm instance idle this long is shut down (Lambda's figure is undocumented). */
  instanceIdleMs: number
  /** Budgets for the functions' console lines, per connection (see functionLogKey). */
  functionLog: LogLimiter
}

/** The log budget of the functions' console lines about one connection. */
export const functionLogKey = (connectionId: string) => `function logs for ${connectionId}`

/** Invocations waiting for an instance, per function; beyond this they are throttled. */
const MAX_QUEUED = 1000
const WORKER_URL = new URL('./lambda-worker.mjs', import.meta.url)

type Outcome = InvocationOutcome

type RunResult = { ok: true; json?: string } | { ok: false; error: Error }

function lambdaError(name: string, message: string): Error {
  const error = new Error(message)
  error.name = name
  return error
}

/** How an invocation ends when the gateway stops under it. */
const shutdownError = () => lambdaError('Shutdown', 'the gateway is stopping')

/** The init outlived Lambda's init limit (only the first init of an instance has one). */
class InitTimeout extends Error {
  override name = 'InitTimeout'
}

class Instance {
  readonly worker: Worker
  private readonly flag = new Int32Array(new SharedArrayBuffer(4))
  /** Set once 'ready' or 'init-error' arrived, the instance died, or (an InitTimeout) the init limit passed. */
  readonly ready: Promise<Error | undefined>
  invocations = 0
  dead = false
  /** Set when the pool replaces the instance itself: its slot goes to the replacement, not to someone waiting. */
  replaced = false
  /** Counts down while the instance sits idle (warm, between invocations). */
  idleTimer: Timer | undefined
  /** The pool's code generation the instance imported (see FunctionPool.redeploy). */
  generation = 0
  /** The connection of the latest invocation: console lines (also late ones) count against its log budget. */
  connectionId: string | undefined
  private nextId = 1
  private current: { id: number; settle: (o: RunResult) => void } | undefined

  constructor(
    readonly fn: BackendFunction,
    env: Record<string, string>,
    region: string,
    /** Lambda's init limit, or undefined for an init retried within the invocation (the function timeout bounds it). */
    initLimit: { ms: number; clock: Clock } | undefined,
    private readonly onLog: (
      instance: Instance,
      m: Extract<WorkerMessage, { type: 'log' } | { type: 'log-left-out' }>,
    ) => void,
    private readonly onPending: (requestId: string, resources: string[]) => void,
    private readonly onGone: (instance: Instance) => void,
  ) {
    const workerData: WorkerSetup = {
      file: fn.file,
      exportPath: fn.exportPath,
      handlerText: fn.handlerText,
      fileShown: displayPath(fn.file),
      functionName: fn.name,
      memoryMb: fn.memoryMb,
      region,
      accountId: LOCAL_ACCOUNT_ID,
      typescript: isTypeScript(fn.file),
      runtime: fn.runtime,
      flag: this.flag.buffer as SharedArrayBuffer,
    }
    this.worker = new Worker(WORKER_URL, {
      workerData,
      env,
      // The function's memory size bounds its heap, so a leak ends like Lambda's "Runtime exited" (out of memory).
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, fn.memoryMb) },
    })
    this.ready = new Promise((resolve) => {
      let limit: Timer | undefined
      const onMessage = (m: WorkerMessage) => {
        if (m.type === 'init-start' && initLimit) {
          limit = initLimit.clock.after(initLimit.ms, () =>
            resolve(new InitTimeout(`init did not finish within ${(initLimit.ms / 1000).toFixed(2)} seconds`)),
          )
          return
        }
        if (m.type === 'ready') resolve(undefined)
        else if (m.type === 'init-error') resolve(lambdaError(m.error.name, m.error.message))
        else return
        limit?.cancel()
        this.worker.off('message', onMessage)
      }
      this.worker.on('message', onMessage)
      this.worker.once('exit', (code) =>
        resolve(lambdaError('Runtime.ExitError', `the instance exited during init (exit status ${code})`)),
      )
      this.worker.once('error', (error) => resolve(lambdaError('Runtime.ImportModuleError', error.message)))
    })
    this.worker.on('message', (m: WorkerMessage) => this.onMessage(m))
    this.worker.on('error', (error) =>
      this.fail(
        lambdaError(
          error.name === 'Error' ? 'Runtime.UnhandledError' : error.name,
          `${error.message} (the instance crashed and is replaced)`,
        ),
      ),
    )
    this.worker.on('exit', (code) =>
      this.fail(lambdaError('Runtime.ExitError', `Runtime exited with error: exit status ${code}`)),
    )
  }

  private onMessage(m: WorkerMessage): void {
    if (m.type === 'log' || m.type === 'log-left-out') this.onLog(this, m)
    else if (m.type === 'pending') this.onPending(m.requestId, m.resources)
    else if (m.type === 'result' && this.current && m.id === this.current.id) {
      const { settle } = this.current
      this.current = undefined
      settle(m.ok ? { ok: true, json: m.json } : { ok: false, error: lambdaError(m.error.name, m.error.message) })
    }
  }

  /** The instance is gone (crash, exit, timeout): the invocation in flight fails, the pool forgets it. */
  private fail(error: Error): void {
    if (this.dead) return
    this.dead = true
    this.idleTimer?.cancel()
    const current = this.current
    this.current = undefined
    current?.settle({ ok: false, error })
    this.onGone(this)
  }

  run(event: WebSocketEvent, requestId: string, remainingMs: number): Promise<RunResult> {
    return new Promise((settle) => {
      const id = this.nextId++
      this.current = { id, settle }
      this.connectionId = event.requestContext.connectionId
      const message: InvokeMessage = { type: 'invoke', id, event, requestId, remainingMs }
      this.worker.postMessage(message)
      // After its first invocation the instance sleeps between invocations (frozen); wake it for this one.
      if (this.invocations++ > 0) {
        Atomics.store(this.flag, 0, 1)
        Atomics.notify(this.flag, 0)
      }
    })
  }

  kill(error: Error): void {
    this.fail(error)
    void this.worker.terminate()
  }
}

class FunctionPool {
  private readonly idle: Instance[] = []
  private readonly instances = new Set<Instance>()
  private readonly waiting: ((instance: Instance | undefined) => void)[] = []
  private warnedPending = false
  /** close() was called: invocations still waiting for an instance end without one, and are not "throttled". */
  private closing = false
  /** Bumped when the function's code changes: instances of an older generation are not reused. */
  private generation = 0
  readonly limit: number
  readonly throttles: boolean
  private readonly env: Record<string, string>

  constructor(
    readonly fn: BackendFunction,
    private readonly o: RuntimeOptions,
    credentials: FunctionCredentials,
  ) {
    this.throttles = fn.reservedConcurrency !== undefined
    this.limit = fn.reservedConcurrency ?? o.functionConcurrency
    this.env = lambdaEnvironment(fn, o, credentials)
  }

  get size(): number {
    return this.instances.size
  }

  /** An idle warm instance, a new cold one, or (at the limit) the next one released; undefined = throttled. */
  private acquire(): Promise<Instance | undefined> {
    const warm = this.idle.pop()
    if (warm) {
      warm.idleTimer?.cancel()
      return Promise.resolve(warm)
    }
    if (this.instances.size < this.limit) return Promise.resolve(this.spawn())
    if (this.throttles || this.waiting.length >= MAX_QUEUED) return Promise.resolve(undefined)
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  /** A cold instance; `retry` = the init Lambda repeats inside an invocation, without the init limit. */
  private spawn(retry = false): Instance {
    const fn = this.fn
    const instance = new Instance(
      fn,
      this.env,
      this.o.region,
      retry ? undefined : { ms: this.o.initTimeoutMs, clock: this.o.clock },
      (instance, m) => this.functionLine(instance, m),
      (requestId, resources) => {
        if (this.warnedPending) return
        this.warnedPending = true
        this.o.log(
          `${fn.name} ${requestId} WARN work was still running when the handler returned (${resources.join(', ')}); Lambda freezes it until this instance's next invocation, so it may run late or never: await it before returning (warned once per function)`,
          'error',
        )
      },
      (gone) => this.forget(gone),
    )
    instance.generation = this.generation
    this.instances.add(instance)
    return instance
  }

  /**
   * The code changed, as a deploy changes it: idle instances are shut down now, busy ones when their invocation
   * ends, so every invocation from here on that starts an instance imports the new code. Returns the instances that
   * had the old code.
   */
  redeploy(): number {
    this.generation++
    const old = this.instances.size
    for (const instance of [...this.idle]) instance.kill(lambdaError('Shutdown', 'code changed'))
    return old
  }

  /**
   * A console line of the function, within the log budget of the connection it serves; lines the worker left out
   * (beyond its per-invocation cap) are added to that budget's count of what was left out.
   */
  private functionLine(
    instance: Instance,
    m: Extract<WorkerMessage, { type: 'log' } | { type: 'log-left-out' }>,
  ): void {
    // Before its first invocation (the module's init) an instance serves no connection yet.
    const key = instance.connectionId
      ? functionLogKey(instance.connectionId)
      : `function logs of ${this.fn.name} (init)`
    if (m.type === 'log-left-out') {
      if (this.o.logInfo) this.o.functionLog.leftOut(key, m.info, 'info')
      this.o.functionLog.leftOut(key, m.error, 'error')
      return
    }
    const level = m.level === 'ERROR' ? 'error' : 'info'
    if (level === 'info' && !this.o.logInfo) return
    this.o.functionLog.line(key, `${this.fn.name} ${m.requestId} ${m.level} ${m.text}`, level)
  }

  /** Stops an instance whose init outlived the limit and starts the one that retries the init in its place. */
  private replace(instance: Instance, error: Error): Instance {
    instance.replaced = true
    instance.kill(error)
    return this.spawn(true)
  }

  private forget(instance: Instance): void {
    this.instances.delete(instance)
    const i = this.idle.indexOf(instance)
    if (i >= 0) this.idle.splice(i, 1)
    if (instance.replaced) return
    // Someone waiting for an instance gets a fresh one in place of the dead one.
    const next = this.waiting.shift()
    if (next) next(this.spawn())
  }

  private release(instance: Instance): void {
    if (instance.dead) return
    // Its code is out of date: its slot goes to a new instance (forget starts one for whoever waits).
    if (instance.generation !== this.generation) return instance.kill(lambdaError('Shutdown', 'code changed'))
    const next = this.waiting.shift()
    if (next) return next(instance)
    this.idle.push(instance)
    instance.idleTimer = this.o.clock.after(this.o.instanceIdleMs, () => {
      if (this.o.logInfo)
        this.o.log(
          `${this.fn.name} an instance idle for ${this.o.instanceIdleMs / 1000} s is shut down (--instance-idle-timeout); the next invocation starts cold`,
          'info',
        )
      instance.kill(lambdaError('Shutdown', 'idle'))
    })
  }

  async invoke(event: WebSocketEvent, requestId: string): Promise<Outcome> {
    const started = performance.now()
    const done = (o: RunResult): Outcome => {
      const durationMs = performance.now() - started
      if (!o.ok) return { kind: 'error', error: o.error, durationMs }
      return { kind: 'result', value: o.json === undefined ? undefined : (JSON.parse(o.json) as unknown), durationMs }
    }
    let instance = await this.acquire()
    if (!instance && this.closing) return done({ ok: false, error: shutdownError() })
    if (!instance) {
      this.o.log(
        `${this.fn.name} ${requestId} throttled: ${this.throttles ? `reserved concurrency ${this.limit} reached` : `${MAX_QUEUED} invocations already waiting`} (Lambda: TooManyRequestsException)`,
        'error',
      )
      return done({ ok: false, error: lambdaError('TooManyRequestsException', 'Rate Exceeded.') })
    }
    const cold = instance.invocations === 0
    const initStarted = performance.now()
    const timeoutMs = this.fn.timeoutSeconds * 1000
    // The function timeout: from the handler's start, or (after an init timeout) from the retried init's start.
    let timer: Timer | undefined
    let deadline = 0
    const startTimeout = (target: Instance) => {
      deadline = performance.now() + timeoutMs
      return new Promise<RunResult>((resolve) => {
        timer = this.o.clock.after(timeoutMs, () => {
          const error = lambdaError(
            'Sandbox.Timedout',
            `Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`,
          )
          this.o.log(`${this.fn.name} ${requestId} ${error.message}; the instance is stopped and replaced`, 'error')
          target.kill(error)
          resolve({ ok: false, error })
        })
      })
    }
    let timedOut: Promise<RunResult> | undefined
    let initError = await instance.ready
    // Stopped during its init by close(): the gateway's doing, not an init failure of the function.
    if (this.closing) return done({ ok: false, error: shutdownError() })
    if (initError instanceof InitTimeout) {
      this.o.log(
        `${this.fn.name} ${requestId} INIT timed out: the module's init took longer than ${this.o.initTimeoutMs / 1000} s (Lambda's init limit); as Lambda does, the init is retried in a new instance within the function's ${this.fn.timeoutSeconds} s timeout`,
        'error',
      )
      instance = this.replace(instance, initError)
      timedOut = startTimeout(instance)
      const retried = await Promise.race([instance.ready, timedOut])
      if (retried !== undefined && !(retried instanceof Error)) return done(retried)
      initError = retried
    }
    if (cold && !initError && this.o.logInfo)
      this.o.log(
        `${this.fn.name} ${requestId} INIT new instance (${this.size} of at most ${this.limit}) ready in ${Math.round(performance.now() - initStarted)} ms after its request`,
        'info',
      )
    if (initError) {
      timer?.cancel()
      instance.kill(initError)
      this.o.log(`${this.fn.name} ${requestId} init failed: ${initError.name}: ${initError.message}`, 'error')
      return done({ ok: false, error: initError })
    }
    if (cold && this.o.coldStartMs > 0)
      await new Promise<void>((resolve) => this.o.clock.after(this.o.coldStartMs, resolve))
    timedOut ??= startTimeout(instance)
    const remainingMs = Math.max(0, Math.round(deadline - performance.now()))
    const result = await Promise.race([instance.run(event, requestId, remainingMs), timedOut])
    timer?.cancel()
    this.release(instance)
    return done(result)
  }

  async close(): Promise<void> {
    this.closing = true
    for (const resolve of this.waiting.splice(0)) resolve(undefined)
    // An invocation in flight ends as stopped by the gateway, not as "Runtime exited with error: exit status 1".
    const instances = [...this.instances]
    for (const instance of instances) instance.kill(shutdownError())
    await Promise.all(instances.map((i) => i.worker.terminate()))
    this.instances.clear()
    this.idle.length = 0
  }
}

/** A function's process.env: Lambda's reserved variables, the file's environment, the function's own credentials. */
function lambdaEnvironment(
  fn: BackendFunction,
  o: RuntimeOptions,
  credentials: FunctionCredentials,
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    // The SDK's Node 20 end-of-support notice, once per instance, would bury the function's own log lines.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...fn.environment,
    LAMBDA_TASK_ROOT: dirname(fn.file),
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(fn.timeoutSeconds),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'local/[$LATEST]gateway',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: o.region,
    AWS_DEFAULT_REGION: o.region,
  }
  if (o.lambdaEnvironment) {
    env.AWS_ACCESS_KEY_ID = credentials.accessKeyId
    env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey
    env.AWS_SESSION_TOKEN = credentials.sessionToken
  }
  return env
}

/** Temporary credentials of one function's role (ASIA… like STS), in memory only. */
export function newFunctionCredentials(): FunctionCredentials {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const id = [...randomBytes(16)].map((b) => alphabet[b % 32]).join('')
  return {
    accessKeyId: `ASIA${id}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: randomBytes(96).toString('base64'),
  }
}

export class LambdaRuntime {
  private readonly pools = new Map<string, FunctionPool>()
  private readonly routes = new Map<string, { pool: FunctionPool; twoWay: boolean }>()

  constructor(
    backend: Backend,
    o: RuntimeOptions,
    readonly credentials: Map<string, FunctionCredentials>,
  ) {
    for (const fn of backend.functions) this.pools.set(fn.name, new FunctionPool(fn, o, credentials.get(fn.name)!))
    for (const route of backend.routes)
      this.routes.set(route.routeKey, { pool: this.pools.get(route.functionName)!, twoWay: route.twoWay })
  }

  has(routeKey: string): boolean {
    return this.routes.has(routeKey)
  }

  isTwoWay(routeKey: string): boolean {
    return this.routes.get(routeKey)?.twoWay ?? false
  }

  keys(): string[] {
    return [...this.routes.keys()]
  }

  /** Runs the route's function; the caller applies the integration timeout. */
  invoke(routeKey: string, event: WebSocketEvent, requestId: string): Promise<InvocationOutcome> {
    const route = this.routes.get(routeKey)
    if (!route)
      return Promise.resolve({ kind: 'error', error: new Error(`no function for route ${routeKey}`), durationMs: 0 })
    return route.pool.invoke(event, requestId)
  }

  /** The code changed: every function's next instances import it (see FunctionPool.redeploy). */
  redeploy(): { functions: number; oldInstances: number } {
    let oldInstances = 0
    for (const pool of this.pools.values()) oldInstances += pool.redeploy()
    return { functions: this.pools.size, oldInstances }
  }

  /** Live instances per function (for stats and tests). */
  instances(): Record<string, number> {
    return Object.fromEntries([...this.pools].map(([name, pool]) => [name, pool.size]))
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()))
  }
}
