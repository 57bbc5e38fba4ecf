import type { CollectionRecord } from './connection-collection'
import { MAX_CONNECTIONS, MAX_NAME_LENGTH } from './connection-collection'
import { withoutSecrets } from './endpoint'
import { DEFAULT_CONNECTION_SETTINGS, type ConnectionRecord, type ConnectionSettings } from './page-connection'
import type { ProfileId } from './timeout-profiles'

const PROFILES: readonly ProfileId[] = ['aws', 'article', 'custom']
const MAX_TEXT = 8192

/**
 * Reads a tab's saved connections (sessionStorage). Anything stored by an older version or edited by hand is checked,
 * never trusted: unknown fields are dropped, bad values fall back to defaults, and a record that cannot be read at all
 * gives undefined (the tab then starts with one fresh connection).
 */
export function parseCollectionRecord(raw: string | null): CollectionRecord | undefined {
  if (!raw) return undefined
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return undefined
  }
  if (!isObject(value) || !Array.isArray(value.connections)) return undefined
  const connections: ConnectionRecord[] = []
  const ids = new Set<string>()
  const names = new Set<string>()
  for (const item of value.connections.slice(0, MAX_CONNECTIONS)) {
    const record = parseConnection(item)
    if (!record || ids.has(record.id) || names.has(record.name.toLowerCase())) continue
    ids.add(record.id)
    names.add(record.name.toLowerCase())
    connections.push(record)
  }
  if (connections.length === 0) return undefined
  const selectedId =
    typeof value.selectedId === 'string' && ids.has(value.selectedId) ? value.selectedId : connections[0]!.id
  return { selectedId, connections }
}

function parseConnection(value: unknown): ConnectionRecord | undefined {
  if (!isObject(value)) return undefined
  const { id, name, colour } = value
  if (typeof id !== 'string' || !/^c[1-9]\d{0,8}$/.test(id)) return undefined
  if (typeof name !== 'string' || !name.trim() || name.trim().length > MAX_NAME_LENGTH) return undefined
  if (typeof colour !== 'string' || !/^#[0-9a-f]{6}$/i.test(colour)) return undefined
  const s = isObject(value.settings) ? value.settings : {}
  const d = DEFAULT_CONNECTION_SETTINGS
  const text = (v: unknown, fallback: string) => (typeof v === 'string' && v.length <= MAX_TEXT ? v : fallback)
  const number = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)
  const settings: ConnectionSettings = {
    // Stored without credentials; stripped again in case a hand-edited record carries some.
    endpoint: withoutSecrets(text(s.endpoint, d.endpoint)),
    protocols: text(s.protocols, d.protocols),
    keepaliveSeconds: number(s.keepaliveSeconds, d.keepaliveSeconds),
    keepalivePayload: text(s.keepalivePayload, d.keepalivePayload),
    profileId: PROFILES.includes(s.profileId as ProfileId) ? (s.profileId as ProfileId) : d.profileId,
    customIdleSeconds: number(s.customIdleSeconds, d.customIdleSeconds),
    customMaxSeconds: number(s.customMaxSeconds, d.customMaxSeconds),
    reconnect: s.reconnect === true,
    handshakeTimeoutSeconds: number(s.handshakeTimeoutSeconds, d.handshakeTimeoutSeconds),
  }
  return { id, name: name.trim(), colour, keepaliveEnabled: value.keepaliveEnabled === true, settings }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
