// @ts-check
/**
 * One Lambda instance: a worker thread that imports the user's handler once and runs one invocation at a time,
 * with a Lambda `context`, callback-style handlers, `console` sent to the gateway's log with the request id, and
 * a freeze between invocations (the thread blocks on Atomics.wait until the next one, so timers and requests left
 * running after the handler returned wait, as Lambda freezes its sandbox).
 *
 * Plain JavaScript on purpose: a worker starts without a TypeScript loader (under vitest, or node without tsx); tsx is
 * registered only for .ts handlers. It is typechecked all the same (checkJs in gateway/tsconfig.json), against the
 * message types in worker-protocol.ts.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { pathToFileURL } from 'node:url'
import { format } from 'node:util'
import { provideRuntimeSdk } from './runtime-sdk.mjs'

/** @typedef {import('./worker-protocol.ts').WorkerSetup} WorkerSetup */
/** @typedef {import('./worker-protocol.ts').InvokeMessage} InvokeMessage */
/** @typedef {import('./worker-protocol.ts').WorkerMessage} WorkerMessage */
/** @typedef {import('./worker-protocol.ts').SerializedError} SerializedError */

const parent = /** @type {import('node:worker_threads').MessagePort} */ (parentPort)
/** Every message to the runtime goes through here, so its shape is checked. */
const post = (/** @type {WorkerMessage} */ message) => parent.postMessage(message)
const setup = /** @type {WorkerSetup} */ (workerData)
const flag = new Int32Array(setup.flag)
const MAX_LOG_CHARS = 256 * 1024
/**
 * Console lines one invocation may send to the gateway; the rest are only counted (and the count sent with the
 * result), so a handler logging in a loop cannot flood the message port or the gateway's memory. The gateway then
 * applies its per-connection budget (50 lines, then 10 a second) on top.
 */
const MAX_LINES_PER_INVOCATION = 100
let linesSent = 0
/** Lines left out in this invocation, by the gateway's log level. */
const linesLeftOut = { info: 0, error: 0 }

/** The request id console lines belong to (Lambda keeps stamping the last one after a return, too). */
let currentRequestId = ''

/**
 * @param {unknown} error
 * @returns {SerializedError}
 */
function serializeError(error) {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack }
  let message
  try {
    message = JSON.stringify(error)
  } catch {
    message = String(error)
  }
  return { name: 'Error', message: `non-Error thrown: ${message}` }
}

/** @type {[keyof Console, string][]} */
const CONSOLE_LEVELS = [
  ['log', 'INFO'],
  ['info', 'INFO'],
  ['warn', 'WARN'],
  ['error', 'ERROR'],
  ['debug', 'DEBUG'],
  ['trace', 'TRACE'],
]
for (const [method, level] of CONSOLE_LEVELS) {
  Object.defineProperty(console, method, {
    value: (/** @type {unknown[]} */ ...args) => {
      if (linesSent >= MAX_LINES_PER_INVOCATION) {
        linesLeftOut[level === 'ERROR' ? 'error' : 'info']++
        return
      }
      linesSent++
      let text = format(...args)
      if (text.length > MAX_LOG_CHARS) text = text.slice(0, MAX_LOG_CHARS) + ' …(truncated)'
      post({ type: 'log', requestId: currentRequestId, level, text })
    },
    configurable: true,
    writable: true,
  })
}

/** @returns {Map<string, number>} */
function activeResources() {
  const counts = new Map()
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1)
  return counts
}

/** Resources alive now that were not alive before the invocation (timers, sockets, file reads…). */
function leftOver(/** @type {Map<string, number>} */ before, ignoreTimers = 0) {
  const out = []
  for (const [type, count] of activeResources()) {
    const extra = count - (before.get(type) ?? 0) - (type === 'Timeout' ? ignoreTimers : 0)
    if (extra > 0) out.push(extra > 1 ? `${type} ×${extra}` : type)
  }
  return out
}

async function loadHandler() {
  const url = pathToFileURL(setup.file).href
  /** @type {Record<string, unknown>} */
  let mod
  // The init limit counts from here: the worker's and tsx's own start-up are the emulator's, not the function's.
  if (setup.typescript) {
    const { tsImport } = await import('tsx/esm/api')
    post({ type: 'init-start' })
    mod = await tsImport(url, import.meta.url)
  } else {
    post({ type: 'init-start' })
    mod = await import(url)
  }
  /** @type {unknown} */
  let target = mod
  for (const [i, key] of setup.exportPath.entries()) {
    const holder = /** @type {Record<string, unknown> | undefined} */ (target)
    // CommonJS modules arrive as { default: module.exports }.
    let next = holder?.[key]
    if (next === undefined && i === 0) next = /** @type {Record<string, unknown> | undefined} */ (mod.default)?.[key]
    target = next
  }
  if (typeof target !== 'function') {
    // Lambda's words (Runtime.HandlerNotFound), plus the file it was looked for in.
    const error = new Error(
      `${setup.handlerText} ${target === undefined ? 'is undefined or not exported' : 'is not a function'} (in ${setup.fileShown})`,
    )
    error.name = 'Runtime.HandlerNotFound'
    throw error
  }
  return /** @type {Handler} */ (target)
}

