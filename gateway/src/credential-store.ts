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

/** Bounded: expired Cognito keys are swept, and the oldest go first past `maxEntries`. */
export class CredentialStore {
  private readonly issued = new Map<string, KnownCredentials>()
  private readonly permanent = new Map<string, KnownCredentials>()

  constructor(
    permanent: StaticCredentials[],
    private readonly maxEntries = 20_000,
    private readonly clock: Clock = realClock,
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

  issue(accessKeyId: string, creds: KnownCredentials): void {
    this.sweep(this.clock.now())
    while (this.issued.size >= this.maxEntries) {
      const oldest = this.issued.keys().next().value
      if (oldest === undefined) break
      this.issued.delete(oldest)
    }
    this.issued.set(accessKeyId, creds)
  }

  lookup(accessKeyId: string): KnownCredentials | undefined {
    return this.permanent.get(accessKeyId) ?? this.issued.get(accessKeyId)
  }

  get size(): number {
    return this.issued.size
  }

  /** Keeps expired keys for an hour, so a late request gets "expired" rather than "invalid". */
  private sweep(now: number): void {
    // Insertion order is issue order and lifetimes are equal, so stop at the first key still worth keeping.
    for (const [id, c] of this.issued) {
      if (c.expiresAt === undefined || c.expiresAt + 3_600_000 >= now) break
      this.issued.delete(id)
    }
  }
}
