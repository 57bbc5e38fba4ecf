import { basename, dirname } from 'node:path'
import { resolveHandler } from './handler-file'
import { MANAGED_POLICIES, awsManagedPolicyName, statementProblems, toStatements } from './iam'
import { Resolver, type TemplateResource } from './intrinsics'
import {
  BackendError,
  checkNodeRuntime,
  LOCAL_ACCOUNT_ID,
  functionSettings,
  routeSelection,
  type Problems,
  type Backend,
  type BackendFunction,
  type BackendRoute,
  type PolicyStatement,
  type RolePermissions,
} from './model'
import { ServerlessVariables } from './serverless-vars'
import { routeKeyProblem } from '../route-keys'

/**
 * serverless.yml (Serverless Framework v3/v4, provider aws): functions with `websocket` events become the API's
 * routes. Defaults are the framework's (timeout 6 s, memory 1024 MB, stage dev, region us-east-1), and so is the
 * role: one role for every function, with the file's statements plus the `execute-api:ManageConnections` statement
 * the framework adds when a service has websocket events.
 */

export interface LoadOptions {
  /** Absolute path of the file. */
  path: string
  /** The file as the user gave it, for messages. */
  file: string
  /** --stage / --region when given on the command line (they win, like `serverless deploy --stage`). */
  stage?: string
  region?: string
  apiId: string
  /** --parameter-overrides (templates only). */
  parameterOverrides?: Record<string, string>
  /** Where each function's, route's and parameter's problems are noted, to be reported together. */
  problems: Problems
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const asObject = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {})

/** The framework's logical id for a function: `send-message` → `SendDashmessageLambdaFunction`. */
export function functionLogicalId(key: string): string {
  const normalized = key.replace(/-/g, 'Dash').replace(/_/g, 'Underscore')
  return normalized.charAt(0).toUpperCase() + normalized.slice(1) + 'LambdaFunction'
}

export function envStrings(value: unknown, where: string, warn: (m: string) => void): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, v] of Object.entries(asObject(value))) {
    if (v === undefined || v === null) continue
    if (typeof v === 'object') {
      warn(`${where}.${name}: not a string after resolving (${JSON.stringify(v).slice(0, 80)}); passed as JSON`)
      out[name] = JSON.stringify(v)
    } else out[name] = String(v)
  }
  return out
}

