import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { accessPolicy, foreignRequest } from './access'
import * as defaultHandlers from '../handlers/default'
import {
  functionLogKey,
  LambdaRuntime,
  newFunctionCredentials,
  type FunctionCredentials,
} from './backend/lambda-runtime'
import { loadBackend } from './backend/load-backend'
import { watchBackendCode } from './backend/code-watcher'
import type { Backend } from './backend/model'
import { PermissionChecker } from './backend/permissions'
import { describeBackend } from './backend/route-table'
import { CognitoIdentity } from './cognito'
import { ConnectionRegistry, type ConnectionInfo } from './connection-registry'
import { ConnectionsApi } from './connections-api'
import { answerPreflight, isPreflight, setCorsHeaders } from './cors'
import { CredentialStore, LAMBDA_ROLE_CREDENTIALS } from './credential-store'
import { GatewayEvents, type GatewayEventMap, type GatewayEventName } from './events'
import {
  applyLambdaEnvironment,
  buildRouteTable,
  checkHandlerModule,
  describeError,
  type HandlerModule,
} from './handlers'
import { clientErrorStatus, sendAwsError, sendJson, sourceIp, splitUrl } from './http-util'
import { apigwId, httpRequestId } from './ids'
import { LogLimiter } from './log-limiter'
import { OptionError, resolveOptions, type GatewayOptions, type ResolvedOptions } from './options'
import { TokenBucket } from './rate-limit'
import { InProcessRoutes, layered, withIntegrationTimeout, type RouteInvoker } from './route-invoker'
import { compileRouteSelectionExpression, ExpressionError } from './route-selection'
import { verifySigV4, type SignedRequest } from './sigv4-verify'
import { WebSocketApi } from './websocket-api'

export interface Gateway {
  port: number
  host: string
  stage: string
  region: string
  apiId: string
  /** ws://127.0.0.1:PORT/dev */
  wsUrl: string
  /** http://127.0.0.1:PORT */
  httpUrl: string
  /** The management API endpoint the AWS SDK takes: http://127.0.0.1:PORT/dev */
  connectionsUrl: string
  /** The Cognito Identity endpoint (`clientConfig.endpoint` for fromCognitoIdentityPool). */
  cognitoUrl: string
  identityPoolIds: string[]
  /** The domainName handlers see in events. */
  domainName: string
  auth: 'none' | 'iam'
  cors: boolean
  /** The credentials handlers run with (also accepted by the SigV4 verifier of every gateway). */
  lambdaCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }
  /** Two-way routes and every route key, for display. */
  routes: { keys: string[]; twoWay: string[] }
  /** With a backend file: what was loaded, the start-up table, and live instances per function. */
  backend?: {
    kind: Backend['kind']
    file: string
    table: string[]
    warnings: string[]
    instances(): Record<string, number>
  }
  options: ResolvedOptions
  /** Open connections right now. */
  connections(): ConnectionInfo[]
  /** Sizes of everything the gateway keeps in memory (all bounded). */
  stats(): {
    connections: number
    recentlyClosed: number
    issuedCredentials: number
    sockets: number
    /** Route invocations for client messages running now, waiting, and connections not read meanwhile. */
    invocationsRunning: number
    messagesQueued: number
    pausedConnections: number
  }
  on<K extends GatewayEventName>(event: K, listener: (info: GatewayEventMap[K]) => void): Gateway
  once<K extends GatewayEventName>(event: K, listener: (info: GatewayEventMap[K]) => void): Gateway
  off<K extends GatewayEventName>(event: K, listener: (info: GatewayEventMap[K]) => void): Gateway
  /** Closes every socket with 1001 (firing `$disconnect`) and stops listening. Idempotent. */
  close(): Promise<void>
}

const CONNECTIONS_SEGMENT = '@connections'

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}

