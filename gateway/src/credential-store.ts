import { realClock, type Clock } from './clock'
import type { StaticCredentials } from './options'

/**
 * The fixed "Lambda execution role" credentials the gateway hands to handlers through AWS_* variables. They are the
 * same in every gateway instance (several can share one process in tests), and every instance's verifier accepts
 * them, so the handlers' own @connections calls pass IAM mode too. They are not secret: the gateway is local only.
 */
export const LAMBDA_ROLE_CREDENTIALS = {
  accessKeyId: 'ASIALOCALLAMBDAROLE1',
  secretAccessKey: 'localGatewayLambdaExecutionRoleSecretKey',
  sessionToken: 'LocalGatewayLambdaExecutionRoleSessionToken',
} as const

export interface KnownCredentials {
  secretAccessKey: string
  sessionToken?: string
  /** Epoch ms; undefined = never expires. */
  expiresAt?: number
  /** Where the key came from, for log lines. */
  source: string
}

/** Whether a key was stored, or why not. */
export type IssueResult = 'issued' | 'identity-full' | 'full'

/** Expired keys are kept this long, so a late request gets "expired" rather than "invalid" (while there is room). */
const EXPIRED_KEPT_MS = 3_600_000

/**
 * Issued (Cognito) keys, bounded without ever dropping a key that is still valid: past `maxEntries` in all, or
 * `maxPerOwner` for one identity, expired keys make room and, if none has expired, the new key is refused (the caller
 * answers TooManyRequestsException). A flood of credential requests thus fails itself instead of silently revoking
 * other clients' keys (it used to evict the oldest: a victim's valid key then got 403).
 */
export class CredentialStore {
  private readonly issued = new Map<string, KnownCredentials & { owner: string }>()
  private readonly permanent = new Map<string, KnownCredentials>()
  /** Keys held per owner (identity id); an owner leaves the map with its last key. */
  private readonly owners = new Map<string, number>()

  constructor(
    permanent: StaticCredentials[],
    private readonly maxEntries = 20_000,
    private readonly clock: Clock = realClock,
    private readonly maxPerOwner = 1000,
  ) {
    this.permanent.set(LAMBDA_ROLE_CREDENTIALS.accessKeyId, {
      ...LAMBDA_ROLE_CREDENTIALS,
      source: 'the local Lambda execution role',
    })
    for (const c of permanent) {
      this.permanent.set(c.accessKeyId, {
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        source: 'a configured credential',
      })
    }
  }

  /** Stores a key for `owner`, unless the store or the owner's share is full of keys that are still valid. */
  issue(accessKeyId: string, creds: KnownCredentials, owner: string): IssueResult {
    const now = this.clock.now()
    this.sweep(now - EXPIRED_KEPT_MS)
    const full = () => this.issued.size >= this.maxEntries
    const ownerFull = () => (this.owners.get(owner) ?? 0) >= this.maxPerOwner
    if (full() || ownerFull()) this.sweep(now)
    if (full()) return 'full'
    if (ownerFull()) return 'identity-full'
    this.issued.set(accessKeyId, { ...creds, owner })
    this.owners.set(owner, (this.owners.get(owner) ?? 0) + 1)
    return 'issued'
  }

  /** Keys one owner holds now. */
  heldBy(owner: string): number {
    return this.owners.get(owner) ?? 0
  }

  lookup(accessKeyId: string): KnownCredentials | undefined {
    return this.permanent.get(accessKeyId) ?? this.issued.get(accessKeyId)
  }

  get size(): number {
    return this.issued.size
  }

  /** Drops keys that expired before `before`. */
  private sweep(before: number): void {
    // Insertion order is issue order and lifetimes are equal, so stop at the first key still worth keeping.
    for (const [id, c] of this.issued) {
      if (c.expiresAt === undefined || c.expiresAt >= before) break
      this.issued.delete(id)
      const held = (this.owners.get(c.owner) ?? 1) - 1
      if (held > 0) this.owners.set(c.owner, held)
      else this.owners.delete(c.owner)
    }
  }
}
