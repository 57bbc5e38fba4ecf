#!/usr/bin/env node
// `npm start`: the local gateway and the playground together, the page already pointed at the gateway.
// Extra arguments go to the gateway, e.g. `npm start -- --idle-timeout 30` or `npm start -- --backend serverless.yml`;
// the page is pointed at the gateway's WebSocket URL once it answers (a backend file may set its own stage).
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

/** The gateway's WebSocket URL from its GET / description (a --backend file may set another stage), bounded wait. */
async function gatewayWsUrl() {
  const fallback = `ws://127.0.0.1:${gatewayPort}/dev`
  for (let attempt = 0; attempt < 240 && !shuttingDown; attempt++) {
    try {
      const res = await fetch(`http://127.0.0.1:${gatewayPort}/`)
      if (res.ok) return (await res.json()).wsUrl ?? fallback
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return fallback
}

const wsUrl = await gatewayWsUrl()
if (!shuttingDown) {
  run('playground', 'npx', ['vite', '--port', pagePort, '--strictPort'], { VITE_LOCAL_GATEWAY_URL: wsUrl })
  setTimeout(() => {
    if (!shuttingDown) console.log(`\n  ▶ Playground: http://127.0.0.1:${pagePort}/   (local gateway: ${wsUrl})\n`)
  }, 4000).unref()
}
