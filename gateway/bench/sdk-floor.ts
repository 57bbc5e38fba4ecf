/**
 * The floor under the `$default` echo, in one process (one core, like the gateway): the AWS SDK's PostToConnection
 *  - against an HTTP server that does nothing but answer 200 (the signed HTTP round trip every echo pays), and
 *  - with no network at all: a request handler that answers in memory, so only the SDK's own work is left
 *    (serialising, SigV4 signing, middleware, parsing the reply).
 * Every `$default` echo makes one such call, because that is how the Lambda code talks to @connections on AWS too;
 * the second figure is therefore a ceiling no gateway can beat with this handler. Run as a child of gateway-bench.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'

const seconds = Number(process.argv[2] ?? 5)
const concurrency = Number(process.argv[3] ?? 50)
const credentials = {
  accessKeyId: 'ASIABENCHFLOOR000001',
  secretAccessKey: 'bench-floor-secret',
  sessionToken: 'bench-floor-token',
}

async function callsPerSecond(client: ApiGatewayManagementApiClient): Promise<number> {
  let calls = 0
  const started = Date.now()
  const end = started + seconds * 1000
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      for (let n = 0; Date.now() < end; n++) {
        await client.send(
          new PostToConnectionCommand({ ConnectionId: 'L0SM9cOFvHcCIhw=', Data: `client ${i} message ${n}` }),
        )
        calls++
      }
    }),
  )
  return calls / ((Date.now() - started) / 1000)
}

const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    res.writeHead(200, { 'content-length': '0' })
    res.end()
  })
})
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
const { port } = server.address() as AddressInfo
const perSecond = await callsPerSecond(
  new ApiGatewayManagementApiClient({ endpoint: `http://127.0.0.1:${port}/dev`, region: 'us-east-1', credentials }),
)
server.close()

// The SDK's HttpHandler contract: handle(request) resolves to { response }; a 200 with an empty body is what
// @connections answers to a successful post.
const inMemory = { handle: async () => ({ response: { statusCode: 200, headers: {}, body: new Uint8Array() } }) }
const noNetworkPerSecond = await callsPerSecond(
  new ApiGatewayManagementApiClient({
    endpoint: 'http://127.0.0.1:9/dev',
    region: 'us-east-1',
    credentials,
    requestHandler: inMemory as unknown as ApiGatewayManagementApiClient['config']['requestHandler'],
  }),
)
process.stdout.write(JSON.stringify({ perSecond, noNetworkPerSecond }) + '\n')
process.exit(0)
