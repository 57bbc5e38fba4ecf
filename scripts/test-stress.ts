/**
 * `npm run test:stress [-- --busy N]`: the whole `npm test` while N busy processes pin every core (default two per
 * core; also STRESS_BUSY=N), as on a shared CI machine. The suite must pass like that: the load test of the tests.
 * The busy processes always go, whatever ends the run (pass, failure, Ctrl-C); the exit code is npm test's.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { availableParallelism, constants } from 'node:os'

function busyCount(argv: string[]): number {
  const flag = argv.indexOf('--busy')
  const raw = flag >= 0 ? argv[flag + 1] : process.env.STRESS_BUSY
  if (raw === undefined) return availableParallelism() * 2
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0 || n > 256) {
    console.error(`test:stress: --busy takes a whole number from 0 to 256 (got ${JSON.stringify(raw)})`)
    process.exit(2)
  }
  return n
}

// Spins in 100 ms slices and leaves as soon as its parent is gone, so even a killed stress run leaves no spinner.
// (process.ppid is read once by Node, so the check asks the kernel whether the parent still exists.)
const SPIN = `const parent = process.ppid
for (;;) {
  const until = Date.now() + 100
  while (Date.now() < until) {}
  try { process.kill(parent, 0) } catch { process.exit(0) }
}`

const count = busyCount(process.argv.slice(2))
const busy: ChildProcess[] = []
for (let i = 0; i < count; i++) busy.push(spawn(process.execPath, ['-e', SPIN], { stdio: 'ignore' }))

function stopBusy(): void {
  for (const child of busy) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}
process.on('exit', stopBusy)

const started = Date.now()
console.log(`test:stress: npm test with ${count} busy processes on ${availableParallelism()} cores`)
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const test = spawn(npm, ['test'], { stdio: 'inherit' })

// Ctrl-C reaches npm test through the terminal's process group; we only stop spinning and wait for its exit code.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    stopBusy()
    if (signal !== 'SIGINT') test.kill(signal)
  })
}

test.on('exit', (code, signal) => {
  stopBusy()
  const minutes = ((Date.now() - started) / 60_000).toFixed(1)
  const outcome = code === 0 ? 'passed' : `failed (${signal ?? `exit ${code}`})`
  console.log(`test:stress: npm test ${outcome} in ${minutes} min with ${count} busy processes`)
  // Killed by a signal: the shell's convention, 128 + its number (130 for Ctrl-C).
  process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0))
})