export function loadServerless(doc: unknown, o: LoadOptions): Backend {
  if (!isObject(doc)) throw new BackendError('not a serverless.yml (expected a mapping at the top)')
  const warnings: string[] = []
  const warn = (m: string) => warnings.push(m)
  const rawProvider = asObject(doc.provider)
  if (rawProvider.name !== undefined && rawProvider.name !== 'aws')
    throw new BackendError(`provider.name is ${JSON.stringify(rawProvider.name)}; only aws is supported`)

  let stage = o.stage ?? 'dev'
  let region = o.region ?? 'us-east-1'
  const vars = new ServerlessVariables(doc, {
    stage: () => stage,
    region: () => region,
    accountId: LOCAL_ACCOUNT_ID,
    options: { stage: o.stage, region: o.region },
    warn,
  })
  // Stage and region first: other variables (${sls:stage}) depend on them.
  const fileStage = vars.resolve(rawProvider.stage, 'provider.stage')
  stage = o.stage ?? (fileStage === undefined || fileStage === '' ? 'dev' : String(fileStage))
  const fileRegion = vars.resolve(rawProvider.region, 'provider.region')
  region = o.region ?? (fileRegion === undefined || fileRegion === '' ? 'us-east-1' : String(fileRegion))
  const provider = asObject(vars.resolve(rawProvider, 'provider'))
  const service = String(
    vars.resolve(isObject(doc.service) ? doc.service.name : doc.service, 'service') ?? basename(dirname(o.path)),
  )
  const functionsIn = asObject(vars.resolve(doc.functions, 'functions'))
  const userResources = asObject(asObject(vars.resolve(doc.resources, 'resources')).Resources)

  const plugins = Array.isArray(doc.plugins)
    ? doc.plugins
    : isObject(doc.plugins)
      ? ((doc.plugins.modules as unknown[]) ?? [])
      : []
  if (plugins.length > 0)
    warn(`plugins are not run (${plugins.map(String).join(', ')}): the gateway loads each handler's source itself`)

  // The names the framework gives the API and the functions in the compiled template, for Ref/GetAtt.
  const functionName = (key: string, fn: Record<string, unknown>) =>
    fn.name === undefined ? `${service}-${stage}-${key}` : String(fn.name)
  const resources: Record<string, TemplateResource> = {
    ...(userResources as Record<string, TemplateResource>),
    WebsocketsApi: { Type: 'AWS::ApiGatewayV2::Api' },
    IamRoleLambdaExecution: { Type: 'AWS::IAM::Role' },
  }
  const byLogicalId = new Map<string, string>()
  for (const [key, fn] of Object.entries(functionsIn)) {
    const id = functionLogicalId(key)
    resources[id] = { Type: 'AWS::Lambda::Function' }
    byLogicalId.set(id, functionName(key, asObject(fn)))
  }
  const defaultRoleName = `${service}-${stage}-${region}-lambdaRole`
  const resolver = new Resolver({
    region,
    accountId: LOCAL_ACCOUNT_ID,
    stackName: `${service}-${stage}`,
    parameters: {},
    resources,
    conditions: asObject(asObject(doc.resources).Conditions),
    mappings: asObject(asObject(doc.resources).Mappings),
    refOf: (id, r) => {
      if (id === 'WebsocketsApi') return o.apiId
      if (id === 'IamRoleLambdaExecution') return defaultRoleName
      if (byLogicalId.has(id)) return byLogicalId.get(id)
      if (r.Type === 'AWS::IAM::Role') return String(asObject(r.Properties).RoleName ?? id)
      return undefined
    },
    attributeOf: (id, attribute, r) => {
      if (byLogicalId.has(id) && attribute === 'Arn')
        return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${byLogicalId.get(id)}`
      if (r.Type === 'AWS::IAM::Role' && attribute === 'Arn')
        return `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${id === 'IamRoleLambdaExecution' ? defaultRoleName : String(asObject(r.Properties).RoleName ?? id)}`
      return undefined
    },
    warn,
  })
  const resolve = (value: unknown, where: string) => resolver.resolve(value, where)

  const iam = asObject(provider.iam)
  const providerRole = iam.role ?? provider.role
  const defaultRole = roleFromProvider(providerRole, provider, resolve, warn, defaultRoleName, userResources)
  const providerEnv = envStrings(resolve(provider.environment, 'provider.environment'), 'provider.environment', warn)
  const dir = dirname(o.path)

  const functions: BackendFunction[] = []
  const routes: BackendRoute[] = []
  const withoutWebsocket: string[] = []
  for (const [key, rawFn] of Object.entries(functionsIn)) {
    const fn = asObject(rawFn)
    const where = `functions.${key}`
    const events = Array.isArray(fn.events) ? fn.events.map(asObject) : []
    const ws = events.filter((e) => 'websocket' in e).map((e) => e.websocket)
    if (ws.length === 0) {
      withoutWebsocket.push(key)
      continue
    }
    const check = (f: () => void) => o.problems.check(f)
    const noted = o.problems.list.length
    if (fn.image !== undefined)
      check(() => {
        throw new BackendError(`${where}: container images are not supported (only Node.js handlers)`)
      })
    const runtime = String(fn.runtime ?? provider.runtime ?? 'nodejs20.x')
    check(() => checkNodeRuntime(runtime, where))
    let handler: { file: string; exportPath: string[] } | undefined
    check(() => {
      if (typeof fn.handler !== 'string') throw new BackendError(`${where}: no handler`)
      handler = resolveHandler(dir, fn.handler, where)
    })
    // The framework's defaults: 6 s, 1024 MB.
    const settings = functionSettings(
      o.problems,
      where,
      {
        timeout: { value: fn.timeout ?? provider.timeout, name: 'timeout' },
        memory: { value: fn.memorySize ?? provider.memorySize, name: 'memorySize' },
        reserved: { value: fn.reservedConcurrency, name: 'reservedConcurrency' },
      },
      { timeoutSeconds: 6, memoryMb: 1024 },
    )
    if (fn.layers !== undefined || provider.layers !== undefined) warn(`${where}: layers are not loaded`)
    const name = functionName(key, fn)
    for (const event of ws)
      check(() => {
        const spec = typeof event === 'string' ? { route: event } : asObject(event)
        const routeKey = spec.route
        if (typeof routeKey !== 'string' || routeKey === '')
          throw new BackendError(`${where}: a websocket event needs a route`)
        const problem = routeKeyProblem(routeKey)
        if (problem) throw new BackendError(`${where}: websocket route: ${problem}`)
        if (routes.some((r) => r.routeKey === routeKey))
          throw new BackendError(`${where}: route ${routeKey} is defined twice`)
        const selection = spec.routeResponseSelectionExpression
        if (selection !== undefined && selection !== '$default')
          warn(
            `${where}: routeResponseSelectionExpression ${JSON.stringify(selection)} is not supported; only $default makes ${routeKey} two-way`,
          )
        if (spec.authorizer !== undefined)
          warn(`${where}: the authorizer on ${routeKey} is not emulated; ${routeKey} runs without it`)
        routes.push({ routeKey, functionName: name, twoWay: selection === '$default' })
      })
    if (o.problems.list.length > noted || !handler) continue
    const role =
      fn.role !== undefined ? roleFromProvider(fn.role, {}, resolve, warn, `${name}-role`, userResources) : defaultRole
    if (fn.iamRoleStatements !== undefined)
      warn(`${where}.iamRoleStatements (serverless-iam-roles-per-function) is not read; the provider role applies`)
    functions.push({
      name,
      key,
      file: handler.file,
      exportPath: handler.exportPath,
      handlerText: String(fn.handler),
      ...settings,
      runtime,
      environment: {
        ...providerEnv,
        ...envStrings(resolve(fn.environment, `${where}.environment`), `${where}.environment`, warn),
      },
      role,
    })
  }
  if (withoutWebsocket.length > 0)
    warn(
      `functions without websocket events are not part of the WebSocket API and not loaded: ${withoutWebsocket.join(', ')}`,
    )
  if (routes.length === 0 && o.problems.list.length === 0) throw new BackendError('no function has a websocket event')

  return {
    kind: 'serverless',
    file: o.file,
    stage,
    region,
    routeSelectionExpression: routeSelection(
      provider.websocketsApiRouteSelectionExpression,
      'provider.websocketsApiRouteSelectionExpression',
      o.problems,
      warn,
    ),
    functions,
    routes,
    warnings,
  }
}

/** The role a function runs with: the framework's default role, or one named in the file, or an unknown ARN. */
function roleFromProvider(
  role: unknown,
  provider: Record<string, unknown>,
  resolve: (v: unknown, where: string) => unknown,
  warn: (m: string) => void,
  defaultName: string,
  resources: Record<string, unknown>,
): RolePermissions {
  const roleValue = isObject(role) && ('Fn::GetAtt' in role || 'Ref' in role) ? resolve(role, 'role') : role
  if (typeof roleValue === 'string') {
    const id = roleValue.startsWith('arn:') ? undefined : roleValue.split('.')[0]!
    const resource = id ? asObject(resources[id]) : undefined
    if (resource && resource.Type === 'AWS::IAM::Role') return roleResource(id!, resource, resolve, warn)
    return { roleName: roleValue, statements: undefined, source: `role ${roleValue} is not defined in the file` }
  }
  const spec = asObject(role)
  const statements: PolicyStatement[] = []
  const raw = toStatements(resolve(spec.statements ?? provider.iamRoleStatements, 'provider.iam.role.statements'))
  raw.forEach((s, i) => statementProblems(s, `provider.iam.role.statements[${i}]`).forEach(warn))
  statements.push(...raw)
  const managed = (resolve(spec.managedPolicies ?? provider.iamManagedPolicies, 'provider.iam.role.managedPolicies') ??
    []) as unknown[]
  for (const arn of Array.isArray(managed) ? managed : []) statements.push(...managedStatements(String(arn), warn))
  // What the framework adds to its default role when the service has websocket events.
  statements.push({
    Effect: 'Allow',
    Action: ['execute-api:ManageConnections'],
    Resource: ['arn:aws:execute-api:*:*:*/@connections/*'],
  })
  return {
    roleName: typeof spec.name === 'string' ? spec.name : defaultName,
    statements,
    source:
      "the framework's default role (its statements, plus ManageConnections on arn:aws:execute-api:*:*:*/@connections/*)",
  }
}

export function managedStatements(arn: string, warn: (m: string) => void): PolicyStatement[] {
  const name = awsManagedPolicyName(arn)
  if (name === undefined) {
    warn(`managed policy ${arn} is not in the file; it is assumed to grant nothing on @connections`)
    return []
  }
  return MANAGED_POLICIES[name] ?? []
}

/** An AWS::IAM::Role resource of the file: its inline policies and managed policies. */
export function roleResource(
  id: string,
  resource: Record<string, unknown>,
  resolve: (v: unknown, where: string) => unknown,
  warn: (m: string) => void,
): RolePermissions {
  const props = asObject(resource.Properties)
  const statements: PolicyStatement[] = []
  const policies = resolve(props.Policies, `Resources.${id}.Properties.Policies`)
  for (const [i, policy] of (Array.isArray(policies) ? policies : []).entries()) {
    const list = toStatements(asObject(policy).PolicyDocument)
    list.forEach((s, j) => statementProblems(s, `Resources.${id}.Policies[${i}].Statement[${j}]`).forEach(warn))
    statements.push(...list)
  }
  const managed = resolve(props.ManagedPolicyArns, `Resources.${id}.Properties.ManagedPolicyArns`)
  for (const arn of Array.isArray(managed) ? managed : []) statements.push(...managedStatements(String(arn), warn))
  return { roleName: String(props.RoleName ?? id), statements, source: `role ${id} in the file` }
}
