#!/usr/bin/env node
// `npm start`: the local gateway and the playground together, the page already pointed at the gateway.
// Extra arguments go to the gateway, e.g. `npm start -- --idle-timeout 30`.
import { spawn } from 'node:child_process'

const gatewayPort = process.env.GATEWAY_PORT ?? '4001'
const pagePort = process.env.PORT ?? '5173'
const children = []

function run(name, command, args, env = {}) {
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  child.on('exit', (code, signal) => {
    if (shuttingDown) return
    console.error(`${name} stopped (${signal ?? `exit code ${code}`}); stopping the rest.`)
    shutdown(code ?? 1)
  })
  children.push(child)
  return child
}

let shuttingDown = false
function shutdown(code = 0) {
  if (shuttingDown) return
  shuttingDown = true
  for (const child of children) child.kill('SIGTERM')
  setTimeout(() => process.exit(code), 1500).unref()
}
process.on('SIGINT', () => shutdown(0))
process.on('SIGTERM', () => shutdown(0))

run('gateway', 'npx', ['tsx', 'gateway/src/cli.ts', '--port', gatewayPort, ...process.argv.slice(2)])
run('playground', 'npx', ['vite', '--port', pagePort, '--strictPort'], {
  VITE_LOCAL_GATEWAY_URL: `ws://127.0.0.1:${gatewayPort}/dev`,
})
setTimeout(() => {
  if (!shuttingDown) console.log(`\n  ▶ Playground: http://127.0.0.1:${pagePort}/   (local gateway: ws://127.0.0.1:${gatewayPort}/dev)\n`)
}, 4000).unref()
