// @ts-check
/**
 * The AWS SDK that Lambda's Node.js runtimes include. From nodejs18.x on, a function may import `@aws-sdk/*` (and
 * the `@smithy/*` packages under it) without shipping them: the runtime has SDK v3 in its own node_modules, searched
 * after the function's (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html). A project deployed that
 * way must run here too, so a bare `@aws-sdk/…` or `@smithy/…` specifier the function's code cannot resolve is
 * resolved from the gateway's own node_modules, for `require` and `import` alike. The function's own copy wins, as on
 * Lambda. The gateway has only the packages it uses itself (the `@connections` client among them), not the whole
 * SDK: a package it lacks fails with the usual error plus what to do about it.
 *
 * Plain JavaScript: it runs in the Lambda worker, which starts without a TypeScript loader.
 */
import Module, { register } from 'node:module'

const RUNTIME_PACKAGE = /^@(aws-sdk|smithy)\//
/** Where the gateway's own packages resolve from: this file's directory, then upwards. */
const GATEWAY_PARENT = import.meta.url

/**
 * The original error, with what Lambda would have done and what to do locally.
 * @param {unknown} error
 * @param {string} specifier
 * @param {string} runtime
 */
function explained(error, specifier, runtime) {
  if (!(error instanceof Error)) return error
  const name = specifier.split('/').slice(0, 2).join('/')
  error.message +=
    `\n(Lambda's ${runtime} runtime includes the AWS SDK v3, so this import works once deployed; the local ` +
    `gateway lends only the SDK packages it has installed itself, and ${name} is not one of them: ` +
    `install it in your project, e.g. npm install ${name})`
  return error
}

/**
 * Installs the fallback for this thread (the worker of one function instance), when the runtime includes SDK v3.
 * @param {string} runtime e.g. nodejs20.x
 */
export function provideRuntimeSdk(runtime) {
  const major = Number(/^nodejs(\d+)/.exec(runtime)?.[1] ?? 0)
  if (major < 18) return // nodejs16.x and older shipped SDK v2 (`aws-sdk`), which the gateway does not have

  // require(): Node's CommonJS resolver, wrapped (tsx and others wrap it the same way).
  const cjs = /** @type {{ _resolveFilename: (request: string, parent: unknown, ...rest: unknown[]) => string }} */ (
    /** @type {unknown} */ (Module)
  )
  const resolveFilename = cjs._resolveFilename
  cjs._resolveFilename = function (request, parent, ...rest) {
    try {
      return resolveFilename.call(this, request, parent, ...rest)
    } catch (error) {
      if (!RUNTIME_PACKAGE.test(request) || /** @type {{ code?: string }} */ (error).code !== 'MODULE_NOT_FOUND')
        throw error
      try {
        return resolveFilename.call(this, request, parent, false, { paths: [new URL('.', GATEWAY_PARENT).pathname] })
      } catch {
        throw explained(error, request, runtime)
      }
    }
  }

  // import: a resolve hook in the loader thread, given the same fallback parent.
  register(new URL('./runtime-sdk-hooks.mjs', import.meta.url), {
    data: { parentURL: GATEWAY_PARENT, runtime },
  })
}

export { explained, RUNTIME_PACKAGE }
