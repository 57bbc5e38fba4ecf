/**
 * `npm run gateway -- [flags]`: starts the local gateway, prints its endpoints, and shuts down cleanly on SIGINT and
 * SIGTERM (open sockets get 1001 and `$disconnect` runs). Bad flags: one line on stderr, exit code 2.
 */
import { dirname, resolve } from 'node:path'
import { helpText, parseArgs, UsageError } from './cli-args'
import { BackendError } from './backend/model'
import { HandlerModuleError } from './handlers'
import { OptionError, resolveOptions } from './options'
import type { Gateway } from './server'

function fail(message: string, code = 2): never {
  process.stderr.write(`gateway: ${message}\n`)
  process.exit(code)
}

async function main(): Promise<void> {
  let parsed
  try {
    parsed = parseArgs(process.argv.slice(2))
  } catch (error) {
    if (error instanceof UsageError) fail(error.message)
    throw error
  }
  // `npm run gateway` and `npm start` run in the package's directory, not the one npm was typed in: a relative
  // --backend path means the latter (before, `npm run gateway -- --backend template.yaml` from backend/ was ENOENT).
  const npmDir = process.env.INIT_CWD
  const packageJson = process.env.npm_package_json
  if (
    !parsed.help &&
    npmDir &&
    packageJson &&
    dirname(packageJson) === process.cwd() &&
    ['gateway', 'start'].includes(process.env.npm_lifecycle_event ?? '')
  ) {
    const o = parsed.options
    if (o.backend !== undefined) o.backend = resolve(npmDir, o.backend)
    if (typeof o.handlers === 'string') o.handlers = resolve(npmDir, o.handlers)
  }
  if (parsed.help) {
    process.stdout.write(helpText() + '\n')
    return
  }

  let gateway: Gateway
  try {
    // Check the flags before loading the server and the AWS SDK, so mistakes are reported at once.
    resolveOptions(parsed.options)
    const { startGateway } = await import('./server')
    gateway = await startGateway(parsed.options)
  } catch (error) {
    if (error instanceof OptionError || error instanceof HandlerModuleError || error instanceof BackendError)
      fail(error.message)
    process.stderr.write(`gateway: ${(error as Error).message}\n`)
    process.exit(1)
  }

  const o = gateway.options
  const lines = [
    '',
    '  Local API Gateway WebSocket emulator',
    '',
    `  WebSocket API    ${gateway.wsUrl}`,
    `  @connections     ${gateway.connectionsUrl}   (POST/GET/DELETE ${gateway.connectionsUrl}/@connections/{connectionId})`,
    `  Cognito Identity ${gateway.cognitoUrl}`,
    `  Identity pools   ${gateway.identityPoolIds.join(', ')}`,
    `  Region / API id  ${gateway.region} / ${gateway.apiId}   auth: ${gateway.auth}   CORS: ${gateway.cors ? 'on' : 'off'}`,
    `  Routes           ${gateway.routes.keys.join(', ')}   (two-way: ${gateway.routes.twoWay.join(', ') || 'none'})`,
    `  Pages allowed    loopback origins${o.allowOrigins.length ? ` and ${o.allowOrigins.join(', ')}` : ' only (--allow-origin adds sites; AWS checks no Origin)'}`,
    `  Timeouts         idle ${o.idleTimeout} s, max ${o.maxDuration} s, integration ${o.integrationTimeoutMs} ms`,
    `  Throttles        account ${o.accountRequestsPerSecond || 'off'}${o.accountRequestsPerSecond ? `/s burst ${o.accountBurst}` : ''} (messages over it: "Too Many Requests" frame, shape UNCONFIRMED; @connections: 429)`,
    `                   per connection ${o.connectionMessagesPerSecond ? `${o.connectionMessagesPerSecond}/s, then close 1008 (AWS documents no per-connection rate: UNCONFIRMED)` : 'off (AWS documents none)'}`,
    `  Local bounds     ${o.maxConcurrentInvocations} route invocations at once, ${o.maxQueuedMessages} messages waiting (then senders are not read); ${o.maxOutgoingBytes % 1048576 === 0 ? `${o.maxOutgoingBytes / 1048576} MiB` : `${o.maxOutgoingBytes} bytes`} unsent per client (then posts 429, replies dropped)`,
    ...(gateway.backend
      ? ['', ...gateway.backend.table]
      : [
          `  Lambda role key  ${gateway.lambdaCredentials.accessKeyId} / ${gateway.lambdaCredentials.secretAccessKey} (session token ${gateway.lambdaCredentials.sessionToken})`,
        ]),
    '',
    `  Try: npx wscat -c ${gateway.wsUrl}`,
    '',
  ]
  process.stdout.write(lines.join('\n') + '\n')

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    const running = gateway.stats().invocationsRunning
    process.stdout.write(
      `\n${signal}: the gateway is stopping: closing ${gateway.connections().length} connection(s) with 1001${running > 0 ? `, cutting short ${running} route invocation(s) in flight (no reply or error frame is sent for them)` : ''}…\n`,
    )
    // A stuck shutdown exits anyway (generous: closing runs every $disconnect, slow on a loaded machine).
    const force = setTimeout(() => process.exit(1), 30_000)
    force.unref()
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`gateway: shutdown failed: ${(error as Error).message}\n`)
        process.exit(1)
      },
    )
  }
  let signals = 0
  let firstSignalAt = 0
  const onSignal = (signal: string) => {
    // Pressing Ctrl-C again forces the exit. Under tsx one press arrives twice (the terminal's group signal and tsx
    // relaying it), seconds apart on a loaded machine, so a force is a third signal or a second one after 5 s.
    signals++
    if (stopping && (signals >= 3 || Date.now() - firstSignalAt > 5000)) process.exit(130)
    firstSignalAt ||= Date.now()
    stop(signal)
  }
  process.on('SIGINT', () => onSignal('SIGINT'))
  process.on('SIGTERM', () => onSignal('SIGTERM'))
}

process.on('uncaughtException', (error) => {
  // Handlers are user code; one of them failing outside a request must not take the gateway down.
  process.stderr.write(`gateway: uncaught exception (kept running): ${error.stack ?? error.message}\n`)
})
process.on('unhandledRejection', (reason) => {
  process.stderr.write(
    `gateway: unhandled rejection (kept running): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`,
  )
})

void main()
