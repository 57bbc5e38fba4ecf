import { createHash, randomBytes, randomUUID } from 'node:crypto'

/**
 * API Gateway ids (connectionId, requestId, messageId) are 16 characters: URL-safe base64 of 11 random bytes plus
 * one `=` pad, e.g. `L0SM9cOFvHcCIhw=`. Real ids end in `=`, which makes clients exercise the `%3D` encoding path.
 */
export function awsId(): string {
  return randomSlice(11).toString('base64url') + '='
}

// Ids are made several times per message; one randomBytes call per 4 KB instead of one per id.
const POOL_SIZE = 4096
let pool = randomBytes(POOL_SIZE)
let offset = 0

function randomSlice(size: number): Buffer {
  if (offset + size > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE)
    offset = 0
  }
  const slice = pool.subarray(offset, offset + size)
  offset += size
  return slice
}

/** The x-amzn-RequestId header API Gateway puts on HTTP responses is a UUID. */
export function httpRequestId(): string {
  return randomUUID()
}

/** x-amz-apigw-id: a short base64 id with one pad, e.g. `Fu1CDEeboAMFYNg=`. */
export function apigwId(): string {
  return awsId()
}

/** X-Amzn-Trace-Id as X-Ray writes it: Root=1-{epoch seconds hex}-{96-bit random hex}. */
export function traceId(now = Date.now()): string {
  return `Root=1-${Math.floor(now / 1000).toString(16)}-${randomBytes(12).toString('hex')}`
}

/** A UUID-shaped (version 4 layout) id derived from a seed, so the same seed always gives the same id. */
export function stableUuid(seed: string): string {
  const bytes = createHash('sha256').update(seed).digest().subarray(0, 16)
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** Temporary access key ids start with ASIA and are 20 upper-case characters in total. */
export function temporaryAccessKeyId(): string {
  const bytes = randomBytes(16)
  let id = 'ASIA'
  for (const byte of bytes) id += KEY_ALPHABET[byte & 31]
  return id
}

/** A 40-character secret access key, the length AWS uses. */
export function secretAccessKey(): string {
  return randomBytes(30).toString('base64')
}

export function sessionToken(): string {
  return 'IQoJLocalGateway' + randomBytes(180).toString('base64')
}
