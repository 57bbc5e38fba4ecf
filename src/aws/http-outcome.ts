import type { ManagementCall } from '@/core/management/aws-cli'
import type { ManagementOutcome } from './management-api'

/** A @connections answer read from plain HTTP (the server-side signer, or no signing), as the SDK would report it. */
export async function outcomeFromResponse(
  op: ManagementCall['op'],
  response: Response,
  latencyMs: number,
): Promise<ManagementOutcome> {
  const text = await response.text()
  const requestId = response.headers.get('x-amzn-requestid') ?? undefined
  if (response.ok) {
    const outcome: ManagementOutcome = { ok: true, op, latencyMs, status: response.status, requestId }
    if (op === 'GetConnection') {
      try {
        const body = JSON.parse(text) as {
          connectedAt?: string
          lastActiveAt?: string
          identity?: { sourceIp?: string; userAgent?: string }
        }
        outcome.connection = {
          connectedAt: body.connectedAt,
          lastActiveAt: body.lastActiveAt,
          sourceIp: body.identity?.sourceIp,
          userAgent: body.identity?.userAgent,
        }
      } catch {
        // A description we cannot read still counts as a successful call.
      }
    }
    return outcome
  }
  // AWS names the error in a header; the body may be empty (410) or JSON with a message.
  let message = ''
  try {
    const body = JSON.parse(text) as { message?: unknown; Message?: unknown }
    message = String(body.message ?? body.Message ?? '')
  } catch {
    message = text.slice(0, 500)
  }
  const name =
    response.headers.get('x-amzn-errortype')?.split(':')[0] ||
    (response.status === 410 ? 'GoneException' : `HTTP ${response.status}`)
  return { ok: false, op, latencyMs, status: response.status, name, message, requestId }
}

export function elapsedSince(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10
}
