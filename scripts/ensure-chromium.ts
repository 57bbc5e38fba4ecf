// Playwright cannot download its own browser here, so the tests drive Debian's Chromium.
// Installs it with apt-get when it is missing (as root, or through sudo), and says what to do otherwise.
import { existsSync } from 'node:fs'
import { execSync } from 'node:child_process'
import { CHROMIUM_CANDIDATES } from './chromium-path.ts'

if ([process.env.CHROMIUM_PATH, ...CHROMIUM_CANDIDATES].some((p) => p && existsSync(p))) process.exit(0)

const root = process.getuid?.() === 0
const sudo = root ? '' : hasSudo() ? 'sudo ' : undefined
if (sudo === undefined) {
  console.error(
    'Chromium is missing. Install it with `apt-get install -y chromium` as root, or set CHROMIUM_PATH to a Chromium binary.',
  )
  process.exit(1)
}
console.log('Chromium is missing: installing Debian’s chromium package…')
try {
  execSync(`${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium`, {
    stdio: 'inherit',
  })
} catch {
  console.error('Installing Chromium failed. Install it with `apt-get install -y chromium`, or set CHROMIUM_PATH.')
  process.exit(1)
}

function hasSudo() {
  try {
    execSync('command -v sudo', { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
