import { basename, dirname, resolve as resolvePath } from 'node:path'
import { existingDir, resolveHandler } from './handler-file'
import { statementProblems, toStatements } from './iam'
import { Resolver, type TemplateResource } from './intrinsics'
import {
  BackendError,
  checkNodeRuntime,
  LAMBDA_DEFAULT_MEMORY_MB,
  LAMBDA_DEFAULT_TIMEOUT_SECONDS,
  LOCAL_ACCOUNT_ID,
  functionSettings,
  routeSelection,
  type Backend,
  type BackendFunction,
  type BackendRoute,
  type PolicyStatement,
  type Problems,
  type RolePermissions,
} from './model'
import { envStrings, managedStatements, roleResource, type LoadOptions } from './serverless'
import { routeKeyProblem } from '../route-keys'

/**
 * A SAM or plain CloudFormation template: the WEBSOCKET `AWS::ApiGatewayV2::Api`, its Routes and AWS_PROXY
 * Integrations (and RouteResponses for two-way routes), wired to `AWS::Serverless::Function` or
 * `AWS::Lambda::Function` resources; Globals, Parameters (their Default), Conditions and intrinsics resolved offline.
 */

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const asObject = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {})

/** True when the parsed YAML looks like a CloudFormation template rather than a serverless.yml. */
export function isTemplate(doc: unknown): boolean {
  return isObject(doc) && isObject(doc.Resources) && !('service' in doc)
}

/** The logical id a Ref/GetAtt/Sub names in a resolved string like `integrations/Integration`. */
function lastSegment(value: unknown): string {
  return String(value).split('/').pop()!
}

