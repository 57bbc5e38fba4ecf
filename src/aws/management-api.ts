import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi'
import { FetchHttpHandler } from '@smithy/fetch-http-handler'
import type { ManagementCall } from '@/core/management/aws-cli'
import { RELAY_PATH, RELAY_TARGET_HEADER } from '@/core/management/relay-protocol'

/** Keys the page signs with itself (Cognito's or pasted ones), kept in memory only. */
export interface AwsKeys {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}

export interface ManagementTarget {
  endpoint: string
  region: string
  credentials: AwsKeys
  /** Send through the playground's relay (same origin), for real AWS, whose @connections has no CORS. */
  relay?: boolean
}

export interface ConnectionInfo {
  connectedAt?: string
  lastActiveAt?: string
  sourceIp?: string
  userAgent?: string
}

export type ManagementOutcome =
  | {
      ok: true
      op: ManagementCall['op']
      latencyMs: number
      status: number
      connection?: ConnectionInfo
      requestId?: string
    }
  | {
      ok: false
      op: ManagementCall['op']
      latencyMs: number
      status?: number
      name: string
      message: string
      requestId?: string
      /** Set when the playground's server-side signer, not AWS, gave the error. */
      signer?: 'missing' | 'no-credentials' | 'sso-login' | 'refused' | 'bad-request'
    }

/**
 * Sends the request, already signed for the real host, to the relay on this page's own origin instead; the relay
 * forwards it unchanged. The target goes in a header the signature does not cover.
 */
class RelayHandler extends FetchHttpHandler {
  override handle(...[request, options]: Parameters<FetchHttpHandler['handle']>) {
    const port = request.port ? `:${request.port}` : ''
    const target = `${request.protocol}//${request.hostname}${port}${request.path}`
    const origin = new URL(location.href)
    request.headers[RELAY_TARGET_HEADER] = target
    request.protocol = origin.protocol
    request.hostname = origin.hostname
    request.port = origin.port ? Number(origin.port) : undefined
    request.path = RELAY_PATH
    return super.handle(request, options)
  }
}

const clients = new Map<string, ApiGatewayManagementApiClient>()

export function forgetClients(): void {
  for (const client of clients.values()) client.destroy()
  clients.clear()
}

function clientFor(target: ManagementTarget): ApiGatewayManagementApiClient {
  const key = `${target.endpoint}|${target.region}|${target.credentials.accessKeyId}|${target.relay ? 'relay' : 'direct'}`
  let client = clients.get(key)
  if (!client) {
    // One client per credentials; old ones are dropped so expired secrets are not kept around.
    clients.clear()
    client = new ApiGatewayManagementApiClient({
      endpoint: target.endpoint,
      region: target.region,
      credentials: {
        accessKeyId: target.credentials.accessKeyId,
        secretAccessKey: target.credentials.secretAccessKey,
        sessionToken: target.credentials.sessionToken,
        expiration: target.credentials.expiration,
      },
      maxAttempts: 1,
      ...(target.relay ? { requestHandler: new RelayHandler() } : {}),
    })
    clients.set(key, client)
  }
  return client
}

export async function callManagementApi(call: ManagementCall, target: ManagementTarget): Promise<ManagementOutcome> {
  const client = clientFor(target)
  const started = performance.now()
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10
  // The SDK reports every success the same way; only the status it falls back to differs.
  const succeeded = (metadata: { httpStatusCode?: number; requestId?: string }, fallbackStatus: number) => ({
    ok: true as const,
    op: call.op,
    latencyMs: elapsed(),
    status: metadata.httpStatusCode ?? fallbackStatus,
    requestId: metadata.requestId,
  })
  try {
    if (call.op === 'PostToConnection') {
      const out = await client.send(new PostToConnectionCommand({ ConnectionId: call.connectionId, Data: call.data }))
      return succeeded(out.$metadata, 200)
    }
    if (call.op === 'GetConnection') {
      const out = await client.send(new GetConnectionCommand({ ConnectionId: call.connectionId }))
      return {
        ...succeeded(out.$metadata, 200),
        connection: {
          connectedAt: out.ConnectedAt?.toISOString(),
          lastActiveAt: out.LastActiveAt?.toISOString(),
          sourceIp: out.Identity?.SourceIp,
          userAgent: out.Identity?.UserAgent ?? undefined,
        },
      }
    }
    const out = await client.send(new DeleteConnectionCommand({ ConnectionId: call.connectionId }))
    return succeeded(out.$metadata, 204)
  } catch (e) {
    const error = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; requestId?: string } }
    return {
      ok: false,
      op: call.op,
      latencyMs: elapsed(),
      status: error.$metadata?.httpStatusCode,
      name: error.name ?? 'Error',
      message: error.message ?? String(e),
      requestId: error.$metadata?.requestId,
    }
  }
}

/**
 * A failed fetch is either CORS (the server answered, the browser hid it) or no server at all. An opaque
 * no-cors request tells them apart: it succeeds whenever anything answers.
 */
export async function isReachable(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { mode: 'no-cors', cache: 'no-store' })
    return true
  } catch {
    return false
  }
}
