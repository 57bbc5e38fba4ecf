import type { GatewayOptions } from './options'

/**
 * Every gateway option in one table. From it come the defaults, the validation (each number has a documented range),
 * the CLI flags and their parsing, `--help`, and the flag table in gateway/README.md (`npm run gateway:readme`
 * rewrites it; a test fails when they differ). Adding a flag = adding a row here.
 */

export type OptionKind =
  | 'int'
  | 'number'
  | 'string'
  | 'choice'
  | 'onoff'
  | 'list'
  | 'credential'
  | 'flag'
  /** KEY=VALUE pairs: every argument up to the next flag. */
  | 'pairs'

export type OptionGroup = 'server' | 'backend' | 'timing' | 'auth' | 'limits' | 'access' | 'unconfirmed' | 'output'

export interface OptionSpec {
  key: keyof GatewayOptions
  /** The CLI flag without `--`; the key in kebab-case unless the row says otherwise. */
  flag: string
  kind: OptionKind
  /** Placeholder in --help and the README (N, S, MS, HOST…). */
  value?: string
  group: OptionGroup
  /** The default value (undefined = none; the row's `defaultText` says what happens then). */
  default?: string | number | boolean
  /** How the default reads in --help and the README, when not the plain value. */
  defaultText?: string
  /** Inclusive bounds for numbers. */
  min?: number
  max?: number
  /** Numbers: what a value means, for the range message ("seconds", "bytes"…). */
  unit?: string
  choices?: readonly string[]
  /** One line for --help and the README's Meaning column. */
  help: string
}

/** Node's timers take at most 2^31-1 ms; longer timeouts would fire at once (issue: every socket "idle" in 14 ms). */
const MAX_TIMER_SECONDS = 2_147_483
const MIB = 1024 * 1024

