/**
 * The floor under the `$default` echo: in one process (one core, like the gateway), the AWS SDK's PostToConnection
 * against an HTTP server that does nothing but answer 200. Every `$default` echo pays at least this signed HTTP round
 * trip, because that is how the Lambda code talks to @connections on AWS too. Run as a child of gateway-bench.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'

const seconds = Number(process.argv[2] ?? 5)
const concurrency = Number(process.argv[3] ?? 50)

const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    res.writeHead(200, { 'content-length': '0' })
    res.end()
  })
})
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
const { port } = server.address() as AddressInfo
const client = new ApiGatewayManagementApiClient({
  endpoint: `http://127.0.0.1:${port}/dev`,
  region: 'us-east-1',
  credentials: { accessKeyId: 'ASIABENCHFLOOR000001', secretAccessKey: 'bench-floor-secret', sessionToken: 'bench-floor-token' },
})
let calls = 0
const end = Date.now() + seconds * 1000
const started = Date.now()
await Promise.all(
  Array.from({ length: concurrency }, async (_, i) => {
    for (let n = 0; Date.now() < end; n++) {
      await client.send(new PostToConnectionCommand({ ConnectionId: 'L0SM9cOFvHcCIhw=', Data: `client ${i} message ${n}` }))
      calls++
    }
  }),
)
const perSecond = calls / ((Date.now() - started) / 1000)
server.close()
process.stdout.write(JSON.stringify({ perSecond }) + '\n')
process.exit(0)
