import { spawn } from 'node:child_process'
import { createServer, connect, type Server } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))

/** Runs `npm start`'s script to its end; it is killed (and the test fails) if it is still running after `ms`. */
function runStart(env: Record<string, string>, args: string[] = [], ms = 60_000) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['scripts/start.mjs', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGINT'), ms)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

/** Takes a free loopback port and keeps it, as another program would. */
async function occupy(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.push(server)
  return (server.address() as { port: number }).port
}

/** A port free right now (taken and released). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

describe('npm start (scripts/start.mjs)', () => {
  it('fails fast, naming the busy gateway port, and starts nothing', async () => {
    const busy = await occupy()
    const page = await freePort()
    const result = await runStart({ GATEWAY_PORT: String(busy), PORT: String(page) })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain(`port ${busy}`)
    expect(result.stderr).toMatch(/in use/)
    expect(result.stdout).not.toContain('▶ Playground')
    expect(await listening(page)).toBe(false)
  }, 90_000)

  it('fails fast, naming the busy page port, and starts nothing', async () => {
    const busy = await occupy()
    const gateway = await freePort()
    const result = await runStart({ GATEWAY_PORT: String(gateway), PORT: String(busy) })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain(`port ${busy}`)
    expect(result.stdout).not.toContain('▶ Playground')
    expect(await listening(gateway)).toBe(false)
  }, 90_000)

  it('stops the page server and exits non-zero when the gateway stops during start-up', async () => {
    const gateway = await freePort()
    const page = await freePort()
    // A flag the gateway refuses: it exits with code 2 after the page server was started.
    const result = await runStart({ GATEWAY_PORT: String(gateway), PORT: String(page) }, ['--idle-timeout', '-1'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/gateway stopped/)
    expect(result.stdout).not.toContain('▶ Playground')
    expect(await listening(page)).toBe(false)
  }, 90_000)
})