export const OPTION_TABLE: readonly OptionSpec[] = [
  {
    key: 'port',
    flag: 'port',
    kind: 'int',
    value: 'N',
    group: 'server',
    default: 4001,
    min: 0,
    max: 65535,
    help: '0 picks a free port',
  },
  {
    key: 'host',
    flag: 'host',
    kind: 'string',
    value: 'HOST',
    group: 'server',
    default: '127.0.0.1',
    help: 'interface to listen on',
  },
  {
    key: 'stage',
    flag: 'stage',
    kind: 'string',
    value: 'NAME',
    group: 'server',
    default: 'dev',
    help: 'the path of the WebSocket URL and of the management endpoint',
  },
  {
    key: 'region',
    flag: 'region',
    kind: 'string',
    value: 'REGION',
    group: 'server',
    default: 'us-east-1',
    help: 'events, SigV4 scope, the default identity pool',
  },
  {
    key: 'apiId',
    flag: 'api-id',
    kind: 'string',
    value: 'ID',
    group: 'server',
    default: 'localapi01',
    help: '`requestContext.apiId`',
  },
  {
    key: 'domainName',
    flag: 'domain-name',
    kind: 'string',
    value: 'HOST:PORT',
    group: 'server',
    defaultText: '127.0.0.1:PORT',
    help: '`requestContext.domainName`, where handlers post back to',
  },
  {
    key: 'defaultHandlers',
    flag: 'no-default-handlers',
    kind: 'flag',
    group: 'server',
    default: true,
    defaultText: '—',
    help: 'without --backend: start with no routes at all',
  },
  {
    key: 'routeSelectionExpression',
    flag: 'route-selection-expression',
    kind: 'string',
    value: 'EXPR',
    group: 'server',
    default: '$request.body.action',
    help: "the API's route selection expression",
  },
  {
    key: 'routeResponses',
    flag: 'route-response',
    kind: 'list',
    value: 'ROUTE',
    group: 'server',
    help: 'make a route two-way (repeatable)',
  },

  {
    key: 'backend',
    flag: 'backend',
    kind: 'string',
    value: 'PATH',
    group: 'backend',
    help: 'your backend: serverless.yml, a SAM/CloudFormation template, or a handlers module (.ts, .js); only its routes exist',
  },
  {
    key: 'handlers',
    flag: 'handlers',
    kind: 'string',
    value: 'PATH',
    group: 'backend',
    help: 'alias of --backend (a handlers module)',
  },
  {
    key: 'withDefaultHandlers',
    flag: 'with-default-handlers',
    kind: 'flag',
    group: 'backend',
    default: false,
    defaultText: '—',
    help: "with --backend: the built-in routes too, for routes your backend doesn't define",
  },
  {
    key: 'permissions',
    flag: 'permissions',
    kind: 'choice',
    value: 'enforce|warn|off',
    choices: ['enforce', 'warn', 'off'],
    group: 'backend',
    default: 'enforce',
    help: "a function's `@connections` call its role does not allow: `AccessDeniedException` (enforce), a log line (warn), or nothing",
  },
  {
    key: 'coldStartMs',
    flag: 'cold-start-ms',
    kind: 'int',
    value: 'MS',
    group: 'backend',
    default: 0,
    min: 0,
    max: 60_000,
    unit: 'milliseconds',
    help: "extra delay before each function instance's first invocation",
  },
  {
    key: 'functionConcurrency',
    flag: 'function-concurrency',
    kind: 'int',
    value: 'N',
    group: 'backend',
    default: 10,
    min: 1,
    max: 1000,
    unit: 'instances',
    help: 'worker instances per function without reserved concurrency (more invocations wait in line)',
  },
  {
    key: 'initTimeoutMs',
    flag: 'init-timeout-ms',
    kind: 'int',
    value: 'MS',
    group: 'backend',
    default: 10_000,
    min: 1,
    max: 900_000,
    unit: 'milliseconds',
    help: "Lambda's init limit (AWS: 10000): a function module whose top-level code takes longer is retried once in a new instance within the function's timeout, as Lambda does",
  },
  {
    key: 'instanceIdleTimeout',
    flag: 'instance-idle-timeout',
    kind: 'number',
    value: 'S',
    group: 'backend',
    default: 300,
    min: 0.001,
    max: MAX_TIMER_SECONDS,
    unit: 'seconds',
    help: "UNCONFIRMED (Lambda's figure is undocumented): a warm function instance idle this long is shut down; the next invocation starts cold",
  },
  {
    key: 'parameterOverrides',
    flag: 'parameter-overrides',
    kind: 'pairs',
    value: 'KEY=VALUE ...',
    group: 'backend',
    defaultText: '—',
    help: 'SAM/CloudFormation template parameters over their `Default`, as `sam deploy --parameter-overrides` (one or more pairs; repeat the flag to add more)',
  },

  {
    key: 'idleTimeout',
    flag: 'idle-timeout',
    kind: 'number',
    value: 'S',
    group: 'timing',
    default: 600,
    min: 0.001,
    max: MAX_TIMER_SECONDS,
    unit: 'seconds',
    help: 'close after this long without a data message either way',
  },
  {
    key: 'maxDuration',
    flag: 'max-duration',
    kind: 'number',
    value: 'S',
    group: 'timing',
    default: 7200,
    min: 0.001,
    max: MAX_TIMER_SECONDS,
    unit: 'seconds',
    help: 'close at this connection age',
  },
  {
    key: 'integrationTimeoutMs',
    flag: 'integration-timeout-ms',
    kind: 'int',
    value: 'MS',
    group: 'timing',
    default: 29_000,
    min: 1,
    max: 900_000,
    unit: 'milliseconds',
    help: 'a handler slower than this gets `Endpoint request timed out`',
  },

  {
    key: 'auth',
    flag: 'auth',
    kind: 'choice',
    value: 'none|iam',
    choices: ['none', 'iam'],
    group: 'auth',
    default: 'none',
    help: '`iam`: SigV4 on `$connect` and `@connections`',
  },
  {
    key: 'identityPools',
    flag: 'identity-pool',
    kind: 'list',
    value: 'ID',
    group: 'auth',
    help: 'another identity pool (repeatable); `REGION:00000000-0000-4000-8000-000000000000` always exists',
  },
  {
    key: 'credentials',
    flag: 'credential',
    kind: 'credential',
    value: 'AKID:SECRET[:TOKEN]',
    group: 'auth',
    help: "another key that IAM mode accepts (e.g. your CLI profile's)",
  },
  {
    key: 'credentialsLifetime',
    flag: 'credentials-lifetime',
    kind: 'number',
    value: 'S',
    group: 'auth',
    default: 3600,
    min: 1,
    max: 43_200,
    unit: 'seconds',
    help: 'lifetime of Cognito credentials',
  },
  {
    key: 'clockSkew',
    flag: 'clock-skew',
    kind: 'number',
    value: 'S',
    group: 'auth',
    default: 300,
    min: 0,
    max: 3600,
    unit: 'seconds',
    help: 'SigV4 clock skew allowed',
  },
  {
    key: 'lambdaEnvironment',
    flag: 'lambda-environment',
    kind: 'onoff',
    value: 'on|off',
    group: 'auth',
    default: true,
    help: 'set `AWS_*` credentials and region for handlers, as Lambda does',
  },

  {
    key: 'maxFrameBytes',
    flag: 'max-frame-bytes',
    kind: 'int',
    value: 'N',
    group: 'limits',
    default: 32_768,
    min: 1,
    max: 64 * MIB,
    unit: 'bytes',
    help: 'larger frames close with 1009',
  },
  {
    key: 'maxMessageBytes',
    flag: 'max-message-bytes',
    kind: 'int',
    value: 'N',
    group: 'limits',
    default: 131_072,
    min: 1,
    max: 64 * MIB,
    unit: 'bytes',
    help: 'larger messages close with 1009; larger `@connections` posts get 413',
  },
  {
    key: 'newConnectionsPerSecond',
    flag: 'new-connections-per-second',
    kind: 'number',
    value: 'N',
    group: 'limits',
    default: 500,
    min: 0,
    max: 100_000,
    unit: 'per second',
    help: 'handshakes beyond this rate get 429; 0 = no limit',
  },
  {
    key: 'accountRequestsPerSecond',
    flag: 'account-requests-per-second',
    kind: 'number',
    value: 'N',
    group: 'limits',
    default: 10_000,
    min: 0,
    max: 1_000_000,
    unit: 'per second',
    help: "AWS's account throttle, shared by client messages and `@connections` calls: over it a message gets a `Too Many Requests` frame and a call 429; 0 = no limit",
  },
  {
    key: 'accountBurst',
    flag: 'account-burst',
    kind: 'int',
    value: 'N',
    group: 'limits',
    default: 5000,
    min: 1,
    max: 1_000_000,
    unit: 'requests',
    help: "the account throttle's burst (its bucket size)",
  },
  {
    key: 'maxConcurrentInvocations',
    flag: 'max-concurrent-invocations',
    kind: 'int',
    value: 'N',
    group: 'limits',
    default: 64,
    min: 1,
    max: 10_000,
    unit: 'invocations',
    help: 'route invocations for client messages running at once; more wait in line, one line per connection served in turn',
  },
  {
    key: 'maxQueuedMessages',
    flag: 'max-queued-messages',
    kind: 'int',
    value: 'N',
    group: 'limits',
    default: 1024,
    min: 1,
    max: 1_000_000,
    unit: 'messages',
    help: 'messages waiting in all lines before the gateway stops reading from the senders (a connection is also paused at 32 of its own)',
  },
  {
    key: 'cognitoGetIdPerSecond',
    flag: 'cognito-get-id-per-second',
    kind: 'number',
    value: 'N',
    group: 'limits',
    default: 25,
    min: 0,
    max: 100_000,
    unit: 'per second',
    help: 'Cognito `GetId` calls per client address before `TooManyRequestsException`; 0 = no limit',
  },
  {
    key: 'cognitoCredentialsPerSecond',
    flag: 'cognito-credentials-per-second',
    kind: 'number',
    value: 'N',
    group: 'limits',
    default: 200,
    min: 0,
    max: 100_000,
    unit: 'per second',
    help: 'same for `GetCredentialsForIdentity`',
  },
  {
    key: 'maxUrlLength',
    flag: 'max-url-length',
    kind: 'int',
    value: 'N',
    group: 'limits',
    default: 4096,
    min: 64,
    max: 1 << 20,
    unit: 'characters',
    help: 'longer URLs get 414',
  },
  {
    key: 'headersTimeout',
    flag: 'headers-timeout',
    kind: 'number',
    value: 'S',
    group: 'limits',
    default: 10,
    min: 1,
    max: 300,
    unit: 'seconds',
    help: 'an HTTP request whose headers take longer gets 408 and its socket is closed',
  },
  {
    key: 'requestTimeout',
    flag: 'request-timeout',
    kind: 'number',
    value: 'S',
    group: 'limits',
    default: 30,
    min: 1,
    max: 3600,
    unit: 'seconds',
    help: 'same for the whole request, body included (at least the headers timeout)',
  },

  {
    key: 'allowOrigins',
    flag: 'allow-origin',
    kind: 'list',
    value: 'ORIGIN',
    group: 'access',
    help: 'also accept WebSockets and requests from pages of this origin (repeatable; `*` = any site); loopback origins are always accepted',
  },
  {
    key: 'cors',
    flag: 'cors',
    kind: 'onoff',
    value: 'on|off',
    group: 'access',
    default: true,
    help: 'CORS on `@connections` and Cognito (AWS has none; see below)',
  },
  {
    key: 'corsMaxAge',
    flag: 'cors-max-age',
    kind: 'number',
    value: 'S',
    group: 'access',
    default: 600,
    min: 0,
    max: 86_400,
    unit: 'seconds',
    help: 'preflight cache time',
  },

  {
    key: 'idleCloseCode',
    flag: 'idle-close-code',
    kind: 'int',
    value: 'CODE',
    group: 'unconfirmed',
    default: 1001,
    min: 1000,
    max: 4999,
    unit: 'close code',
    help: 'close code on idle timeout',
  },
  {
    key: 'idleCloseReason',
    flag: 'idle-close-reason',
    kind: 'string',
    value: 'TEXT',
    group: 'unconfirmed',
    default: 'Going away',
    help: 'UNCONFIRMED: close reason on idle timeout',
  },
  {
    key: 'maxDurationCloseCode',
    flag: 'max-duration-close-code',
    kind: 'int',
    value: 'CODE',
    group: 'unconfirmed',
    default: 1001,
    min: 1000,
    max: 4999,
    unit: 'close code',
    help: 'close code at the maximum duration',
  },
  {
    key: 'maxDurationCloseReason',
    flag: 'max-duration-close-reason',
    kind: 'string',
    value: 'TEXT',
    group: 'unconfirmed',
    default: 'Going away',
    help: 'UNCONFIRMED: close reason at the maximum duration',
  },
  {
    key: 'pingCountsAsActivity',
    flag: 'ping-counts-as-activity',
    kind: 'onoff',
    value: 'on|off',
    group: 'unconfirmed',
    default: false,
    help: 'UNCONFIRMED: do client pings reset the idle timer?',
  },
  {
    key: 'answerPings',
    flag: 'answer-pings',
    kind: 'onoff',
    value: 'on|off',
    group: 'unconfirmed',
    default: true,
    help: 'are client pings answered?',
  },
  {
    key: 'postDataFrame',
    flag: 'post-data-frame',
    kind: 'choice',
    value: 'auto|text|binary',
    choices: ['auto', 'text', 'binary'],
    group: 'unconfirmed',
    default: 'auto',
    help: 'UNCONFIRMED: frame type for `@connections` data (auto = text if valid UTF-8)',
  },
  {
    key: 'outgoingFrameBytes',
    flag: 'outgoing-frame-bytes',
    kind: 'int',
    value: 'N',
    group: 'unconfirmed',
    default: 0,
    min: 0,
    max: 64 * MIB,
    unit: 'bytes',
    help: 'UNCONFIRMED: fragment outgoing messages into frames of N bytes (0 = one frame)',
  },
  {
    key: 'maxOutgoingBytes',
    flag: 'max-outgoing-bytes',
    kind: 'int',
    value: 'N',
    group: 'unconfirmed',
    default: 4 * MIB,
    min: 131_072,
    max: 1024 * MIB,
    unit: 'bytes',
    help: "UNCONFIRMED size of a client's buffer: with this much unsent, `@connections` posts get 429 and replies and error frames are dropped (and counted)",
  },
  {
    key: 'connectionMessagesPerSecond',
    flag: 'connection-messages-per-second',
    kind: 'number',
    value: 'N',
    group: 'unconfirmed',
    default: 0,
    min: 0,
    max: 100_000,
    unit: 'per second',
    help: "UNCONFIRMED (AWS documents no per-connection rate): a connection sending faster (burst: one second's worth) is closed with 1008; 0 = off",
  },
  {
    key: 'connectWithoutStatusCode',
    flag: 'connect-without-status-code',
    kind: 'choice',
    value: 'accept|reject',
    choices: ['accept', 'reject'],
    group: 'unconfirmed',
    default: 'accept',
    help: 'UNCONFIRMED: a `$connect` result with no `statusCode`',
  },
  {
    key: 'connectTimeoutStatus',
    flag: 'connect-timeout-status',
    kind: 'int',
    value: 'STATUS',
    group: 'unconfirmed',
    default: 504,
    min: 400,
    max: 599,
    unit: 'HTTP status',
    help: 'UNCONFIRMED: handshake status when `$connect` times out',
  },

  {
    key: 'quiet',
    flag: 'quiet',
    kind: 'flag',
    group: 'output',
    default: false,
    defaultText: '—',
    help: 'log errors only',
  },
]

