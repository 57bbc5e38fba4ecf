import { describeEndpoint, isLoopback } from '../session/endpoint'

/**
 * The @connections (management API) endpoint for a WebSocket URL, in the form the AWS SDK takes as `endpoint`:
 * - execute-api hosts: https://{api}.execute-api.{region}.amazonaws.com/{stage}
 * - custom domains: https://{domain}/{base path}, without the stage (API mappings put the stage behind the domain)
 * - the local gateway: http://127.0.0.1:{port}/{stage}
 */
export interface ManagementEndpoint {
  endpoint: string
  kind: 'aws' | 'custom-domain' | 'local'
  region?: string
  apiId?: string
  stage?: string
}

export function managementEndpointFor(wsUrl: string): ManagementEndpoint | undefined {
  let url: URL
  try {
    url = new URL(wsUrl)
  } catch {
    return undefined
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return undefined
  const info = describeEndpoint(wsUrl)
  const path = url.pathname.replace(/\/+$/, '')
  if (info.kind === 'aws') {
    return {
      endpoint: `https://${url.host}/${info.stage ?? ''}`.replace(/\/$/, ''),
      kind: 'aws',
      region: info.region,
      apiId: info.apiId,
      stage: info.stage,
    }
  }
  if (isLoopback(url.hostname)) {
    return {
      endpoint: `${url.protocol === 'wss:' ? 'https' : 'http'}://${url.host}${path}`,
      kind: 'local',
      stage: info.stage,
    }
  }
  return { endpoint: `https://${url.host}${path}`, kind: 'custom-domain' }
}

/** The URL of one connection: ids like `L0SM9cOFvHcCIhw=` must be percent-encoded (`=` → %3D). */
export function connectionUrl(endpoint: string, connectionId: string): string {
  return `${endpoint.replace(/\/+$/, '')}/@connections/${encodeURIComponent(connectionId)}`
}

/** Check an edited endpoint: the SDK needs an absolute http(s) URL. */
export function checkManagementEndpoint(input: string): string | undefined {
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    return 'Enter the management endpoint as an https:// URL, e.g. https://abc123.execute-api.us-east-1.amazonaws.com/prod.'
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return 'The management endpoint is an https:// URL (http:// for the local gateway), not ws://.'
  if (/\/@connections/.test(url.pathname)) return 'Leave out /@connections: the SDK adds it.'
  return undefined
}
