#!/usr/bin/env node
// `npm start`: the local gateway and the playground together, the page already pointed at the gateway.
// Extra arguments go to the gateway, e.g. `npm start -- --idle-timeout 30` or `npm start -- --backend serverless.yml`
// (the page is pointed at the gateway's own WebSocket URL, since a backend file may set another stage), except
// `--profile NAME`: the AWS CLI profile the playground's server signs @connections calls with (as AWS_PROFILE would).
// Fails fast when a port is taken, and never leaves one server running when the other could not start.
import { spawn } from 'node:child_process'
import { connect, createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const HOST = '127.0.0.1'
const gatewayPort = Number(process.env.GATEWAY_PORT ?? 4001)
const pagePort = Number(process.env.PORT ?? 5173)
const READY_WITHIN_MS = 120_000
const STOP_WITHIN_MS = 5000

/** @type {{ name: string, child: import('node:child_process').ChildProcess, exited: Promise<void> }[]} */
const children = []
let stopping = false

function fail(message) {
  console.error(`npm start: ${message}`)
}

for (const [name, port, variable] of [
  ['gateway', gatewayPort, 'GATEWAY_PORT'],
  ['playground', pagePort, 'PORT'],
]) {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`${variable} must be a port number from 1 to 65535, got “${process.env[variable]}”.`)
    process.exit(1)
  }
  if (!(await portIsFree(port))) {
    fail(
      `port ${port} (${name}) is already in use. Stop what is using it, or choose another port: ${variable}=<port> npm start.`,
    )
    process.exit(1)
  }
}

const { profile, rest: gatewayArgs } = takeProfile(process.argv.slice(2))

process.on('SIGINT', () => void stop(0))
process.on('SIGTERM', () => void stop(0))

// Each server runs node directly in a process group of its own, so stopping it stops everything it started.
run('gateway', ['--import', 'tsx', 'gateway/src/cli.ts', '--host', HOST, '--port', String(gatewayPort), ...gatewayArgs])
let wsUrl = `ws://${HOST}:${gatewayPort}/dev`

const ready = await Promise.race([
  (async () => {
    await waitForPort(gatewayPort)
    wsUrl = await gatewayWsUrl(wsUrl)
    if (stopping) return false
    run('playground', ['node_modules/vite/bin/vite.js', '--host', HOST, '--port', String(pagePort), '--strictPort'], {
      VITE_LOCAL_GATEWAY_URL: wsUrl,
      ...(profile ? { AWS_PROFILE: profile } : {}),
    })
    await waitForPort(pagePort)
    return true
  })(),
  new Promise((resolve) => setTimeout(() => resolve(false), READY_WITHIN_MS).unref()),
])
if (!stopping) {
  if (ready) console.log(`\n  ▶ Playground: http://${HOST}:${pagePort}/   (local gateway: ${wsUrl})\n`)
  else {
    fail(`the servers did not start listening within ${READY_WITHIN_MS / 1000} s; stopping them.`)
    await stop(1)
  }
}

/** `--profile NAME` or `--profile=NAME`, taken out of the gateway's arguments. */
function takeProfile(args) {
  const rest = []
  let profile
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--profile') profile = args[++i]
    else if (args[i].startsWith('--profile=')) profile = args[i].slice('--profile='.length)
    else rest.push(args[i])
  }
  if (profile === '') {
    fail('--profile needs a profile name, e.g. npm start -- --profile dev.')
    process.exit(1)
  }
  return { profile, rest }
}

function run(name, args, env = {}) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
    detached: process.platform !== 'win32',
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.once('exit', (code, signal) => {
    if (stopping) return
    fail(`${name} stopped (${signal ?? `exit code ${code}`}); stopping the rest.`)
    void stop(code || 1)
  })
  child.once('error', (error) => {
    if (stopping) return
    fail(`${name} could not start: ${error.message}`)
    void stop(1)
  })
  children.push({ name, child, exited })
}

async function stop(code) {
  if (stopping) return
  stopping = true
  const running = children.filter(({ child }) => child.exitCode === null && child.signalCode === null)
  for (const { child } of running) signal(child, 'SIGTERM')
  const all = Promise.all(running.map(({ exited }) => exited))
  const inTime = await Promise.race([
    all.then(() => true),
    new Promise((resolve) => setTimeout(() => resolve(false), STOP_WITHIN_MS)),
  ])
  if (!inTime) for (const { child } of running) signal(child, 'SIGKILL')
  process.exit(code)
}

function signal(child, name) {
  try {
    if (process.platform === 'win32' || child.pid === undefined) child.kill(name)
    else process.kill(-child.pid, name)
  } catch {
    // Already gone.
  }
}

/** The WebSocket URL from the gateway's GET / description, or the fallback if it does not say. */
async function gatewayWsUrl(fallback) {
  try {
    const res = await fetch(`http://${HOST}:${gatewayPort}/`)
    const described = res.ok ? await res.json() : {}
    return typeof described.wsUrl === 'string' ? described.wsUrl : fallback
  } catch {
    return fallback
  }
}

/** True when nothing listens on the port: binding it succeeds (and is released at once). */
function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, HOST, () => server.close(() => resolve(true)))
  })
}

/** Resolves once the port accepts connections; gives up when start-up is being stopped. */
async function waitForPort(port) {
  while (!stopping) {
    if (await accepts(port)) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return new Promise(() => {})
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = connect(port, HOST)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
