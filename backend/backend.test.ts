import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))

describe('the deployable backend', () => {
  it('bundles the default handlers into one Lambda module whose handler dispatches on the route key', async () => {
    execFileSync('node', ['backend/build.mjs'], { cwd: root })
    const bundle = readFileSync(`${root}backend/dist/index.mjs`, 'utf8')
    // The runtime provides the AWS SDK v3: the bundle must import it, not carry a copy.
    expect(bundle).toMatch(/from ["']@aws-sdk\/client-apigatewaymanagementapi["']/)
    const mod = (await import(`${root}backend/dist/index.mjs?${Date.now()}`)) as {
      handler: (event: unknown) => Promise<{ statusCode: number; body?: string }>
      handlers: Record<string, unknown>
    }
    const context = {
      routeKey: 'echo',
      connectionId: 'L0SM9cOFvHcCIhw=',
      domainName: 'abcde12345.execute-api.us-east-1.amazonaws.com',
      stage: 'prod',
      requestId: 'r',
      requestTimeEpoch: 0,
    }
    await expect(
      mod.handler({ requestContext: context, body: '{"action":"echo","data":"hi"}', isBase64Encoded: false }),
    ).resolves.toEqual({ statusCode: 200, body: 'hi' })
    await expect(
      mod.handler({ requestContext: { ...context, routeKey: 'ping' }, isBase64Encoded: false }),
    ).resolves.toMatchObject({ statusCode: 200, body: expect.stringContaining('"pong"') })
  })

  it('routes every handler of the module in the SAM template, and only this stage may be managed', () => {
    const template = readFileSync(`${root}backend/template.yaml`, 'utf8')
    const routeKeys = [...template.matchAll(/RouteKey: (\S+)/g)].map((m) => m[1])
    expect(routeKeys.sort()).toEqual(['$connect', '$default', '$disconnect', 'broadcast', 'echo', 'ping', 'whoami'])
    expect(template).toContain('Action: execute-api:ManageConnections')
    expect(template).toContain('${WebSocketApi}/${StageName}/*/@connections/*')
    expect(template).not.toMatch(/Action: ['"]?execute-api:\*/)
  })
})