/** @typedef {(event: unknown, context: unknown, callback: unknown) => unknown} Handler */

/**
 * Runs the handler to its result: an async handler's promise, or a callback-style handler's callback.
 * @param {Handler} handler
 * @param {unknown} event
 * @param {Record<string, unknown>} context
 * @returns {Promise<{ value: unknown, viaCallback: boolean }>}
 */
function run(handler, event, context) {
  return new Promise((resolve, reject) => {
    let done = false
    /**
     * Lambda's callback: an error (anything but null/undefined) fails the invocation, else `value` is the result.
     * @param {unknown} error
     * @param {unknown} [value]
     */
    const callback = (error, value) => {
      if (done) return
      done = true
      if (error !== null && error !== undefined) reject(error)
      else resolve({ value, viaCallback: true })
    }
    context.done = callback
    context.succeed = (/** @type {unknown} */ value) => callback(null, value)
    context.fail = (/** @type {unknown} */ error) => callback(error ?? new Error('failed'))
    let returned
    try {
      returned = handler(event, context, callback)
    } catch (error) {
      return callback(error)
    }
    const thenable = /** @type {{ then?: unknown } | undefined} */ (returned)
    if (thenable && typeof thenable.then === 'function') {
      ;/** @type {Promise<unknown>} */ (returned).then(
        (value) => {
          if (!done) {
            done = true
            resolve({ value, viaCallback: false })
          }
        },
        (error) => callback(error ?? new Error('the handler rejected without a reason')),
      )
    } else if (handler.length < 3) {
      // A synchronous handler without a callback parameter: its return value is the result.
      callback(null, returned)
    }
  })
}

/** callbackWaitsForEmptyEventLoop: a callback-style result is sent once nothing else is pending (or at the deadline). */
async function waitForEmptyLoop(/** @type {Map<string, number>} */ before, /** @type {number} */ deadline) {
  while (Date.now() < deadline && leftOver(before, 1).length > 0) await new Promise((r) => setTimeout(r, 2))
}

let thawed = false

function freeze() {
  while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0)
  Atomics.store(flag, 0, 0)
  thawed = true
}

/** @type {Handler | undefined} */
let handler
try {
  provideRuntimeSdk(setup.runtime)
  handler = await loadHandler()
  post({ type: 'ready' })
} catch (error) {
  post({ type: 'init-error', error: serializeError(error) })
}

parent.on('message', async (/** @type {InvokeMessage} */ message) => {
  if (message.type !== 'invoke' || !handler) return
  if (thawed) {
    // Timers that came due while frozen run first, as they do when Lambda thaws a sandbox. This message arrived in
    // the poll phase; the next turn's timers phase runs them, and the second check phase comes after it. (A
    // setTimeout(0) would do the same but waits at least 1 ms on every warm invocation.)
    thawed = false
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setImmediate(resolve))
  }
  currentRequestId = message.requestId
  const deadline = Date.now() + message.remainingMs
  const name = setup.functionName
  const context = {
    awsRequestId: message.requestId,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${setup.region}:${setup.accountId}:function:${name}`,
    memoryLimitInMB: String(setup.memoryMb),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local/[$LATEST]gateway',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  }
  const before = activeResources()
  try {
    const { value, viaCallback } = await run(handler, message.event, context)
    if (viaCallback && context.callbackWaitsForEmptyEventLoop) await waitForEmptyLoop(before, deadline)
    let json
    try {
      json = value === undefined ? undefined : JSON.stringify(value)
    } catch (error) {
      throw Object.assign(new Error(`Unable to stringify the response: ${/** @type {Error} */ (error).message}`), {
        name: 'Runtime.MarshalError',
      })
    }
    post({ type: 'result', id: message.id, ok: true, json })
  } catch (error) {
    post({ type: 'result', id: message.id, ok: false, error: serializeError(error) })
  }
  if (linesLeftOut.info + linesLeftOut.error > 0)
    post({ type: 'log-left-out', requestId: message.requestId, ...linesLeftOut, limit: MAX_LINES_PER_INVOCATION })
  linesSent = 0
  linesLeftOut.info = linesLeftOut.error = 0
  const pending = leftOver(before)
  if (pending.length > 0) post({ type: 'pending', id: message.id, requestId: message.requestId, resources: pending })
  freeze()
})