export function loadSam(doc: unknown, o: LoadOptions): Backend {
  if (!isTemplate(doc)) throw new BackendError('not a CloudFormation template (no Resources)')
  const t = doc as Record<string, unknown>
  const warnings: string[] = []
  const warn = (m: string) => warnings.push(m)
  const dir = dirname(o.path)
  const stackName = basename(dir).replace(/[^A-Za-z0-9-]/g, '-') || 'local'
  const resources = asObject(t.Resources) as Record<string, TemplateResource>
  const transforms = [t.Transform]
    .flat()
    .filter((x) => x !== undefined)
    .map(String)
  for (const tr of transforms) if (tr !== 'AWS::Serverless-2016-10-31') warn(`Transform ${tr} is not applied`)

  const byType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type)
  if (byType('AWS::Serverless::WebSocketApi').length > 0)
    throw new BackendError(
      `AWS::Serverless::WebSocketApi is not supported; use AWS::ApiGatewayV2::Api, Route and Integration`,
    )
  const apis = byType('AWS::ApiGatewayV2::Api').filter(([, r]) => asObject(r.Properties).ProtocolType === 'WEBSOCKET')
  if (apis.length === 0) throw new BackendError('no AWS::ApiGatewayV2::Api with ProtocolType WEBSOCKET')
  if (apis.length > 1)
    throw new BackendError(
      `${apis.length} WebSocket APIs (${apis.map(([id]) => id).join(', ')}); the gateway serves one`,
    )
  const [apiId, api] = apis[0]!
  const parameters = templateParameters(t, apiId, o)

  const region = o.region ?? 'us-east-1'
  const globals = asObject(asObject(t.Globals).Function)
  const functionName = (id: string) => {
    const props = asObject(resources[id]?.Properties)
    return typeof props.FunctionName === 'string' ? props.FunctionName : `${stackName}-${id}`
  }
  let stage = o.stage
  const resolver = new Resolver({
    region,
    accountId: LOCAL_ACCOUNT_ID,
    stackName,
    parameters,
    resources,
    conditions: asObject(t.Conditions),
    mappings: asObject(t.Mappings),
    refOf: (id, r) => {
      switch (r.Type) {
        case 'AWS::ApiGatewayV2::Api':
          return o.apiId
        case 'AWS::ApiGatewayV2::Stage':
          return stage ?? id
        case 'AWS::Serverless::Function':
        case 'AWS::Lambda::Function':
          return functionName(id)
        case 'AWS::ApiGatewayV2::Integration':
        case 'AWS::ApiGatewayV2::Route':
        case 'AWS::ApiGatewayV2::RouteResponse':
        case 'AWS::ApiGatewayV2::Deployment':
        case 'AWS::ApiGatewayV2::Authorizer':
        case 'AWS::Lambda::Permission':
          return id
        case 'AWS::IAM::Role':
          return String(asObject(r.Properties).RoleName ?? `${stackName}-${id}`)
        case 'AWS::IAM::ManagedPolicy':
          return `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/${id}`
        default:
          return undefined
      }
    },
    attributeOf: (id, attribute, r) => {
      if ((r.Type === 'AWS::Serverless::Function' || r.Type === 'AWS::Lambda::Function') && attribute === 'Arn')
        return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName(id)}`
      if (r.Type === 'AWS::IAM::Role' && attribute === 'Arn')
        return `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${String(asObject(r.Properties).RoleName ?? `${stackName}-${id}`)}`
      if (r.Type === 'AWS::ApiGatewayV2::Api' && attribute === 'ApiId') return o.apiId
      if (r.Type === 'AWS::ApiGatewayV2::Api' && attribute === 'ApiEndpoint')
        return `wss://${o.apiId}.execute-api.${region}.amazonaws.com`
      return undefined
    },
    warn,
  })
  const resolve = (value: unknown, where: string) => resolver.resolve(value, where)
  const active = (id: string, r: TemplateResource) => resolver.condition(r.Condition, `Resources.${id}`)
  const belongsToApi = (id: string, r: TemplateResource) =>
    active(id, r) && resolve(asObject(r.Properties).ApiId, `Resources.${id}.Properties.ApiId`) === o.apiId

  const apiProps = asObject(resolve(api.Properties, `Resources.${apiId}.Properties`))
  if (apiProps.Body !== undefined || apiProps.BodyS3Location !== undefined)
    throw new BackendError(
      `Resources.${apiId}: an OpenAPI Body is not supported; declare Routes and Integrations as resources`,
    )

  const stages = byType('AWS::ApiGatewayV2::Stage').filter(([id, r]) => belongsToApi(id, r))
  if (stages.length > 1) warn(`${stages.length} stages for ${apiId}; the first (${stages[0]![0]}) is served`)
  if (stages.length > 0) {
    const [stageId, s] = stages[0]!
    const props = asObject(resolve(s.Properties, `Resources.${stageId}.Properties`))
    const templateStage = String(props.StageName ?? 'dev')
    // A StageName parameter was set to --stage already (templateParameters); a fixed name cannot follow it.
    if (stage === undefined) stage = templateStage
    else if (templateStage !== stage)
      warn(
        `--stage ${stage}: Resources.${stageId}.StageName is ${templateStage} and not a parameter, so names and ARNs the template writes with "${templateStage}" (policy resources…) keep it; the gateway serves ${stage}`,
      )
    if (props.StageVariables !== undefined) warn(`Resources.${stageId}: stage variables are not emulated`)
    if (props.DefaultRouteSettings !== undefined || props.RouteSettings !== undefined)
      warn(`Resources.${stageId}: route settings (throttling, logging) are not emulated`)
  }

  const routeResponses = new Set(
    byType('AWS::ApiGatewayV2::RouteResponse')
      .filter(([id, r]) => belongsToApi(id, r))
      .map(([id, r]) => String(resolve(asObject(r.Properties).RouteId, `Resources.${id}.Properties.RouteId`))),
  )

  let auth: 'iam' | undefined
  const wanted = new Map<string, string>() // function logical id → the first route that needs it
  const routes: (BackendRoute & { functionId: string })[] = []
  for (const [id, r] of byType('AWS::ApiGatewayV2::Route')) {
    if (!belongsToApi(id, r)) continue
    o.problems.check(() => {
      const where = `Resources.${id}`
      const props = asObject(resolve(r.Properties, `${where}.Properties`))
      const routeKey = String(props.RouteKey ?? '')
      if (!routeKey) throw new BackendError(`${where}: no RouteKey`)
      const problem = routeKeyProblem(routeKey)
      if (problem) throw new BackendError(`${where}.Properties.RouteKey: ${problem}`)
      if (routes.some((x) => x.routeKey === routeKey))
        throw new BackendError(`${where}: route ${routeKey} is defined twice`)
      if (props.Target === undefined) throw new BackendError(`${where} (${routeKey}): no Target integration`)
      const integrationId = lastSegment(props.Target)
      const integration = resources[integrationId]
      if (!integration || integration.Type !== 'AWS::ApiGatewayV2::Integration')
        throw new BackendError(
          `${where} (${routeKey}): Target ${String(props.Target)} is not an Integration of the template`,
        )
      const functionId = integrationFunction(integrationId, integration, resolve, resources)
      const authorization = props.AuthorizationType
      if (authorization === 'AWS_IAM' && routeKey === '$connect') auth = 'iam'
      else if (authorization === 'CUSTOM' || authorization === 'JWT')
        warn(
          `${where} (${routeKey}): the ${String(authorization)} authorizer is not emulated; the route runs without it`,
        )
      if (props.ApiKeyRequired === true) warn(`${where} (${routeKey}): API keys are not emulated`)
      const selection = props.RouteResponseSelectionExpression
      const twoWay = routeResponses.has(id)
      if (selection !== undefined && !twoWay)
        warn(
          `${where} (${routeKey}): RouteResponseSelectionExpression without an AWS::ApiGatewayV2::RouteResponse; the route stays one-way`,
        )
      if (twoWay && selection === undefined)
        warn(
          `${where} (${routeKey}): a RouteResponse without RouteResponseSelectionExpression; AWS ignores it, so the route stays one-way`,
        )
      if (!wanted.has(functionId)) wanted.set(functionId, routeKey)
      routes.push({
        routeKey,
        functionName: functionName(functionId),
        functionId,
        twoWay: twoWay && selection !== undefined,
      })
    })
  }
  if (routes.length === 0 && o.problems.list.length === 0)
    throw new BackendError(`the WebSocket API ${apiId} has no routes`)

  const functions = [...wanted.keys()].flatMap(
    (id) =>
      loadFunction(id, resources[id]!, {
        dir,
        globals,
        resolve,
        warn,
        name: functionName(id),
        resources,
        stackName,
        problems: o.problems,
      }) ?? [],
  )
  const unused = Object.entries(resources)
    .filter(
      ([id, r]) => (r.Type === 'AWS::Serverless::Function' || r.Type === 'AWS::Lambda::Function') && !wanted.has(id),
    )
    .map(([id]) => id)
  if (unused.length > 0) warn(`functions not wired to a route are not loaded: ${unused.join(', ')}`)

  const rse = apiProps.RouteSelectionExpression
  return {
    kind: 'sam',
    file: o.file,
    stage: stage ?? 'dev',
    region,
    routeSelectionExpression: routeSelection(
      rse,
      `Resources.${apiId}.Properties.RouteSelectionExpression`,
      o.problems,
      warn,
    ),
    functions,
    routes: routes.map(({ functionId: _id, ...route }) => route),
    warnings,
    ...(auth ? { auth } : {}),
  }
}

