import type { GatewayOptions, StaticCredentials } from './options'

/**
 * Command-line flags, one table for parsing and --help. Every flag maps to a `startGateway` option of the same
 * name in camelCase (`--idle-timeout` → `idleTimeout`).
 */

type Kind = 'int' | 'number' | 'string' | 'onoff' | 'list' | 'credential' | 'flag'

interface Flag {
  name: string
  key: keyof GatewayOptions
  kind: Kind
  value?: string
  help: string
  choices?: readonly string[]
  /** Section of the help text. */
  group: 'server' | 'timing' | 'auth' | 'limits' | 'unconfirmed' | 'output'
}

const FLAGS: Flag[] = [
  {
    name: 'port',
    key: 'port',
    kind: 'int',
    value: 'N',
    group: 'server',
    help: 'TCP port (default 4001; 0 picks a free one)',
  },
  {
    name: 'host',
    key: 'host',
    kind: 'string',
    value: 'HOST',
    group: 'server',
    help: 'interface to listen on (default 127.0.0.1)',
  },
  {
    name: 'stage',
    key: 'stage',
    kind: 'string',
    value: 'NAME',
    group: 'server',
    help: 'stage, the URL path (default dev)',
  },
  {
    name: 'region',
    key: 'region',
    kind: 'string',
    value: 'REGION',
    group: 'server',
    help: 'region for events, SigV4 and Cognito (default us-east-1)',
  },
  {
    name: 'api-id',
    key: 'apiId',
    kind: 'string',
    value: 'ID',
    group: 'server',
    help: 'requestContext.apiId (default localapi01)',
  },
  {
    name: 'domain-name',
    key: 'domainName',
    kind: 'string',
    value: 'HOST:PORT',
    group: 'server',
    help: 'requestContext.domainName (default 127.0.0.1:PORT)',
  },
  {
    name: 'handlers',
    key: 'handlers',
    kind: 'string',
    value: 'PATH',
    group: 'server',
    help: 'your handlers module (.ts/.js/.mjs), merged over the defaults',
  },
  {
    name: 'no-default-handlers',
    key: 'defaultHandlers',
    kind: 'flag',
    group: 'server',
    help: "don't load the default handlers",
  },
  {
    name: 'route-selection-expression',
    key: 'routeSelectionExpression',
    kind: 'string',
    value: 'EXPR',
    group: 'server',
    help: 'default $request.body.action',
  },
  {
    name: 'route-response',
    key: 'routeResponses',
    kind: 'list',
    value: 'ROUTE',
    group: 'server',
    help: 'make a route two-way (repeatable)',
  },
  {
    name: 'cors',
    key: 'cors',
    kind: 'onoff',
    value: 'on|off',
    group: 'server',
    help: 'CORS on @connections and Cognito (default on; AWS has none)',
  },
  {
    name: 'cors-max-age',
    key: 'corsMaxAge',
    kind: 'number',
    value: 'S',
    group: 'server',
    help: 'preflight cache seconds (default 600)',
  },
  {
    name: 'idle-timeout',
    key: 'idleTimeout',
    kind: 'number',
    value: 'S',
    group: 'timing',
    help: 'idle seconds before the gateway closes a socket (default 600)',
  },
  {
    name: 'max-duration',
    key: 'maxDuration',
    kind: 'number',
    value: 'S',
    group: 'timing',
    help: 'maximum connection seconds (default 7200)',
  },
  {
    name: 'integration-timeout-ms',
    key: 'integrationTimeoutMs',
    kind: 'int',
    value: 'MS',
    group: 'timing',
    help: 'handler deadline (default 29000)',
  },
  {
    name: 'auth',
    key: 'auth',
    kind: 'string',
    value: 'none|iam',
    choices: ['none', 'iam'],
    group: 'auth',
    help: 'iam = SigV4 on $connect and @connections (default none)',
  },
  {
    name: 'identity-pool',
    key: 'identityPools',
    kind: 'list',
    value: 'ID',
    group: 'auth',
    help: 'another Cognito identity pool id (repeatable)',
  },
  {
    name: 'credential',
    key: 'credentials',
    kind: 'credential',
    value: 'AKID:SECRET[:TOKEN]',
    group: 'auth',
    help: 'another key IAM mode accepts (repeatable)',
  },
  {
    name: 'credentials-lifetime',
    key: 'credentialsLifetime',
    kind: 'number',
    value: 'S',
    group: 'auth',
    help: 'Cognito credential lifetime (default 3600)',
  },
  {
    name: 'clock-skew',
    key: 'clockSkew',
    kind: 'number',
    value: 'S',
    group: 'auth',
    help: 'allowed SigV4 clock skew (default 300)',
  },
  {
    name: 'lambda-environment',
    key: 'lambdaEnvironment',
    kind: 'onoff',
    value: 'on|off',
    group: 'auth',
    help: 'set AWS_* credentials and region for handlers (default on)',
  },
  {
    name: 'max-frame-bytes',
    key: 'maxFrameBytes',
    kind: 'int',
    value: 'N',
    group: 'limits',
    help: 'close 1009 above this frame size (default 32768)',
  },
  {
    name: 'max-message-bytes',
    key: 'maxMessageBytes',
    kind: 'int',
    value: 'N',
    group: 'limits',
    help: 'close 1009 / 413 above this message size (default 131072)',
  },
  {
    name: 'new-connections-per-second',
    key: 'newConnectionsPerSecond',
    kind: 'number',
    value: 'N',
    group: 'limits',
    help: 'handshakes per second before 429; 0 = no limit (default 500)',
  },
  {
    name: 'max-url-length',
    key: 'maxUrlLength',
    kind: 'int',
    value: 'N',
    group: 'limits',
    help: 'longest URL accepted (default 4096)',
  },
  {
    name: 'idle-close-code',
    key: 'idleCloseCode',
    kind: 'int',
    value: 'CODE',
    group: 'unconfirmed',
    help: 'close code on idle timeout (default 1001)',
  },
  {
    name: 'idle-close-reason',
    key: 'idleCloseReason',
    kind: 'string',
    value: 'TEXT',
    group: 'unconfirmed',
    help: 'close reason on idle timeout (default "Going away")',
  },
  {
    name: 'max-duration-close-code',
    key: 'maxDurationCloseCode',
    kind: 'int',
    value: 'CODE',
    group: 'unconfirmed',
    help: 'close code at max duration (default 1001)',
  },
  {
    name: 'max-duration-close-reason',
    key: 'maxDurationCloseReason',
    kind: 'string',
    value: 'TEXT',
    group: 'unconfirmed',
    help: 'close reason at max duration (default "Going away")',
  },
  {
    name: 'ping-counts-as-activity',
    key: 'pingCountsAsActivity',
    kind: 'onoff',
    value: 'on|off',
    group: 'unconfirmed',
    help: 'client pings reset the idle timer (default off)',
  },
  {
    name: 'answer-pings',
    key: 'answerPings',
    kind: 'onoff',
    value: 'on|off',
    group: 'unconfirmed',
    help: 'answer client pings with pongs (default on)',
  },
  {
    name: 'post-data-frame',
    key: 'postDataFrame',
    kind: 'string',
    value: 'auto|text|binary',
    choices: ['auto', 'text', 'binary'],
    group: 'unconfirmed',
    help: 'frame type for @connections data (default auto)',
  },
  {
    name: 'outgoing-frame-bytes',
    key: 'outgoingFrameBytes',
    kind: 'int',
    value: 'N',
    group: 'unconfirmed',
    help: 'fragment outgoing messages (default 0 = one frame)',
  },
  {
    name: 'connect-without-status-code',
    key: 'connectWithoutStatusCode',
    kind: 'string',
    value: 'accept|reject',
    choices: ['accept', 'reject'],
    group: 'unconfirmed',
    help: 'a $connect result with no statusCode (default accept)',
  },
  {
    name: 'connect-timeout-status',
    key: 'connectTimeoutStatus',
    kind: 'int',
    value: 'STATUS',
    group: 'unconfirmed',
    help: 'handshake status when $connect times out (default 504)',
  },
  { name: 'quiet', key: 'quiet', kind: 'flag', group: 'output', help: 'log errors only' },
]

