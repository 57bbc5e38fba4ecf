import { OPTION_TABLE, type OptionSpec } from './option-table'
import type { GatewayOptions, StaticCredentials } from './options'

/**
 * Command-line parsing, driven by the option table (src/option-table.ts): every flag maps to the `startGateway` option
 * of its row. Ranges are checked afterwards by resolveOptions, so the CLI and the API give the same messages.
 */

export { helpText } from './option-table'

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

/**
 * `--parameter-overrides` values, as `sam deploy` takes them: `Key=Value` or `ParameterKey=Key,ParameterValue=Value`,
 * several in one argument when separated by spaces before the next `Key=` (`"Stage=prod Loud=no"`).
 */
export function parsePairs(flag: string, arg: string, into: Record<string, string>): Record<string, string> {
  for (const item of arg.trim().split(/\s+(?=[A-Za-z0-9]+=)/)) {
    const long = /^ParameterKey=([^,]*),ParameterValue=(.*)$/s.exec(item)
    const eq = item.indexOf('=')
    const [key, value] = long ? [long[1]!, long[2]!] : [item.slice(0, eq), item.slice(eq + 1)]
    if (eq <= 0 || !/^[A-Za-z0-9]+$/.test(key))
      throw new UsageError(
        `--${flag} takes KEY=VALUE pairs (KEY letters and digits, as a template parameter's name), got "${item}"`,
      )
    into[key] = value
  }
  return into
}

/** Parses argv (without node and the script). Throws UsageError with a one-line message. */
export function parseArgs(argv: string[]): CliResult {
  const options: Record<string, unknown> = {}
  const byName = new Map(OPTION_TABLE.map((row) => [row.flag, row]))
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') return { help: true }
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}" (flags start with --; see --help)`)
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq < 0 ? undefined : eq)
    const row = byName.get(name)
    if (!row) throw new UsageError(`unknown flag --${name} (see --help)`)
    if (row.kind === 'flag') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`)
      options[row.key] = !row.flag.startsWith('no-')
      continue
    }
    if (row.kind === 'pairs') {
      // Every argument up to the next flag, as `sam deploy --parameter-overrides A=1 B=2`.
      const values = eq >= 0 ? [arg.slice(eq + 1)] : []
      while (eq < 0 && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) values.push(argv[++i]!)
      if (values.length === 0) throw new UsageError(`--${name} needs a value (${row.value})`)
      const previous = (options[row.key] as Record<string, string> | undefined) ?? {}
      options[row.key] = values.reduce((into, value) => parsePairs(name, value, into), previous)
      continue
    }
    let value: string
    if (eq >= 0) value = arg.slice(eq + 1)
    else {
      const next = argv[i + 1]
      if (next === undefined || (next.startsWith('--') && next.length > 2))
        throw new UsageError(`--${name} needs a value (${row.value})`)
      value = next
      i++
    }
    options[row.key] = convert(row, value, options[row.key])
  }
  return { help: false, options: options as GatewayOptions }
}

function convert(row: OptionSpec, value: string, previous: unknown): unknown {
  switch (row.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`--${row.flag} must be a whole number, got "${value}"`)
      return Number(value)
    }
    case 'number': {
      const n = Number(value)
      if (value.trim() === '' || !Number.isFinite(n))
        throw new UsageError(`--${row.flag} must be a number, got "${value}"`)
      return n
    }
    case 'onoff':
      return parseOnOff(row.flag, value)
    case 'list':
      return [...((previous as string[] | undefined) ?? []), value]
    case 'credential':
      return [...((previous as StaticCredentials[] | undefined) ?? []), parseCredential(value)]
    case 'choice':
      if (!row.choices!.includes(value))
        throw new UsageError(`--${row.flag} must be ${row.choices!.join(' or ')}, got "${value}"`)
      return value
    default:
      return value
  }
}