/** CloudFormation matches AllowedPattern against the whole value. */
function allowedPattern(pattern: string, where: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`)
  } catch (error) {
    throw new BackendError(
      `${where}: AllowedPattern ${pattern} is not a regular expression (${(error as Error).message})`,
    )
  }
}

/**
 * Parameter values: --parameter-overrides over each Default, as `sam deploy` applies them, checked against
 * AllowedValues, AllowedPattern and Type Number like CloudFormation does. With --stage, a Stage whose StageName is
 * `!Ref SomeParameter` gets that parameter set to the stage, so every `${SomeParameter}` (policy ARNs, environment)
 * follows the stage the gateway serves.
 */
function templateParameters(t: Record<string, unknown>, apiId: string, o: LoadOptions): Record<string, unknown> {
  const declared = asObject(t.Parameters)
  const overrides: Record<string, string> = { ...o.parameterOverrides }
  const source: Record<string, string> = Object.fromEntries(
    Object.keys(overrides).map((key) => [key, ' (from --parameter-overrides)']),
  )
  for (const key of Object.keys(overrides))
    if (!(key in declared))
      o.problems.check(() => {
        throw new BackendError(
          `--parameter-overrides ${key}=…: the template has no parameter ${key} (its parameters: ${Object.keys(declared).join(', ') || 'none'})`,
        )
      })
  if (o.stage !== undefined) {
    const stageParameter = Object.entries(asObject(t.Resources))
      .map(([id, r]) => ({ id, r: asObject(r) }))
      .filter(({ r }) => r.Type === 'AWS::ApiGatewayV2::Stage')
      .map(({ id, r }) => ({ id, props: asObject(r.Properties) }))
      .find(({ props }) => asObject(props.ApiId).Ref === apiId || props.ApiId === undefined)
    const ref = asObject(stageParameter?.props.StageName).Ref
    if (typeof ref === 'string' && ref in declared) {
      if (ref in overrides && overrides[ref] !== o.stage)
        throw new BackendError(
          `--stage ${o.stage} and --parameter-overrides ${ref}=${overrides[ref]} disagree: Resources.${stageParameter!.id}.StageName is !Ref ${ref}; give one of them`,
        )
      overrides[ref] = o.stage
      source[ref] = ' (from --stage)'
    }
  }
  const parameters: Record<string, unknown> = {}
  for (const [name, p] of Object.entries(declared)) {
    // A parameter in error still gets a value, so the rest of the template is checked without follow-on errors.
    parameters[name] = o.parameterOverrides?.[name] ?? asObject(p).Default ?? ''
    o.problems.check(() => {
      const spec = asObject(p)
      const overridden = name in overrides
      const value = overridden ? overrides[name] : spec.Default
      const where = `parameter ${name}`
      if (value === undefined)
        throw new BackendError(
          `${where} has no Default; give it one or pass --parameter-overrides ${name}=VALUE to run the template locally`,
        )
      const text = String(value)
      const from = source[name] ?? ''
      const allowed = Array.isArray(spec.AllowedValues) ? spec.AllowedValues.map(String) : undefined
      if (allowed && !allowed.includes(text))
        throw new BackendError(`${where}: "${text}"${from} is not one of its AllowedValues (${allowed.join(', ')})`)
      if (typeof spec.AllowedPattern === 'string' && !allowedPattern(spec.AllowedPattern, where).test(text))
        throw new BackendError(`${where}: "${text}"${from} does not match its AllowedPattern ${spec.AllowedPattern}`)
      if (spec.Type === 'Number' && (text.trim() === '' || !Number.isFinite(Number(text))))
        throw new BackendError(`${where}: "${text}"${from} is not a number (Type: Number)`)
      // List parameters are lists when referenced (!Ref gives the items, !Join joins them).
      const isList =
        typeof spec.Type === 'string' && (spec.Type === 'CommaDelimitedList' || spec.Type.startsWith('List<'))
      parameters[name] = isList && typeof value === 'string' ? value.split(',') : overridden ? text : value
    })
  }
  return parameters
}

/** An AWS_PROXY integration's Lambda function, by its IntegrationUri (…/functions/{arn}/invocations or the ARN). */
function integrationFunction(
  id: string,
  integration: TemplateResource,
  resolve: (v: unknown, where: string) => unknown,
  resources: Record<string, TemplateResource>,
): string {
  const where = `Resources.${id}`
  const props = asObject(integration.Properties)
  const type = String(props.IntegrationType ?? '')
  if (type !== 'AWS_PROXY')
    throw new BackendError(
      `${where}: IntegrationType ${type || '(none)'} is not supported (AWS_PROXY to a Lambda function only)`,
    )
  const uri = String(resolve(props.IntegrationUri, `${where}.Properties.IntegrationUri`) ?? '')
  const m = /:function:([^/:]+)/.exec(uri)
  const name = m?.[1]
  const functionId = Object.keys(resources).find((fid) => {
    const r = resources[fid]!
    if (r.Type !== 'AWS::Serverless::Function' && r.Type !== 'AWS::Lambda::Function') return false
    const props = asObject(r.Properties)
    return name !== undefined && (name.endsWith(`-${fid}`) || props.FunctionName === name || fid === name)
  })
  if (!functionId)
    throw new BackendError(`${where}: IntegrationUri ${uri || '(none)'} does not name a function of the template`)
  return functionId
}

interface FunctionContext {
  dir: string
  globals: Record<string, unknown>
  resolve: (v: unknown, where: string) => unknown
  warn: (m: string) => void
  name: string
  resources: Record<string, TemplateResource>
  stackName: string
  problems: Problems
}

/** The function, or undefined when it has problems (each noted in c.problems). */
function loadFunction(id: string, r: TemplateResource, c: FunctionContext): BackendFunction | undefined {
  const where = `Resources.${id}`
  const serverless = r.Type === 'AWS::Serverless::Function'
  const own = asObject(r.Properties)
  // Globals apply to AWS::Serverless::Function only; Environment.Variables merge, everything else is replaced.
  const raw: Record<string, unknown> = serverless ? { ...c.globals, ...own } : own
  const props = asObject(c.resolve(raw, `${where}.Properties`))
  const check = (f: () => void) => c.problems.check(f)
  const noted = c.problems.list.length
  check(() => {
    if (props.PackageType === 'Image')
      throw new BackendError(`${where}: container images are not supported (Node.js handlers only)`)
    if (props.InlineCode !== undefined || asObject(props.Code).ZipFile !== undefined)
      throw new BackendError(`${where}: inline code is not supported; put the handler in a file`)
  })
  const runtime = String(props.Runtime ?? '')
  check(() => {
    checkNodeRuntime(runtime, where)
  })
  let handler: { file: string; exportPath: string[] } | undefined
  check(() => {
    const codeUri = serverless ? props.CodeUri : props.Code
    if (typeof codeUri !== 'string')
      throw new BackendError(
        `${where}: ${serverless ? 'CodeUri' : 'Code'} must be a local directory (S3 locations cannot run locally)`,
      )
    const codeDir = existingDir(resolvePath(c.dir, codeUri), `${where}.${serverless ? 'CodeUri' : 'Code'}`)
    if (typeof props.Handler !== 'string') throw new BackendError(`${where}: no Handler`)
    handler = resolveHandler(codeDir, props.Handler, where)
  })
  const settings = functionSettings(
    c.problems,
    where,
    {
      timeout: { value: props.Timeout, name: 'Timeout' },
      memory: { value: props.MemorySize, name: 'MemorySize' },
      reserved: { value: props.ReservedConcurrentExecutions, name: 'ReservedConcurrentExecutions' },
    },
    { timeoutSeconds: LAMBDA_DEFAULT_TIMEOUT_SECONDS, memoryMb: LAMBDA_DEFAULT_MEMORY_MB },
  )
  let role: RolePermissions | undefined
  check(() => (role = functionRole(id, props, serverless, c)))
  if (c.problems.list.length > noted || !handler || !role) return undefined
  if (props.Layers !== undefined) c.warn(`${where}: layers are not loaded`)
  const env = {
    ...(serverless
      ? envStrings(
          asObject(c.resolve(asObject(c.globals.Environment).Variables, 'Globals.Function.Environment.Variables')),
          'Globals.Function.Environment.Variables',
          c.warn,
        )
      : {}),
    ...envStrings(
      asObject(asObject(c.resolve(own.Environment, `${where}.Properties.Environment`)).Variables),
      `${where}.Environment.Variables`,
      c.warn,
    ),
  }
  return {
    name: c.name,
    key: id,
    file: handler.file,
    exportPath: handler.exportPath,
    handlerText: String(props.Handler),
    ...settings,
    runtime,
    environment: env,
    role,
  }
}

function functionRole(
  id: string,
  props: Record<string, unknown>,
  serverless: boolean,
  c: FunctionContext,
): RolePermissions {
  const where = `Resources.${id}`
  if (props.Role !== undefined) {
    const arn = String(props.Role)
    const roleId = Object.keys(c.resources).find(
      (rid) =>
        c.resources[rid]!.Type === 'AWS::IAM::Role' &&
        (arn.endsWith(`:role/${rid}`) || arn.endsWith(`/${c.stackName}-${rid}`) || arn === rid),
    )
    if (roleId)
      return withAttachedPolicies(roleId, roleResource(roleId, c.resources[roleId] as never, c.resolve, c.warn), c)
    return { roleName: arn, statements: undefined, source: `role ${arn} is not defined in the template` }
  }
  if (!serverless) throw new BackendError(`${where}: an AWS::Lambda::Function needs a Role`)
  // SAM's generated role: AWSLambdaBasicExecutionRole plus the function's Policies.
  const statements: PolicyStatement[] = []
  const policies = props.Policies === undefined ? [] : [props.Policies].flat()
  for (const [i, policy] of policies.entries()) {
    if (typeof policy === 'string') statements.push(...managedStatements(policy, c.warn))
    else if (isObject(policy) && 'Statement' in policy) {
      const list = toStatements(policy)
      list.forEach((s, j) => statementProblems(s, `${where}.Policies[${i}].Statement[${j}]`).forEach(c.warn))
      statements.push(...list)
    }
    // SAM policy templates (DynamoDBCrudPolicy…) grant nothing on execute-api.
  }
  return {
    roleName: `${c.stackName}-${id}Role`,
    statements,
    source: policies.length
      ? `${id}'s Policies`
      : `SAM's generated role (no Policies: AWSLambdaBasicExecutionRole only)`,
  }
}

/** AWS::IAM::Policy / ManagedPolicy resources that attach themselves to the role. */
function withAttachedPolicies(roleId: string, role: RolePermissions, c: FunctionContext): RolePermissions {
  const statements = [...(role.statements ?? [])]
  for (const [id, r] of Object.entries(c.resources)) {
    if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue
    const props = asObject(c.resolve(r.Properties, `Resources.${id}.Properties`))
    const roles = [props.Roles].flat().map(String)
    if (!roles.some((name) => name === role.roleName || name === roleId)) continue
    const list = toStatements(props.PolicyDocument)
    list.forEach((s, j) => statementProblems(s, `Resources.${id}.Statement[${j}]`).forEach(c.warn))
    statements.push(...list)
  }
  return { ...role, statements }
}
