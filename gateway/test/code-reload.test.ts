import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { gatewayFor, TestClient, waitFor } from './helpers'

const project = mkdtempSync(join(tmpdir(), 'gateway-code-reload-'))
afterAll(() => rmSync(project, { recursive: true, force: true }))

const handler = (version: string) => `export const handler = async () => ({ statusCode: 200, body: '${version}' })\n`

describe('a handler file edited while the gateway runs', () => {
  it('is picked up as a deploy would be: the next invocation runs the new code, and the log says so', async () => {
    mkdirSync(join(project, 'src'))
    writeFileSync(join(project, 'src/version.mjs'), handler('v1'))
    const file = join(project, 'serverless.yml')
    writeFileSync(
      file,
      `service: reload
provider: { name: aws, runtime: nodejs20.x }
functions:
  version: { handler: src/version.handler, events: [{ websocket: { route: $default, routeResponseSelectionExpression: $default } }] }
`,
    )
    const gw = await gatewayFor({ backend: file })
    const client = await TestClient.open(gw.wsUrl)
    await client.send('which')
    expect(await client.next(60_000)).toBe('v1')
    // The warm instance that answered holds v1; before, it went on answering v1 after the edit, with no word.
    expect(gw.backend!.instances()['reload-dev-version']).toBe(1)

    writeFileSync(join(project, 'src/version.mjs'), handler('v2'))
    await waitFor(() => gw.logs.some((line) => line.includes('version.mjs changed: as after a deploy')))
    await client.send('which')
    expect(await client.next(60_000)).toBe('v2')

    // The backend file itself is read at start-up only: the log says to restart.
    writeFileSync(file, '# edited\n', { flag: 'a' })
    await waitFor(() => gw.logs.some((line) => line.includes('serverless.yml changed: its routes, functions')))
    await client.close()
  })
})
