import type { ManagementApi, ManagementResult } from './types'

type FetchLike = (
  url: string,
  init?: { method?: string; body?: string },
) => Promise<{
  ok: boolean
  status: number
  headers: { get(name: string): string | null }
  text(): Promise<string>
}>

/**
 * @connections over plain, unsigned fetch: enough for the local gateway with auth none (which sends CORS headers).
 * Real AWS needs SigV4, which the page's SDK-backed implementation does.
 */
export function fetchManagement(connectionsUrl: string, fetchImpl: FetchLike = fetch): ManagementApi {
  const base = connectionsUrl.replace(/\/+$/, '')
  const call = async (method: 'POST' | 'GET', connectionId: string, body?: string): Promise<ManagementResult> => {
    const response = await fetchImpl(`${base}/@connections/${encodeURIComponent(connectionId)}`, { method, body })
    const text = await response.text()
    const result: ManagementResult = { ok: response.ok, status: response.status }
    // AWS names the error in a header only (spec §4.2): a 410 body is empty or not JSON.
    const name = response.headers.get('x-amzn-errortype')?.split(':')[0]
    if (name) result.name = name
    else if (response.status === 410) result.name = 'GoneException'
    if (method === 'GET' && response.ok) {
      try {
        const parsed = JSON.parse(text) as { lastActiveAt?: unknown }
        if (typeof parsed.lastActiveAt === 'string') result.lastActiveAt = parsed.lastActiveAt
      } catch {
        // A description we cannot read still counts as a successful call.
      }
    }
    return result
  }
  return {
    post: (connectionId, data) => call('POST', connectionId, data),
    get: (connectionId) => call('GET', connectionId),
  }
}
