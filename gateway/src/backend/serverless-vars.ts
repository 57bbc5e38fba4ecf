/**
 * Serverless Framework variables (`${self:custom.x}`, `${opt:stage, 'dev'}`, `${env:NAME}`, `${sls:stage}`,
 * `${aws:region}`…), resolved the way `serverless deploy` would from this machine. Sources that need AWS or other
 * files (ssm, s3, cf, file(), param) are not read: the fallback is used when there is one, and a warning names them.
 */

export interface VariableContext {
  stage: () => string
  region: () => string
  accountId: string
  options: Record<string, string | undefined>
  warn: (message: string) => void
}

// Innermost `${source:...}` first, so nested variables resolve from the inside out.
const VARIABLE = /\$\{((?:self|opt|sls|env|aws|param|ssm|s3|cf|file|git|strToBool)(?::|\()[^${}]*)\}/

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function lookupPath(root: unknown, path: string): unknown {
  let value: unknown = root
  for (const step of path.split('.').filter(Boolean)) {
    if (!isObject(value) && !Array.isArray(value)) return undefined
    value = (value as Record<string, unknown>)[step]
  }
  return value
}

/** `a, 'b'` → ['a', "'b'"], splitting at the first top-level comma. */
function splitFallback(inner: string): [string, string | undefined] {
  const comma = inner.indexOf(',')
  return comma < 0 ? [inner.trim(), undefined] : [inner.slice(0, comma).trim(), inner.slice(comma + 1).trim()]
}

function literal(text: string): unknown {
  const quoted = /^(['"])(.*)\1$/s.exec(text)
  if (quoted) return quoted[2]
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text)
  if (text === 'true' || text === 'false') return text === 'true'
  if (text === 'null') return null
  return text
}

export class ServerlessVariables {
  private depth = 0

  constructor(
    private readonly root: Record<string, unknown>,
    private readonly c: VariableContext,
  ) {}

  /** Resolves every variable inside a value (objects and lists included). */
  resolve(value: unknown, where: string): unknown {
    if (typeof value === 'string') return this.string(value, where)
    if (Array.isArray(value)) return value.map((v, i) => this.resolve(v, `${where}[${i}]`))
    if (isObject(value)) {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value)) out[k] = this.resolve(v, `${where}.${k}`)
      return out
    }
    return value
  }

  private string(text: string, where: string): unknown {
    let current: unknown = text
    for (let round = 0; round < 20 && typeof current === 'string'; round++) {
      const m = VARIABLE.exec(current)
      if (!m) return current
      const value = this.variable(m[1]!, where)
      // A string that is exactly one variable takes the variable's value as is (an object, a number…).
      current =
        m[0] === current
          ? value
          : current.slice(0, m.index) +
            (value === undefined ? '' : String(value)) +
            current.slice(m.index + m[0].length)
    }
    return current
  }

  private variable(inner: string, where: string): unknown {
    const [main, fallbackText] = splitFallback(inner)
    let value: unknown
    const colon = main.indexOf(':')
    const source = main.slice(0, colon < 0 ? main.indexOf('(') : colon)
    const arg = main.slice(colon + 1)
    switch (source) {
      case 'self':
        if (this.depth > 10) throw new Error(`${where}: \${${inner}} refers to itself`)
        this.depth++
        try {
          value = this.resolve(lookupPath(this.root, arg), where)
        } finally {
          this.depth--
        }
        break
      case 'opt':
        value = arg === 'stage' ? this.c.options.stage : arg === 'region' ? this.c.options.region : this.c.options[arg]
        break
      case 'sls':
        value = arg === 'stage' ? this.c.stage() : arg === 'instanceId' ? 'local' : undefined
        break
      case 'env':
        value = process.env[arg]
        break
      case 'aws':
        value = arg === 'region' ? this.c.region() : arg === 'accountId' ? this.c.accountId : undefined
        break
      default:
        if (fallbackText === undefined)
          this.c.warn(`${where}: \${${inner}} is not read offline (${source}); the value is left empty`)
    }
    if (value === undefined && fallbackText !== undefined) {
      if (fallbackText.startsWith('${')) return this.string(fallbackText, where)
      if (/^[a-zA-Z]+:/.test(fallbackText)) return this.variable(fallbackText, where)
      return literal(fallbackText)
    }
    if (value === undefined && ['self', 'opt', 'sls', 'env', 'aws'].includes(source))
      this.c.warn(`${where}: \${${inner}} has no value and no fallback; it is left empty`)
    return value
  }
}
