/**
 * The local gateway's default backend, written as Lambda code for AWS: every reply to the client goes through the
 * @connections management API with the AWS SDK, exactly as a deployed function would do it (the gateway plays the
 * Lambda runtime and gives this code credentials and a region through the usual AWS_* variables).
 *
 * Routes (route selection expression `$request.body.action`):
 *   $connect     accepts, and picks the first subprotocol the client offered (AWS needs $connect to choose one)
 *   $disconnect  forgets the connection
 *   $default     posts {"endpoint", "connectionId", "request"} back, the sample backend of the original article
 *   whoami       posts {"connectionId"}
 *   echo         two-way route: returns the message's `data` (or the whole message) as the route response
 *   ping         two-way route: returns {"action":"pong", ...}, for keepalives
 *   broadcast    posts {"action":"broadcast", "from", "data"} to every connection
 *
 * Deploying: either wire each route to its own function (`handlers.echo` …) or use `handler`, which dispatches on
 * routeKey. `broadcast` keeps connection ids in memory, which is what one warm Lambda holds and is enough for a local
 * demo; on AWS many instances run at once, so a real deployment keeps the ids in a table (DynamoDB) instead.
 */
import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi'
import type { WebSocketEvent, WebSocketRequestContext, WebSocketResult } from '../src/lambda-events'

type Handler = (event: WebSocketEvent) => Promise<WebSocketResult>

/** http for a local gateway (localhost, 127.x, [::1]), https for execute-api and custom domains. */
export function callbackEndpoint({ domainName, stage }: Pick<WebSocketRequestContext, 'domainName' | 'stage'>): string {
  const host = domainName.replace(/:\d+$/, '')
  const local =
    host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '[::1]' || host === '0.0.0.0'
  return `${local ? 'http' : 'https'}://${domainName}/${stage}`
}

// One client per endpoint, created once per warm instance: the SDK's agent keeps connections alive between calls.
const clients = new Map<string, ApiGatewayManagementApiClient>()

function managementClient(endpoint: string): ApiGatewayManagementApiClient {
  let client = clients.get(endpoint)
  if (!client) {
    client = new ApiGatewayManagementApiClient({ endpoint })
    clients.set(endpoint, client)
  }
  return client
}

async function post(context: WebSocketRequestContext, connectionId: string, data: string): Promise<void> {
  await managementClient(callbackEndpoint(context)).send(
    new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }),
  )
}

// Connection ids per API endpoint, for broadcast: what a single warm Lambda instance would know.
const connected = new Map<string, Set<string>>()

function parse(body: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body ?? '')
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value))

export const handlers: Record<string, Handler> = {
  async $connect(event) {
    const endpoint = callbackEndpoint(event.requestContext)
    let ids = connected.get(endpoint)
    if (!ids) connected.set(endpoint, (ids = new Set()))
    ids.add(event.requestContext.connectionId)
    const offered = Object.entries(event.headers ?? {}).find(
      ([name]) => name.toLowerCase() === 'sec-websocket-protocol',
    )?.[1]
    const protocol = offered?.split(',')[0]?.trim()
    return protocol ? { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': protocol } } : { statusCode: 200 }
  },

  async $disconnect(event) {
    const endpoint = callbackEndpoint(event.requestContext)
    const ids = connected.get(endpoint)
    ids?.delete(event.requestContext.connectionId)
    if (ids?.size === 0) connected.delete(endpoint)
    return { statusCode: 200 }
  },

  async $default(event) {
    const { connectionId } = event.requestContext
    const endpoint = callbackEndpoint(event.requestContext)
    await post(event.requestContext, connectionId, JSON.stringify({ endpoint, connectionId, request: event }))
    return { statusCode: 200 }
  },

  async whoami(event) {
    const { connectionId } = event.requestContext
    await post(event.requestContext, connectionId, JSON.stringify({ connectionId }))
    return { statusCode: 200 }
  },

  async echo(event) {
    const message = parse(event.body)
    const body = message && 'data' in message ? asText(message.data) : (event.body ?? '')
    return { statusCode: 200, body }
  },

  async ping(event) {
    const { requestId, requestTimeEpoch } = event.requestContext
    return {
      statusCode: 200,
      body: JSON.stringify({ action: 'pong', requestId, time: new Date(requestTimeEpoch).toISOString() }),
    }
  },

  async broadcast(event) {
    const { connectionId } = event.requestContext
    const message = parse(event.body)
    const data = JSON.stringify({ action: 'broadcast', from: connectionId, data: message?.data ?? null })
    const ids = connected.get(callbackEndpoint(event.requestContext)) ?? new Set<string>()
    await Promise.all(
      [...ids].map(async (id) => {
        try {
          await post(event.requestContext, id, data)
        } catch (error) {
          // A stale id (its $disconnect never arrived): forget it, as you would delete it from a table.
          if (error instanceof GoneException) ids.delete(id)
          else throw error
        }
      }),
    )
    return { statusCode: 200 }
  },
}

/** Two-way routes: API Gateway returns their `body` to the client (a `$default` route response on AWS). */
export const routeResponses = ['echo', 'ping']

/** Everything as one Lambda function, dispatching on the route key. */
export async function handler(event: WebSocketEvent): Promise<WebSocketResult> {
  const route = handlers[event.requestContext.routeKey] ?? handlers.$default!
  return route(event)
}