export const GROUP_TITLES: Record<OptionGroup, string> = {
  server: 'API',
  backend: 'Your backend (Lambda runtime)',
  timing: 'Timing',
  auth: 'Authorization and Cognito',
  limits: 'Limits and throttling',
  access: 'Who may connect (browsers)',
  unconfirmed: 'Behaviour not fully confirmed on AWS (defaults are best guesses)',
  output: 'Output',
}

/** The table's defaults as an options object. */
export function tableDefaults(): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {}
  for (const row of OPTION_TABLE) if (row.default !== undefined) out[row.key] = row.default
  return out
}

/** "from 0.001 to 2147483 seconds" */
export function rangeText(row: OptionSpec): string {
  return `${row.min} to ${row.max}${row.unit ? ` ${row.unit}` : ''}`
}

function defaultText(row: OptionSpec): string {
  if (row.defaultText !== undefined) return row.defaultText
  if (row.default === undefined) return '—'
  if (typeof row.default === 'boolean') return row.default ? 'on' : 'off'
  return String(row.default)
}

export function flagUsage(row: OptionSpec): string {
  return `--${row.flag}${row.value ? ` ${row.value}` : ''}`
}

/** The README's flag table (between the `flags:start` and `flags:end` markers). */
export function readmeFlagTable(): string {
  const lines = ['| Flag | Default | Range | Meaning |', '| --- | --- | --- | --- |']
  const cell = (s: string) => s.replace(/\|/g, '\\|')
  for (const row of OPTION_TABLE) {
    const range = row.min !== undefined ? rangeText(row) : row.choices ? row.choices.join(', ') : ''
    const def = defaultText(row)
    lines.push(
      `| \`${cell(flagUsage(row))}\` | ${def === '—' ? '—' : `\`${cell(def)}\``} | ${cell(range)} | ${cell(row.help)} |`,
    )
  }
  return lines.join('\n')
}

/** The --help text. */
export function helpText(): string {
  const lines = [
    'Local AWS API Gateway WebSocket emulator: WebSocket API, @connections, Cognito Identity, SigV4.',
    '',
    'Usage: npm run gateway -- [flags]      (or: npx tsx gateway/src/cli.ts [flags])',
  ]
  for (const [group, title] of Object.entries(GROUP_TITLES)) {
    lines.push('', `${title}:`)
    for (const row of OPTION_TABLE.filter((r) => r.group === group)) {
      const extra: string[] = []
      const def = defaultText(row)
      if (def !== '—') extra.push(`default ${def}`)
      if (row.min !== undefined) extra.push(rangeText(row))
      const help = row.help.replace(/`/g, '') + (extra.length ? ` (${extra.join('; ')})` : '')
      lines.push(`  ${flagUsage(row)}`.padEnd(47) + help)
    }
  }
  lines.push(
    '',
    '  -h, --help'.padEnd(47) + 'this text',
    '',
    'Seconds may be fractional (--idle-timeout 0.5). See gateway/README.md.',
  )
  return lines.join('\n')
}
