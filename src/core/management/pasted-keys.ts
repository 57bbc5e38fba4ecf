/**
 * Access keys as users copy them: `aws configure export-credentials` (env and JSON formats), `aws sts
 * get-session-token` / `assume-role` JSON, a ~/.aws/credentials section, or the fields one by one.
 */
export interface PastedKeys {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /** Epoch ms, when the text says. */
  expiresAt?: number
}

export type PasteResult = { ok: true; keys: PastedKeys } | { ok: false; error: string }

const ACCESS_KEY_ID = /^[A-Z0-9]{4,128}$/
const NO_SPACE = /^\S+$/

type Fields = Partial<Record<'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration', string>>

/** Reads pasted text in any of the formats above. */
export function parsePastedKeys(text: string): PasteResult {
  const trimmed = text.trim()
  if (!trimmed)
    return {
      ok: false,
      error: 'Paste the output of `aws configure export-credentials` or `aws sts get-session-token`.',
    }
  const fields = trimmed.startsWith('{') ? fromJson(trimmed) : fromLines(trimmed)
  if ('error' in fields) return { ok: false, error: fields.error }
  return checkKeys(fields)
}

/** Checks the fields typed one by one (or read from a paste). */
export function checkKeys(fields: Fields): PasteResult {
  const accessKeyId = fields.accessKeyId?.trim() ?? ''
  const secretAccessKey = fields.secretAccessKey?.trim() ?? ''
  const sessionToken = fields.sessionToken?.trim() || undefined
  if (!accessKeyId || !secretAccessKey) {
    return {
      ok: false,
      error: `No ${accessKeyId ? 'secret access key' : 'access key id'} found: paste both the access key id and the secret access key.`,
    }
  }
  if (!ACCESS_KEY_ID.test(accessKeyId))
    return { ok: false, error: 'An access key id is capital letters and digits only, like AKIAIOSFODNN7EXAMPLE.' }
  if (!NO_SPACE.test(secretAccessKey)) return { ok: false, error: 'The secret access key cannot contain spaces.' }
  if (sessionToken && !NO_SPACE.test(sessionToken))
    return { ok: false, error: 'The session token cannot contain spaces.' }
  if (accessKeyId.startsWith('ASIA') && !sessionToken) {
    return {
      ok: false,
      error: 'ASIA… keys are temporary: paste their session token too (AWS_SESSION_TOKEN / SessionToken).',
    }
  }
  const keys: PastedKeys = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }
  const expiration = fields.expiration?.trim()
  if (expiration) {
    const at = Date.parse(expiration)
    if (Number.isNaN(at))
      return {
        ok: false,
        error: `The expiration “${expiration}” is not a date (expected ISO 8601, e.g. 2026-01-01T12:00:00Z).`,
      }
    keys.expiresAt = at
  }
  return { ok: true, keys }
}

function fromJson(text: string): Fields | { error: string } {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { error: 'The pasted text starts like JSON but is not valid JSON: paste the whole output.' }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { error: 'Expected a JSON object with AccessKeyId and SecretAccessKey.' }
  // STS wraps them in "Credentials"; export-credentials (the credential_process format) does not.
  const outer = parsed as Record<string, unknown>
  const inner =
    typeof outer.Credentials === 'object' && outer.Credentials !== null
      ? (outer.Credentials as Record<string, unknown>)
      : outer
  const text_ = (key: string) => (typeof inner[key] === 'string' ? (inner[key] as string) : undefined)
  return {
    accessKeyId: text_('AccessKeyId'),
    secretAccessKey: text_('SecretAccessKey'),
    sessionToken: text_('SessionToken'),
    expiration: text_('Expiration'),
  }
}

const LINE_NAMES: Record<string, keyof Fields> = {
  aws_access_key_id: 'accessKeyId',
  aws_secret_access_key: 'secretAccessKey',
  aws_session_token: 'sessionToken',
  aws_security_token: 'sessionToken',
  aws_credential_expiration: 'expiration',
}

/** `export AWS_X=…` (bash), `set AWS_X=…` (cmd), `$Env:AWS_X="…"` (PowerShell), `aws_x = …` (ini). */
function fromLines(text: string): Fields | { error: string } {
  const fields: Fields = {}
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+|set\s+|\$env:)?([A-Za-z_]+)\s*=\s*(.*?)\s*;?\s*$/i.exec(line)
    if (!match) continue
    const key = LINE_NAMES[match[1]!.toLowerCase()]
    if (key) fields[key] = unquote(match[2]!)
  }
  if (!fields.accessKeyId && !fields.secretAccessKey) {
    return {
      error:
        'No AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY found: paste the output of `aws configure export-credentials --format env` or its JSON.',
    }
  }
  return fields
}

function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(value)
  return quoted ? quoted[2]! : value
}
