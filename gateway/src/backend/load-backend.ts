import { readFileSync } from 'node:fs'
import { basename, extname, resolve } from 'node:path'
import { displayPath } from '../display-path'
import { HandlerModuleError, loadHandlerModule } from '../handlers'
import { parseCloudFormationYaml } from './cfn-yaml'
import {
  BackendError,
  LAMBDA_DEFAULT_MEMORY_MB,
  LAMBDA_DEFAULT_TIMEOUT_SECONDS,
  Problems,
  runtimeWarnings,
  type Backend,
} from './model'
import { isTemplate, loadSam } from './sam'
import { loadServerless } from './serverless'

/**
 * `--backend PATH`: a serverless.yml, a SAM/CloudFormation template (.yaml/.yml/.json), or a handlers module
 * (.ts/.js/.mjs/.cjs, today's `--handlers`). Problems are BackendErrors, one line each that names the file and the
 * part; a file's problems are reported together.
 */

export interface BackendLoadOptions {
  stage?: string
  region?: string
  apiId: string
  /** --parameter-overrides: SAM/CloudFormation parameters over their Default. */
  parameterOverrides?: Record<string, string>
}

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'])

export async function loadBackend(given: string, o: BackendLoadOptions): Promise<Backend> {
  const path = resolve(given)
  // Messages and the start-up table name the file relative to the current directory, or absolute when outside it.
  const file = displayPath(path)
  const ext = extname(path).toLowerCase()
  const overrides = Object.keys(o.parameterOverrides ?? {})
  const noParameters = (what: string) =>
    new BackendError(
      `--parameter-overrides ${overrides.join(', ')}: ${file} is ${what}; parameter overrides apply to SAM/CloudFormation templates`,
    )
  if (MODULE_EXTENSIONS.has(ext)) {
    if (overrides.length > 0) throw noParameters('a handlers module')
    return loadModuleBackend(file, path)
  }
  if (!['.yml', '.yaml', '.json'].includes(ext))
    throw new BackendError(
      `--backend ${file}: expected serverless.yml, a SAM/CloudFormation template (.yaml, .json) or a handlers module (.ts, .js)`,
    )
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new BackendError(`--backend ${file}: ${(error as Error).message}`)
  }
  const { value, warnings } = parseCloudFormationYaml(text, file)
  const problems = new Problems()
  const options = {
    path,
    file,
    stage: o.stage,
    region: o.region,
    apiId: o.apiId,
    parameterOverrides: o.parameterOverrides,
    problems,
  }
  if (!isTemplate(value) && overrides.length > 0)
    throw noParameters('a serverless.yml (its ${opt:…} variables take --stage and --region)')
  let backend: Backend | undefined
  // A problem that stops the loader (no API at all…) comes after the ones it noted on the way.
  problems.check(() => {
    backend = isTemplate(value) ? loadSam(value, options) : loadServerless(value, options)
  })
  if (problems.list.length > 0 || !backend) throw problems.error(file)
  backend.warnings.unshift(...warnings)
  backend.warnings.push(...runtimeWarnings(backend.functions))
  return backend
}

/** A handlers module: each route is its own function (as if deployed route by route), with Lambda's defaults. */
async function loadModuleBackend(file: string, path: string): Promise<Backend> {
  let mod
  try {
    mod = await loadHandlerModule(path, file)
  } catch (error) {
    if (error instanceof HandlerModuleError) throw new BackendError(error.message)
    throw error
  }
  const base = basename(path).replace(/\.[^.]+$/, '')
  const twoWay = new Set(mod.routeResponses ?? [])
  const entries = Object.entries(mod.handlers).filter(([, fn]) => typeof fn === 'function')
  if (entries.length === 0) throw new BackendError(`handlers module ${file} defines no routes`)
  const functions = entries.map(([routeKey]) => ({
    name: `${base}-${routeKey.replace(/^\$/, '')}`,
    key: routeKey,
    file: path,
    exportPath: ['handlers', routeKey],
    handlerText: `handlers.${routeKey}`,
    timeoutSeconds: LAMBDA_DEFAULT_TIMEOUT_SECONDS,
    memoryMb: LAMBDA_DEFAULT_MEMORY_MB,
    // A module declares no runtime: the gateway's own Node.js.
    runtime: `nodejs${process.versions.node.split('.')[0]}.x`,
    environment: {},
    role: { roleName: `${base}-role`, statements: undefined, source: 'a handlers module says nothing about its role' },
  }))
  return {
    kind: 'module',
    file,
    functions,
    routes: functions.map((f) => ({ routeKey: f.key, functionName: f.name, twoWay: twoWay.has(f.key) })),
    warnings: [],
  }
}
