import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { errorFrame, gatewayFor, TestClient, waitFor } from './helpers'

// A project outside this repository with no node_modules at all: its handlers import the AWS SDK v3 without
// shipping it, as a function deployed to Lambda's nodejs18.x-and-later runtimes may.
const project = mkdtempSync(join(tmpdir(), 'gateway-runtime-sdk-'))
afterAll(() => rmSync(project, { recursive: true, force: true }))

const POST_BACK = `
  const { domainName, stage, connectionId } = event.requestContext
  if (event.body === 'dynamodb') await load('@aws-sdk/client-dynamodb')
  await new ApiGatewayManagementApiClient({ endpoint: 'http://' + domainName + '/' + stage }).send(
    new PostToConnectionCommand({ ConnectionId: connectionId, Data: kind + ' ' + event.body }),
  )
  return { statusCode: 200 }
`

function writeProject(runtime: string): string {
  mkdirSync(join(project, runtime, 'src'), { recursive: true })
  const dir = join(project, runtime)
  writeFileSync(
    join(dir, 'src/esm.mjs'),
    `import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'
const kind = 'import'
const load = (name) => import(name)
export const handler = async (event) => {${POST_BACK}}\n`,
  )
  writeFileSync(
    join(dir, 'src/cjs.cjs'),
    `const { ApiGatewayManagementApiClient, PostToConnectionCommand } = require('@aws-sdk/client-apigatewaymanagementapi')
const kind = 'require'
const load = async (name) => require(name)
exports.handler = async (event) => {${POST_BACK}}\n`,
  )
  writeFileSync(
    join(dir, 'serverless.yml'),
    `service: sdk
provider: { name: aws, runtime: ${runtime}, websocketsApiRouteSelectionExpression: $request.body.type }
functions:
  esm: { handler: src/esm.handler, events: [{ websocket: $default }] }
  cjs: { handler: src/cjs.handler, events: [{ websocket: { route: cjs } }] }
`,
  )
  return join(dir, 'serverless.yml')
}

describe("Lambda's runtime-included AWS SDK v3", () => {
  it('a handler that imports or requires @aws-sdk/* without shipping it runs, as on nodejs18.x and later', async () => {
    const gw = await gatewayFor({ backend: writeProject('nodejs20.x') })
    const client = await TestClient.open(gw.wsUrl)

    await client.send('hello')
    expect(await client.next(60_000)).toBe('import hello')
    await client.send('{"type":"cjs"}')
    expect(await client.next(60_000)).toBe('require {"type":"cjs"}')

    // A package the gateway does not have: the usual error, plus why it would work on AWS and what to do here.
    await client.send('dynamodb')
    expect(await client.next(60_000)).toMatch(errorFrame('Internal server error'))
    await waitFor(() => gw.logs.some((line) => line.includes('npm install @aws-sdk/client-dynamodb')))
    const line = gw.logs.find((l) => l.includes('npm install @aws-sdk/client-dynamodb'))!
    expect(line).toContain("Cannot find package '@aws-sdk/client-dynamodb'")
    expect(line).toContain("Lambda's nodejs20.x runtime includes the AWS SDK v3")
    await client.close()
  })

  it('nodejs16.x shipped SDK v2 only, so SDK v3 is not lent to it', async () => {
    const gw = await gatewayFor({ backend: writeProject('nodejs16.x') })
    const client = await TestClient.open(gw.wsUrl)
    await client.send('hello')
    expect(await client.next(60_000)).toMatch(errorFrame('Internal server error'))
    await waitFor(() =>
      gw.logs.some((line) => line.includes("Cannot find package '@aws-sdk/client-apigatewaymanagementapi'")),
    )
    await client.close()
  })
})