export async function startGateway(input: GatewayOptions = {}): Promise<Gateway> {
  let backend: Backend | undefined
  const checked = resolveOptions(input)
  if (checked.backend !== undefined) {
    backend = await loadBackend(checked.backend, {
      stage: input.stage,
      region: input.region,
      apiId: checked.apiId,
      parameterOverrides: checked.parameterOverrides,
    })
    // The file's stage, region, route selection expression and $connect authorization, unless a flag says otherwise.
    input = {
      ...input,
      stage: input.stage ?? backend.stage,
      region: input.region ?? backend.region,
      routeSelectionExpression: input.routeSelectionExpression ?? backend.routeSelectionExpression,
      auth: input.auth ?? backend.auth,
    }
  }
  const o = resolveOptions(input)
  let expression
  try {
    expression = compileRouteSelectionExpression(o.routeSelectionExpression)
  } catch (error) {
    if (error instanceof ExpressionError) throw new OptionError(error.message)
    throw error
  }

  const modules: HandlerModule[] = []
  if (backend ? o.withDefaultHandlers : o.defaultHandlers)
    modules.push(
      checkHandlerModule(defaultHandlers as unknown as Record<string, unknown>, 'gateway/handlers/default.ts'),
    )
  if (o.handlers && typeof o.handlers === 'object')
    modules.push(checkHandlerModule({ handlers: o.handlers }, 'options.handlers'))
  const routes = buildRouteTable(modules, o.routeResponses)

  const lambdaEnv = { ...LAMBDA_ROLE_CREDENTIALS, region: o.region }
  const beforeInvoke = o.lambdaEnvironment ? () => applyLambdaEnvironment(lambdaEnv) : () => {}
  if (o.lambdaEnvironment) {
    applyLambdaEnvironment(lambdaEnv)
    // The SDK warns about Node 20 once per process; a Lambda log doesn't need it on every start.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  }

  const log = o.log
  const events = new GatewayEvents((event, error) =>
    log(`a '${event}' listener threw: ${describeError(error)}`, 'error'),
  )
  const registry = new ConnectionRegistry()
  const clock = o.clock
  const functionCredentials = new Map<string, FunctionCredentials>(
    (backend?.functions ?? []).map((f) => [f.name, newFunctionCredentials()]),
  )
  // Every function's own key is accepted by the SigV4 verifier, like the built-in Lambda role's.
  const store = new CredentialStore([...o.credentials, ...functionCredentials.values()], undefined, clock)
  const inProcess = new InProcessRoutes(routes, {
    region: o.region,
    apiId: o.apiId,
    integrationTimeoutMs: o.integrationTimeoutMs,
    beforeInvoke,
    clock,
  })
  let invoker: RouteInvoker = inProcess
  let runtime: LambdaRuntime | undefined
  let codeWatch: { close(): void } | undefined
  // The functions' console lines about one connection: the same budget as the gateway's own lines, kept apart.
  const functionLog = new LogLimiter(log, clock, 50, 10)
  if (backend) {
    runtime = new LambdaRuntime(
      backend,
      {
        region: o.region,
        log,
        logInfo: o.logInfo,
        clock,
        integrationTimeoutMs: o.integrationTimeoutMs,
        coldStartMs: o.coldStartMs,
        functionConcurrency: o.functionConcurrency,
        lambdaEnvironment: o.lambdaEnvironment,
        initTimeoutMs: o.initTimeoutMs,
        instanceIdleMs: o.instanceIdleTimeout * 1000,
        functionLog,
      },
      functionCredentials,
    )
    invoker = withIntegrationTimeout(runtime, o.integrationTimeoutMs, clock)
    codeWatch = watchBackendCode(backend, runtime, clock, log)
    if (routes.handlers.size > 0) invoker = layered(invoker, inProcess)
    for (const warning of backend.warnings) log(`backend: ${warning}`, 'error')
  }
  const checker =
    backend &&
    new PermissionChecker(backend.functions, functionCredentials, {
      mode: o.permissions,
      region: o.region,
      apiId: o.apiId,
      stage: o.stage,
      log: (line) => log(line, 'error'),
    })
  const verify =
    o.auth === 'iam'
      ? (req: SignedRequest) =>
          verifySigV4(req, {
            region: o.region,
            service: 'execute-api',
            now: clock.now(),
            clockSkewMs: o.clockSkew * 1000,
            lookup: (id) => store.lookup(id),
          })
      : undefined

  const access = accessPolicy(o)
  const logLimiter = new LogLimiter(log, clock)
  // Lines about one connection (messages, error frames, posts): enough to follow a session, not a flood.
  const connectionLog = new LogLimiter(log, clock, 50, 10)
  const accountThrottle = new TokenBucket(o.accountRequestsPerSecond, clock, o.accountBurst)
  let port = o.port
  let domainName = o.domainName ?? `${displayHost(o.host)}:${o.port}`
  const apiFacts = { apiId: o.apiId, stage: o.stage, domainName }
  const websocket = new WebSocketApi({
    options: o,
    routes: invoker,
    expression,
    registry,
    events,
    api: () => apiFacts,
    port: () => port,
    verify,
    clock,
    access,
    logLimiter,
    connectionLog,
    afterDisconnect: (connectionId) => functionLog.flush(functionLogKey(connectionId)),
    accountThrottle,
  })
  const connectionsApi = new ConnectionsApi({
    options: o,
    registry,
    websocket,
    events,
    verify,
    authorize: checker ? (call) => checker.check(call) : undefined,
    accountThrottle,
    connectionLog,
  })
  const cognito = new CognitoIdentity({
    poolIds: o.identityPools,
    credentialsLifetimeSeconds: o.credentialsLifetime,
    store,
    clock,
    getIdPerSecond: o.cognitoGetIdPerSecond,
    credentialsPerSecond: o.cognitoCredentialsPerSecond,
    logLimiter: connectionLog,
    logInfo: o.logInfo,
  })

  const sockets = new Set<Socket>()
  const server: Server = createServer(
    {
      keepAliveTimeout: 5000,
      headersTimeout: o.headersTimeout * 1000,
      requestTimeout: o.requestTimeout * 1000,
      // How often Node checks those two timeouts (its default, 30 s, would let slow clients linger much longer).
      connectionsCheckingInterval: 1000,
    },
    (req, res) => {
      handleHttp(req, res).catch((error: unknown) => {
        log(`HTTP ${req.method} ${req.url?.slice(0, 200)} failed: ${describeError(error)}`, 'error')
        if (!res.headersSent) sendJson(res, 500, { message: 'Internal server error' })
        else res.destroy()
      })
    },
  )

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/'
    res.setHeader('x-amzn-RequestId', httpRequestId())
    const source = sourceIp(req.socket.remoteAddress)
    const foreign = foreignRequest(access, req.headers.host, req.headers.origin)
    if (foreign) {
      logLimiter.line(source, `HTTP ${req.method} ${url.slice(0, 200)} → ${foreign.status}: ${foreign.why}`, 'error')
      return sendJson(res, foreign.status, { message: foreign.message }, { Connection: 'close' })
    }
    if (o.cors) setCorsHeaders(req, res)
    if (url.length > o.maxUrlLength) {
      log(`HTTP ${req.method} → 414: URL is ${url.length} characters (limit ${o.maxUrlLength})`, 'error')
      return sendJson(res, 414, { message: 'Request-URI Too Long' })
    }
    const { path, query } = splitUrl(url)
    const segments = path.split('/')
    // `/{stage}/@connections/{id}` with `@` or `%40`.
    const isConnections = segments.length >= 3 && safeDecode(segments[2]!) === CONNECTIONS_SEGMENT
    const missingStage = segments.length >= 2 && safeDecode(segments[1]!) === CONNECTIONS_SEGMENT
    if (isConnections || missingStage) {
      res.setHeader('x-amz-apigw-id', apigwId())
      if (o.cors && isPreflight(req)) return answerPreflight(req, res, o.corsMaxAge)
      if (missingStage || segments[1] !== o.stage) {
        // What AWS answers for a management call without (or with the wrong) stage in the endpoint.
        log(
          `HTTP ${req.method} ${path.slice(0, 200)} → 403: not under the stage (the endpoint is ${gateway.connectionsUrl})`,
          'error',
        )
        return sendAwsError(res, 403, 'ForbiddenException', 'Forbidden')
      }
      if (segments.length !== 4 || !segments[3]) {
        log(`HTTP ${req.method} ${path.slice(0, 200)} → 404: expected /${o.stage}/@connections/{connectionId}`, 'error')
        return sendAwsError(
          res,
          404,
          'NotFoundException',
          `No method found matching route ${path.slice(1)} for http method ${req.method}.`,
        )
      }
      return connectionsApi.handle(req, res, path, query, segments[3])
    }
    if (path === '/') {
      if (req.method === 'POST') return cognito.handle(req, res)
      if (o.cors && isPreflight(req)) return answerPreflight(req, res, o.corsMaxAge)
      if (req.method === 'GET' || req.method === 'HEAD') return sendJson(res, 200, describe())
      log(`HTTP ${req.method} / → 405`, 'error')
      return sendJson(
        res,
        405,
        {
          message: `Method ${req.method} not allowed on /: POST is Cognito Identity, GET describes the gateway`,
        },
        { Allow: 'GET, POST, OPTIONS' },
      )
    }
    if (path === `/${o.stage}` || path === `/${o.stage}/`) {
      // The WebSocket endpoint answers plain HTTP with 426, as serverless-offline's AWS-runnable e2e suite expects.
      return sendJson(
        res,
        426,
        { message: `Upgrade Required: ${gateway.wsUrl} is a WebSocket endpoint` },
        { Upgrade: 'websocket' },
      )
    }
    log(`HTTP ${req.method} ${path.slice(0, 200)} → 404`, 'error')
    return sendJson(res, 404, {
      message: `Not Found. WebSocket: ${gateway.wsUrl}; @connections: ${gateway.connectionsUrl}/@connections/{connectionId}; Cognito: POST ${gateway.cognitoUrl}/`,
    })
  }

  function describe() {
    return {
      service: 'local API Gateway WebSocket emulator',
      wsUrl: gateway.wsUrl,
      connectionsUrl: gateway.connectionsUrl,
      cognitoUrl: gateway.cognitoUrl,
      identityPoolIds: gateway.identityPoolIds,
      region: o.region,
      stage: o.stage,
      apiId: o.apiId,
      auth: o.auth,
      routes: gateway.routes,
      routeSelectionExpression: o.routeSelectionExpression,
      openConnections: registry.snapshot().length,
    }
  }

  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    void websocket.handleUpgrade(req, socket, head)
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    const status = clientErrorStatus(error.code)
    if (error.code !== 'ECONNRESET') {
      const from = sourceIp((socket as Socket).remoteAddress)
      logLimiter.line(
        from,
        `bad HTTP request from ${from} (${error.code ?? error.message}) → ${status}, socket closed`,
        'error',
      )
    }
    // Answer, then always release the socket: a client that never reads must not keep the descriptor.
    if (socket.writable && !socket.destroyed) {
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () =>
        socket.destroy(),
      )
      setTimeout(() => socket.destroy(), 1000).unref()
    } else socket.destroy()
  })

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(new Error(`cannot listen on ${o.host}:${o.port}: ${error.message}`))
    server.once('error', onError)
    server.listen(o.port, o.host, () => {
      server.off('error', onError)
      resolve()
    })
  })
  server.on('error', (error) => log(`server error: ${error.message}`, 'error'))
  port = (server.address() as AddressInfo).port
  if (o.domainName === undefined) domainName = `${displayHost(o.host)}:${port}`
  apiFacts.domainName = domainName
  const httpUrl = `http://${displayHost(o.host)}:${port}`

  let closing: Promise<void> | undefined
  const gateway: Gateway = {
    port,
    host: o.host,
    stage: o.stage,
    region: o.region,
    apiId: o.apiId,
    wsUrl: `ws://${displayHost(o.host)}:${port}/${o.stage}`,
    httpUrl,
    connectionsUrl: `${httpUrl}/${o.stage}`,
    cognitoUrl: httpUrl,
    identityPoolIds: [...o.identityPools],
    domainName,
    auth: o.auth,
    cors: o.cors,
    lambdaCredentials: { ...LAMBDA_ROLE_CREDENTIALS },
    routes: { keys: invoker.keys(), twoWay: invoker.keys().filter((k) => invoker.isTwoWay(k)) },
    backend: backend && {
      kind: backend.kind,
      file: backend.file,
      warnings: backend.warnings,
      table: describeBackend(backend, {
        permissions: o.permissions,
        withDefaultHandlers: o.withDefaultHandlers,
        defaultRoutes: inProcess.keys().filter((k) => !runtime!.has(k)),
        functionConcurrency: o.functionConcurrency,
        coldStartMs: o.coldStartMs,
        initTimeoutMs: o.initTimeoutMs,
        instanceIdleTimeout: o.instanceIdleTimeout,
      }),
      instances: () => runtime!.instances(),
    },
    options: o,
    connections: () => registry.snapshot(),
    stats: () => ({
      connections: registry.size,
      recentlyClosed: registry.recentlyClosedCount,
      issuedCredentials: store.size,
      sockets: sockets.size,
      invocationsRunning: websocket.invocationStats.running,
      messagesQueued: websocket.invocationStats.queued,
      pausedConnections: websocket.invocationStats.paused,
    }),
    on(event, listener) {
      events.on(event, listener)
      return gateway
    },
    once(event, listener) {
      events.once(event, listener)
      return gateway
    },
    off(event, listener) {
      events.off(event, listener)
      return gateway
    },
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeIdleConnections()
        await websocket.shutdown()
        codeWatch?.close()
        await runtime?.close()
        server.closeAllConnections()
        await stopped
        log('gateway stopped', 'info')
      })()
      return closing
    },
  }
  return gateway
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