const GROUPS: Record<Flag['group'], string> = {
  server: 'API',
  timing: 'Timing',
  auth: 'Authorization and Cognito',
  limits: 'Limits',
  unconfirmed: 'Behaviour not confirmed on AWS (defaults are best guesses)',
  output: 'Output',
}

export class UsageError extends Error {}

export type CliResult = { help: true } | { help: false; options: GatewayOptions }

function parseOnOff(name: string, value: string): boolean {
  const v = value.toLowerCase()
  if (['on', 'true', 'yes', '1'].includes(v)) return true
  if (['off', 'false', 'no', '0'].includes(v)) return false
  throw new UsageError(`--${name} must be on or off, got "${value}"`)
}

function parseCredential(value: string): StaticCredentials {
  const [accessKeyId, secretAccessKey, ...token] = value.split(':')
  if (!accessKeyId || !secretAccessKey)
    throw new UsageError(`--credential must be ACCESS_KEY_ID:SECRET[:SESSION_TOKEN], got "${value}"`)
  return token.length
    ? { accessKeyId, secretAccessKey, sessionToken: token.join(':') }
    : { accessKeyId, secretAccessKey }
}

/** Parses argv (without node and the script). Throws UsageError with a one-line message. */
export function parseArgs(argv: string[]): CliResult {
  const options: Record<string, unknown> = {}
  const byName = new Map(FLAGS.map((f) => [f.name, f]))
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') return { help: true }
    if (!arg.startsWith('--'))
      throw new UsageError(`unexpected argument "${arg}" (flags start with --; see --help)`)
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq < 0 ? undefined : eq)
    const flag = byName.get(name)
    if (!flag) throw new UsageError(`unknown flag --${name} (see --help)`)
    if (flag.kind === 'flag') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`)
      options[flag.key] = flag.name.startsWith('no-') ? false : true
      continue
    }
    let value: string
    if (eq >= 0) value = arg.slice(eq + 1)
    else {
      const next = argv[i + 1]
      if (next === undefined || (next.startsWith('--') && next.length > 2))
        throw new UsageError(`--${name} needs a value (${flag.value})`)
      value = next
      i++
    }
    options[flag.key] = convert(flag, value, options[flag.key])
  }
  return { help: false, options: options as GatewayOptions }
}

function convert(flag: Flag, value: string, previous: unknown): unknown {
  switch (flag.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(value.trim()))
        throw new UsageError(`--${flag.name} must be a whole number, got "${value}"`)
      return Number(value)
    }
    case 'number': {
      const n = Number(value)
      if (value.trim() === '' || !Number.isFinite(n))
        throw new UsageError(`--${flag.name} must be a number, got "${value}"`)
      return n
    }
    case 'onoff':
      return parseOnOff(flag.name, value)
    case 'list':
      return [...((previous as string[] | undefined) ?? []), value]
    case 'credential':
      return [...((previous as StaticCredentials[] | undefined) ?? []), parseCredential(value)]
    default:
      if (flag.choices && !flag.choices.includes(value))
        throw new UsageError(`--${flag.name} must be ${flag.choices.join(' or ')}, got "${value}"`)
      return value
  }
}

export function helpText(): string {
  const lines = [
    'Local AWS API Gateway WebSocket emulator: WebSocket API, @connections, Cognito Identity, SigV4.',
    '',
    'Usage: npm run gateway -- [flags]      (or: npx tsx gateway/src/cli.ts [flags])',
  ]
  for (const [group, title] of Object.entries(GROUPS)) {
    lines.push('', `${title}:`)
    for (const f of FLAGS.filter((flag) => flag.group === group)) {
      const left = `  --${f.name}${f.value ? ` ${f.value}` : ''}`
      lines.push(left.padEnd(47) + f.help)
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
