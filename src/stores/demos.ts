import { acceptHMRUpdate, defineStore } from 'pinia'
import { shallowRef } from 'vue'
import { settingsFor, setupNames } from '@/core/session/connection-setup'
import { DemoRun, planDemo, type DemoBase, type DemoPlan, type PlanResult } from '@/core/session/demos'
import { DEFAULT_CONNECTION_SETTINGS } from '@/core/session/page-connection'
import type { ConnectionSetup } from '@/core/session/url-setup'
import { useSessionStore } from './session'
import { LOCAL_GATEWAY_URL } from './settings'

/** A demo's connections, made and ready to start (keepalives off, nothing connected yet). */
export interface PreparedDemo {
  plan: DemoPlan
  ids: string[]
}

/**
 * Demos (src/core/session/demos.ts) on the page's connections, and replacing the tab's connections with a set-up
 * (a demo's or a link's). One demo runs at a time; its status is one sentence the page shows.
 */
export const useDemoStore = defineStore('demos', () => {
  const session = useSessionStore()
  /** The running (or last) demo's title and status; undefined when none or dismissed. */
  const title = shallowRef<string>()
  const status = shallowRef<string>()
  const finished = shallowRef(false)
  let run: DemoRun | undefined
  /** Connections waiting for their previous socket to close before the demo connects them. */
  const waiting = new Set<() => void>()

  /** The selected connection's set-up, which a demo started from the page copies. */
  function baseFromSelected(): DemoBase {
    const { settings } = session.selected
    return {
      endpoint: settings.endpoint,
      protocols: settings.protocols,
      payload: settings.keepalivePayload,
      profile: settings.profileId,
      idleSeconds: settings.customIdleSeconds,
      maxSeconds: settings.customMaxSeconds,
    }
  }

  function plan(id: string, base: DemoBase = baseFromSelected()): PlanResult {
    return planDemo(id, base)
  }

  /**
   * Replaces the tab's connections with these: the first connection is kept (closed, renamed, set up anew), the
   * others are removed, and new ones are added. Keepalives stay off: starting them is the caller's (after a link's
   * yes). Returns the connections' ids in order and what could not be done.
   */
  function replaceConnections(setups: readonly ConnectionSetup[]): { ids: string[]; problems: string[] } {
    stop()
    const problems: string[] = []
    const names = setupNames(setups)
    const defaults = { ...DEFAULT_CONNECTION_SETTINGS, endpoint: LOCAL_GATEWAY_URL }
    const [first, ...others] = session.connections.map((c) => c.id)
    for (const id of others) session.remove(id)
    const firstId = first!
    if (session.connections[0]!.state.readyState !== undefined && session.connections[0]!.state.readyState < 2)
      session.disconnect(1000, '', firstId)
    session.setKeepalive(false, firstId)
    const ids = [firstId]
    const renamed = session.rename(firstId, names[0]!)
    if (!renamed.ok) problems.push(renamed.error)
    session.configure(settingsFor(setups[0] ?? {}, defaults), firstId)
    for (const [i, setup] of setups.entries()) {
      if (i === 0) continue
      const added = session.add({ name: names[i], settings: settingsFor(setup, defaults) })
      if (added.ok) ids.push(added.connection.id)
      else problems.push(added.error)
    }
    return { ids, problems }
  }

  /** Makes a demo's connections (replacing the tab's) and selects the one whose countdown matters. */
  function prepare(demo: DemoPlan): PreparedDemo & { problems: string[] } {
    const { ids, problems } = replaceConnections(demo.connections)
    const selected = ids[demo.select]
    if (selected) session.select(selected)
    title.value = demo.demo.title
    status.value = `Ready: ${demo.description}`
    finished.value = false
    return { plan: demo, ids, problems }
  }

  /** Starts the keepalives, connects every connection and watches them (and sends the broadcast, for that demo). */
  function start({ plan: demo, ids }: PreparedDemo): string[] {
    stop()
    const problems: string[] = []
    title.value = demo.demo.title
    finished.value = false
    run = new DemoRun(
      demo,
      ids,
      { send: (id, data) => session.send(data, id), subscribe: (listener) => session.subscribe(listener) },
      {
        onStatus(text, done) {
          status.value = text
          finished.value = done
        },
      },
    )
    for (const [i, id] of ids.entries()) {
      const connect = () => {
        if (demo.connections[i]?.keepaliveSeconds) {
          const result = session.setKeepalive(true, id)
          if (!result.ok) problems.push(result.error)
        }
        const result = session.connect({ id })
        if (!result.ok) problems.push(`Could not connect “${demo.connections[i]?.name}”: ${result.error}`)
      }
      // The tab's first connection is reused: if it was open, it is still closing; it connects once closed.
      const readyState = session.connections.find((c) => c.id === id)?.state.readyState
      if (readyState === undefined || readyState === 3) connect()
      else {
        const stopWaiting = session.subscribe((event) => {
          if (event.source !== id || event.kind !== 'closed') return
          stopWaiting()
          waiting.delete(stopWaiting)
          connect()
        })
        waiting.add(stopWaiting)
      }
    }
    return problems
  }

  /** A demo from the page: the user's click is the consent. */
  function runDemo(id: string): { ok: true } | { ok: false; error: string } {
    const planned = plan(id)
    if (!planned.ok) return planned
    const prepared = prepare(planned.plan)
    const problems = [...prepared.problems, ...start(prepared)]
    return problems.length ? { ok: false, error: problems.join(' ') } : { ok: true }
  }

  /** Stops watching (the connections stay as they are). */
  function stop(): void {
    for (const stopWaiting of waiting) stopWaiting()
    waiting.clear()
    run?.dispose()
    run = undefined
  }

  function dismiss(): void {
    stop()
    title.value = undefined
    status.value = undefined
  }

  return { title, status, finished, baseFromSelected, plan, replaceConnections, prepare, start, runDemo, stop, dismiss }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useDemoStore, import.meta.hot))
