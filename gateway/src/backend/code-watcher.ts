import { watch, type FSWatcher } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { Clock, Timer } from '../clock'
import { displayPath } from '../display-path'
import type { LogFunction } from '../options'
import type { LambdaRuntime } from './lambda-runtime'
import type { Backend } from './model'

/**
 * Watches the directories that hold a backend's handler files, so an edit while the gateway runs is picked up the
 * way a deploy would be: the runtime is told which files changed and starts new instances with the new code (warm
 * ones keep what they imported until they are replaced). Without it, warm instances went on running the old code
 * and new ones the new, with no word of it. Only the handlers' own directories are watched (not recursively: a
 * project's node_modules can hold tens of thousands of directories); the backend file itself is reported apart,
 * since its routes, environment and roles are only read at start-up.
 */
export interface CodeChange {
  /** Code files that changed (absolute paths), at most MAX_NAMES. */
  files: string[]
  /** The backend file (serverless.yml, template.yaml) changed: a restart is needed. */
  backendFile: boolean
}

/** Editors write a file in several steps (truncate, write, rename): changes this close together are one change. */
const SETTLE_MS = 150
/** Names kept per change (bounds memory while a build writes thousands of files at once). */
const MAX_NAMES = 20
const CODE_FILE = /\.(?:[cm]?js|[cm]?ts|json)$/

export function watchCode(
  codeFiles: string[],
  backendFile: string,
  clock: Clock,
  onChange: (change: CodeChange) => void,
  onError: (message: string) => void,
): { close(): void } {
  const backendPath = resolve(backendFile)
  const dirs = new Set([...codeFiles.map((file) => dirname(resolve(file))), dirname(backendPath)])
  const watchers: FSWatcher[] = []
  const timers = new Set<Timer>()
  for (const dir of dirs) {
    let pending: CodeChange | undefined
    let watcher: FSWatcher
    try {
      watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (!name) return
        const path = join(dir, name.toString())
        const isBackend = path === backendPath
        if (!isBackend && !CODE_FILE.test(path)) return
        if (!pending) {
          const change: CodeChange = (pending = { files: [], backendFile: false })
          const timer = clock.after(SETTLE_MS, () => {
            timers.delete(timer)
            pending = undefined
            onChange(change)
          })
          timers.add(timer)
        }
        if (isBackend) pending.backendFile = true
        else if (pending.files.length < MAX_NAMES && !pending.files.includes(path)) pending.files.push(path)
      })
    } catch (error) {
      onError(
        `${displayPath(dir)} is not watched (${(error as Error).message}): restart the gateway after editing its code`,
      )
      continue
    }
    watcher.on('error', (error) => {
      onError(`${displayPath(dir)} is no longer watched (${error.message}): restart the gateway after editing its code`)
      watcher.close()
    })
    watchers.push(watcher)
  }
  return {
    close() {
      for (const watcher of watchers) watcher.close()
      for (const timer of timers) timer.cancel()
      timers.clear()
    },
  }
}

/** Watches a backend's code for the runtime and says in the log what an edit did. */
export function watchBackendCode(
  backend: Backend,
  runtime: LambdaRuntime,
  clock: Clock,
  log: LogFunction,
): { close(): void } {
  const codeFiles = [...new Set(backend.functions.map((fn) => fn.file))]
  return watchCode(
    codeFiles,
    backend.file,
    clock,
    (change) => {
      if (change.backendFile && backend.kind !== 'module')
        log(
          `backend: ${backend.file} changed: its routes, functions, environment and roles are read at start-up only; restart the gateway to load them`,
          'error',
        )
      if (change.files.length === 0 && backend.kind !== 'module') return
      const { functions, oldInstances } = runtime.redeploy()
      const files = change.files.length > 0 ? change.files.map((f) => displayPath(f)).join(', ') : backend.file
      const old =
        oldInstances > 0
          ? ` (${oldInstances} instance(s) with the old code are shut down: idle ones now, busy ones when their invocation ends)`
          : ''
      log(
        `backend: ${files} changed: as after a deploy, the ${functions} function(s) start new instances with the new code${old}`,
        'info',
      )
    },
    (message) => log(`backend: ${message}`, 'error'),
  )
}
