import { connectionsArn, evaluate } from './iam'
import { LOCAL_ACCOUNT_ID, type BackendFunction } from './model'
import type { FunctionCredentials } from './lambda-runtime'

/**
 * Each function calls `@connections` with credentials of its own; the checker finds the function by the access key
 * in the request's SigV4 signature and evaluates its role's statements, as IAM does for the deployed function.
 * Calls signed with any other key (the page, a CLI profile, the built-in handlers) are not checked here.
 */

export interface ConnectionsCall {
  method: string
  connectionId: string
  rawHeaders: string[]
  query: string
}

export interface Denial {
  status: number
  errorType: string
  body: Record<string, string>
  log: string
}

export type PermissionMode = 'enforce' | 'warn' | 'off'

const ACTION = 'execute-api:ManageConnections'

/** The access key id of a SigV4-signed request: the Authorization header's Credential, or X-Amz-Credential. */
export function signingKey(rawHeaders: string[], query: string): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() !== 'authorization') continue
    const m = /Credential=([^/,\s]+)\//.exec(rawHeaders[i + 1]!)
    if (m) return m[1]
  }
  const credential = new URLSearchParams(query).get('X-Amz-Credential')
  return credential?.split('/')[0] || undefined
}

export class PermissionChecker {
  private readonly byKey = new Map<string, BackendFunction>()

  constructor(
    functions: readonly BackendFunction[],
    credentials: Map<string, FunctionCredentials>,
    private readonly o: {
      mode: PermissionMode
      region: string
      apiId: string
      stage: string
      log: (line: string) => void
    },
  ) {
    for (const fn of functions) {
      const key = credentials.get(fn.name)?.accessKeyId
      if (key) this.byKey.set(key, fn)
    }
  }

  check(call: ConnectionsCall): Denial | undefined {
    if (this.o.mode === 'off') return undefined
    const key = signingKey(call.rawHeaders, call.query)
    const fn = key === undefined ? undefined : this.byKey.get(key)
    const statements = fn?.role.statements
    if (!fn || !statements) return undefined
    const resource = connectionsArn(
      this.o.region,
      LOCAL_ACCOUNT_ID,
      this.o.apiId,
      this.o.stage,
      call.method,
      call.connectionId,
    )
    const decision = evaluate(statements, ACTION, resource)
    if (decision.allowed) return undefined
    const why = decision.deniedBy
      ? `an explicit Deny (${JSON.stringify(decision.deniedBy)}) matches`
      : `no statement allows it; the role needs { Effect: Allow, Action: ${ACTION}, Resource: arn:aws:execute-api:${this.o.region}:*:${this.o.apiId}/${this.o.stage}/${call.method}/@connections/* }`
    const line = `@connections ${call.method} ${call.connectionId} by ${fn.name}: its role ${fn.role.roleName} may not ${ACTION} on ${resource}: ${why}`
    if (this.o.mode === 'warn') {
      this.o.log(`${line} (allowed: --permissions warn; AWS answers 403 AccessDeniedException)`)
      return undefined
    }
    // AWS masks the account id in this message (********1234).
    const masked = resource.replace(`:${LOCAL_ACCOUNT_ID}:`, `:********${LOCAL_ACCOUNT_ID.slice(-4)}:`)
    return {
      status: 403,
      errorType: 'AccessDeniedException',
      body: {
        Message: `User: arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/${fn.role.roleName}/${fn.name} is not authorized to perform: ${ACTION} on resource: ${masked}`,
      },
      log: `${line} → 403 AccessDeniedException`,
    }
  }
}
