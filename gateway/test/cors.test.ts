import { describe, expect, it } from 'vitest'
import { gatewayFor } from './helpers'

const ORIGIN = 'http://127.0.0.1:5173'
const SDK_HEADERS =
  'authorization,content-type,x-amz-date,x-amz-security-token,x-amz-content-sha256,x-amz-user-agent,amz-sdk-invocation-id,amz-sdk-request'

describe('CORS on (default, a local convenience)', async () => {
  const gw = await gatewayFor()

  it('answers @connections preflights: echoes the origin and requested headers, allows the methods, caches', async () => {
    const response = await fetch(`${gw.connectionsUrl}/@connections/AAAAAAAAAAAAAAA%3D`, {
      method: 'OPTIONS',
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': SDK_HEADERS,
      },
    })
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE, OPTIONS')
    expect(response.headers.get('access-control-allow-headers')).toBe(SDK_HEADERS)
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0)
    expect(response.headers.get('vary')).toContain('Origin')
  })

  it('answers Cognito preflights on /', async () => {
    const response = await fetch(`${gw.cognitoUrl}/`, {
      method: 'OPTIONS',
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-amz-target,x-amz-user-agent',
      },
    })
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type,x-amz-target,x-amz-user-agent')
  })

  it('puts Allow-Origin and Expose-Headers on every response, errors included, so the SDK can read x-amzn-ErrorType', async () => {
    const gone = await fetch(`${gw.connectionsUrl}/@connections/AAAAAAAAAAAAAAA%3D`, {
      method: 'POST',
      body: 'x',
      headers: { Origin: ORIGIN },
    })
    expect(gone.status).toBe(410)
    expect(gone.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(gone.headers.get('access-control-expose-headers')).toBe('x-amzn-ErrorType, x-amzn-RequestId, x-amz-apigw-id')
    const cognito = await fetch(`${gw.cognitoUrl}/`, {
      method: 'POST',
      body: '{',
      headers: { Origin: ORIGIN, 'X-Amz-Target': 'AWSCognitoIdentityService.GetId' },
    })
    expect(cognito.status).toBe(400)
    expect(cognito.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    const noOrigin = await fetch(`${gw.httpUrl}/`)
    expect(noOrigin.headers.get('access-control-allow-origin')).toBe('*')
  })
})

describe('CORS off (AWS-faithful)', async () => {
  const gw = await gatewayFor({ cors: false })

  it('sends no CORS headers and does not answer preflights', async () => {
    const preflight = await fetch(`${gw.connectionsUrl}/@connections/AAAAAAAAAAAAAAA%3D`, {
      method: 'OPTIONS',
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST' },
    })
    expect(preflight.status).not.toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
    const gone = await fetch(`${gw.connectionsUrl}/@connections/AAAAAAAAAAAAAAA%3D`, {
      method: 'POST',
      body: 'x',
      headers: { Origin: ORIGIN },
    })
    expect(gone.status).toBe(410)
    expect(gone.headers.get('x-amzn-errortype')).toBe('GoneException')
    expect(gone.headers.get('access-control-allow-origin')).toBeNull()
    expect(gone.headers.get('access-control-expose-headers')).toBeNull()
  })
})
