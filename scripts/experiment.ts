/**
 * `npm run experiment -- <name> [--endpoint URL] [--runs N] [--idle S] [--max S] [--out FILE] [--PARAM VALUE …]`
 *
 * Runs one timeout-lab experiment headless through the real page in Chromium, prints the results table and writes
 * JSON. Without --endpoint it starts a local gateway with short timeouts (demo mode: idle 3 s, max 10 s unless
 * --idle/--max say otherwise); with one (e.g. a real AWS wss:// URL) it runs there with AWS's timers by default.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { execFileSync } from 'node:child_process'
import { chromium } from '@playwright/test'
import { preview } from 'vite'
import { EXPERIMENTS } from '../src/core/experiments/catalog'
import { redactSecrets } from '../src/core/session/endpoint'
import { findChromium } from './chromium-path.ts'
import { startGateway } from '../gateway/src/index'

interface LabView {
  status: string
  progress?: { fraction: number; run: number; runs: number; phase: string }
  rows: { run: number; measured: Record<string, unknown>; documented: Record<string, unknown>; error?: string }[]
  summary: {
    measure: string
    kind: string
    mean?: number
    min?: number
    max?: number
    trueCount?: number
    count: number
    documented?: unknown
  }[]
  errors: string[]
}

function usage(message?: string): never {
  if (message) console.error(`experiment: ${message}`)
  console.error(
    `usage: npm run experiment -- <${EXPERIMENTS.map((e) => e.id).join('|')}> [--endpoint URL] [--runs N] [--idle S] [--max S] [--out FILE] [--PARAM VALUE]`,
  )
  process.exit(2)
}

const [name, ...rest] = process.argv.slice(2)
if (!name || name === '--help') usage()
const definition = EXPERIMENTS.find((e) => e.id === name)
if (!definition) usage(`unknown experiment “${name}”`)
const options: Record<string, string> = {}
for (let i = 0; i < rest.length; i += 2) {
  const flag = rest[i]!
  const value = rest[i + 1]
  if (!flag.startsWith('--') || value === undefined) usage(`expected --flag value, got “${flag}”`)
  options[flag.slice(2)] = value
}
const known = new Set(['endpoint', 'runs', 'idle', 'max', 'out', ...definition.params.map((p) => p.name)])
for (const key of Object.keys(options))
  if (!known.has(key))
    usage(
      `unknown flag --${key} for ${name} (its parameters: ${definition.params.map((p) => p.name).join(', ') || 'none'})`,
    )

const local = !options.endpoint
const idle = Number(options.idle ?? (local ? 3 : 600))
const max = Number(options.max ?? (local ? 10 : 7200))
if (!(idle > 0) || !(max > 0)) usage('--idle and --max are positive numbers of seconds')

const gateway = local ? await startGateway({ port: 0, log: false, idleTimeout: idle, maxDuration: max }) : undefined
const endpoint = options.endpoint ?? gateway!.wsUrl
if (!existsSync('dist/index.html')) execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: 'inherit' })
const server = await preview({ preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' })
const address = server.httpServer.address()
if (!address || typeof address === 'string') throw new Error('preview server has no port')
const executablePath = findChromium()
const browser = await chromium.launch({
  executablePath,
  args: ['--disable-background-networking', '--disable-dev-shm-usage'],
})
let exitCode = 1
try {
  const page = await browser.newPage()
  // This script drives the page: its link may start the experiment without the page asking first.
  await page.addInitScript(() => ((window as { __playgroundScripted?: boolean }).__playgroundScripted = true))
  const query = new URLSearchParams({
    endpoint,
    profile: 'custom',
    idle: String(idle),
    max: String(max),
    experiment: name,
    runs: options.runs ?? '1',
    start: '1',
  })
  for (const p of definition.params) if (options[p.name] !== undefined) query.set(p.name, options[p.name]!)
  await page.goto(`http://127.0.0.1:${address.port}/?${query}`)
  console.log(
    `${definition.title} against ${endpoint}${local ? ` (local gateway, demo mode: idle ${idle} s, max ${max} s)` : ''}`,
  )
  let view: LabView
  let lastPhase = ''
  for (;;) {
    view = await page.evaluate(
      () => (window as unknown as { playground: { experiment: LabView } }).playground.experiment,
    )
    const phase = view.progress
      ? `  run ${view.progress.run}/${view.progress.runs} ${Math.round(view.progress.fraction * 100)}% ${view.progress.phase}`
      : ''
    if (phase && phase !== lastPhase) console.log(phase)
    lastPhase = phase
    if (['done', 'partly failed', 'failed', 'cancelled'].includes(view.status)) break
    await page.waitForTimeout(250)
  }
  for (const error of view.errors) console.error(`error: ${error}`)
  const measures = [...new Set(view.rows.flatMap((r) => Object.keys(r.measured)))]
  const show = (v: unknown) =>
    v === undefined || v === null ? '—' : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(1) : String(v)
  const table = [
    ['run', ...measures],
    ...view.rows.map((r) => [
      String(r.run),
      ...(r.error ? [`error: ${r.error}`] : measures.map((m) => show(r.measured[m]))),
    ]),
  ]
  table.push(['AWS', ...measures.map((m) => show(view.rows[0]?.documented[m]))])
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)))
  console.log('')
  for (const row of table) console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`)
  console.log('')
  for (const s of view.summary) {
    if (s.kind === 'number')
      console.log(
        `  ${s.measure}: mean ${show(s.mean)}, min ${show(s.min)}, max ${show(s.max)} (AWS: ${show(s.documented)})`,
      )
    else console.log(`  ${s.measure}: ${s.trueCount} of ${s.count} true`)
  }
  const out = options.out ?? `experiment-results/${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(
    out,
    JSON.stringify({ experiment: name, endpoint: redactSecrets(endpoint), idle, max, ...view }, null, 2) + '\n',
  )
  console.log(`\nWrote ${out}`)
  exitCode = view.status === 'done' && view.rows.every((r) => !r.error) ? 0 : 1
} finally {
  await browser.close()
  await server.close()
  await gateway?.close()
}
process.exit(exitCode)
