// @ts-check
/**
 * The `import` half of runtime-sdk.mjs: module hooks (they run in Node's loader thread, registered by
 * provideRuntimeSdk) that resolve a bare `@aws-sdk/…` or `@smithy/…` specifier the function cannot resolve from the
 * gateway's own node_modules, as Lambda's runtime-included SDK v3 answers it.
 */
import { explained, RUNTIME_PACKAGE } from './runtime-sdk.mjs'

let parentURL = ''
let runtime = ''

/** @param {{ parentURL: string, runtime: string }} data */
export function initialize(data) {
  parentURL = data.parentURL
  runtime = data.runtime
}

/**
 * @param {string} specifier
 * @param {{ parentURL?: string }} context
 * @param {(specifier: string, context?: object) => Promise<unknown>} next
 */
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context)
  } catch (error) {
    if (!RUNTIME_PACKAGE.test(specifier) || /** @type {{ code?: string }} */ (error).code !== 'ERR_MODULE_NOT_FOUND')
      throw error
    try {
      return await next(specifier, { ...context, parentURL })
    } catch {
      throw explained(error, specifier, runtime)
    }
  }
}
