import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { TestClient, whoami } from './helpers'

const root = fileURLToPath(new URL('../..', import.meta.url))
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli')

interface Run {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

// Every gateway this file starts; a test that fails half-way must not leave one running (they did, for hours).
const started: ChildProcess[] = []
afterAll(() => {
  for (const child of started) {
    if (child.exitCode !== null || child.signalCode !== null) continue
    try {
      // Detached children lead their own group (npx → tsx → node): end the whole group.
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // Not a group leader: tsx passes SIGTERM on to the gateway it started (SIGKILL would orphan that one).
      child.kill('SIGTERM')
    }
  }
})

function run(command: string, args: string[], detached = false, env: Record<string, string> = {}): Run {
  const child = spawn(command, args, { cwd: root, detached, env: { ...process.env, NO_COLOR: '1', ...env } })
  started.push(child)
  let out = ''
  let err = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  )
  return {
    child,
    stdout: () => out,
    stderr: () =>
      err
        .split('\n')
        .filter((l) => l && !l.startsWith('npm warn'))
        .join('\n'),
    exited,
  }
}

/** `npx tsx gateway/src/cli.ts …`, as a user runs it. */
const npxGateway = (args: string[], detached = false) => run('npx', ['tsx', 'gateway/src/cli.ts', ...args], detached)
/** tsx directly, so the exit code is the gateway's own (npm exec does not forward signals). */
const tsxGateway = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, [tsxCli, 'gateway/src/cli.ts', ...args], false, env)

// Spawning tsx takes seconds on a loaded 2-core machine (up to ~20 s at load 28 with several starting at once; over 90 s at load 43), so
// the bounds here only catch a gateway that never starts; they do not time anything.
const SPAWN_BOUND_MS = 180_000
const TEST_BOUND_MS = 400_000

async function printedUrls(r: Run, timeoutMs = SPAWN_BOUND_MS) {
  const deadline = Date.now() + timeoutMs
  while (!/Try: /.test(r.stdout())) {
    if (Date.now() > deadline) throw new Error(`no start-up banner; stdout: ${r.stdout()} stderr: ${r.stderr()}`)
    if (r.child.exitCode !== null) throw new Error(`exited early: ${r.stderr()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const line = (label: string) => new RegExp(`${label}\\s+(\\S+)`).exec(r.stdout())?.[1]
  return {
    ws: line('WebSocket API')!,
    connections: line('@connections')!,
    cognito: line('Cognito Identity')!,
    pools: line('Identity pools')!,
  }
}

describe.concurrent('the CLI', { timeout: TEST_BOUND_MS }, () => {
  it('npx tsx: prints the endpoints, serves, and on SIGTERM closes sockets with 1001 and stops', async () => {
    const r = npxGateway(['--port', '0', '--idle-timeout', '30'], true)
    try {
      const urls = await printedUrls(r)
      expect(urls.ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/dev$/)
      expect(urls.connections).toBe(urls.ws.replace('ws:', 'http:'))
      expect(urls.cognito).toBe(urls.ws.replace('ws:', 'http:').replace('/dev', ''))
      expect(urls.pools).toBe('us-east-1:00000000-0000-4000-8000-000000000000')
      const client = await TestClient.open(urls.ws)
      const id = await whoami(client)
      expect((await fetch(`${urls.connections}/@connections/${encodeURIComponent(id)}`)).status).toBe(200)
      // npm exec does not forward signals, so signal the whole group, as a terminal does.
      process.kill(-r.child.pid!, 'SIGTERM')
      expect(await client.closed).toMatchObject({ code: 1001, reason: 'Going away' })
      await r.exited
      expect(r.stdout()).toContain('SIGTERM: the gateway is stopping: closing 1 connection(s) with 1001')
      expect(r.stdout()).toContain('gateway stopped')
      expect(r.stdout()).toMatch(new RegExp(`DISCONNECT ${id.replace(/[-=]/g, '\\$&')} 1001`))
    } finally {
      try {
        process.kill(-r.child.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  })

  it('exits 0 after SIGINT or SIGTERM, honouring flags (stage, handlers)', async () => {
    await Promise.all(
      (['SIGINT', 'SIGTERM'] as const).map(async (signal) => {
        const r = tsxGateway([
          '--port',
          '0',
          '--stage',
          'prod',
          '--quiet',
          '--handlers',
          'gateway/test/fixtures/custom-handlers.ts',
        ])
        const urls = await printedUrls(r)
        expect(urls.ws).toMatch(/\/prod$/)
        const client = await TestClient.open(urls.ws)
        await client.send('{"action":"shout","text":"loud"}')
        expect(await client.next()).toBe('LOUD')
        r.child.kill(signal)
        expect((await client.closed).code).toBe(1001)
        expect(await r.exited).toEqual({ code: 0, signal: null })
      }),
    )
  })

  it('rejects bad flags with one line on stderr and exit code 2, and prints --help', async () => {
    // Every message is unit-tested in units.test.ts; here: the process contract.
    const cases: [string[], RegExp][] = [
      [['--bogus'], /^gateway: unknown flag --bogus/],
      [['--idle-timeout', '-1'], /^gateway: idle-timeout must be a number from 0.001 to 2147483 seconds, got -1$/m],
      // Past Node's 2^31-1 ms timer limit: refused at start-up, never an overflowing timer.
      [['--max-duration', '3000000'], /^gateway: max-duration must be a number from 0.001 to 2147483 seconds/],
      [
        ['--handlers', 'gateway/test/fixtures/not-handlers.mjs'],
        /^gateway: handlers module .* has no "handlers" export/,
      ],
    ]
    const help = tsxGateway(['--help'])
    await Promise.all(
      cases.map(async ([args, message]) => {
        const r = tsxGateway(args)
        expect(await r.exited).toEqual({ code: 2, signal: null })
        expect(r.stderr().split('\n')).toHaveLength(1)
        expect(r.stderr()).toMatch(message)
      }),
    )
    expect(await help.exited).toEqual({ code: 0, signal: null })
    expect(help.stdout()).toContain('--idle-timeout S')
    expect(help.stdout()).toContain('--identity-pool ID')
  })

  it('under `npm run gateway`, a relative --backend is taken from the directory npm was run in', async () => {
    // What npm sets: the package's directory as cwd, the user's in INIT_CWD. The old code looked for
    // test/fixtures/not-handlers.mjs in the package's directory: "cannot load handlers module …".
    const r = tsxGateway(['--backend', 'test/fixtures/not-handlers.mjs'], {
      INIT_CWD: `${root}gateway`,
      npm_package_json: `${root}package.json`,
      npm_lifecycle_event: 'gateway',
    })
    expect(await r.exited).toEqual({ code: 2, signal: null })
    expect(r.stderr()).toMatch(
      /^gateway: handlers module gateway\/test\/fixtures\/not-handlers\.mjs has no "handlers" export/,
    )
  })

  // No shorter bound of its own: the file's (TEST_BOUND_MS) covers a spawn that may take SPAWN_BOUND_MS under load;
  // (120 s here was shorter than the spawn bound alone.)
  it('--backend serverless.yml: prints the route table, runs a route in a worker, and stops cleanly on SIGTERM', async () => {
    const r = tsxGateway(['--backend', 'gateway/test/fixtures/serverless-chat/serverless.yml', '--port', '0'])
    try {
      // A cold start on a loaded machine takes a while: the banner comes after the backend is loaded.
      const urls = await printedUrls(r)
      expect(urls.ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/local$/)
      const out = r.stdout()
      expect(out).toMatch(
        /^ {2}Backend +gateway\/test\/fixtures\/serverless-chat\/serverless\.yml \(Serverless Framework\)/m,
      )
      expect(out).toMatch(/^ +info +chat-local-info +2 s +256 MB +10 +yes$/m)
      expect(out).toMatch(/^ +\$default +chat-local-default +6 s +1024 MB +10 +no$/m)
      expect(out).toMatch(/^ {2}Instances +init limit 10 s \(Lambda's\)/m)
      const client = await TestClient.open(urls.ws)
      await client.send('{"action":"info"}')
      const info = JSON.parse(await client.next(60_000)) as { env: Record<string, string> }
      expect(info.env).toMatchObject({ AWS_LAMBDA_FUNCTION_NAME: 'chat-local-info', AWS_REGION: 'eu-west-1' })
      // $default replies through @connections from inside its worker.
      await client.send('plain text')
      expect(await client.next(60_000)).toBe('plain text')
      r.child.kill('SIGTERM')
      expect((await client.closed).code).toBe(1001)
      expect(await r.exited).toEqual({ code: 0, signal: null })
    } finally {
      // SIGTERM, which tsx relays to the gateway it runs (SIGKILL would leave that one behind).
      if (r.child.exitCode === null) r.child.kill('SIGTERM')
    }
  })
})
