import { defaultName } from './connection-collection'
import type { ConnectionSettings } from './page-connection'
import type { ConnectionSetup } from './url-setup'

/**
 * Between a link's (or a demo's) connection set-ups and the page's connections: what to configure, what to call
 * them, and, the other way, what a link should say about a connection.
 */

/** Only what the set-up says: for changing an existing connection and leaving the rest as it is. */
export function settingsPatch(setup: ConnectionSetup): Partial<ConnectionSettings> {
  const patch: Partial<ConnectionSettings> = {
    endpoint: setup.endpoint,
    protocols: setup.protocols,
    profileId: setup.profile,
    customIdleSeconds: setup.idleSeconds,
    customMaxSeconds: setup.maxSeconds,
    keepalivePayload: setup.payload,
    keepaliveSeconds: setup.keepaliveSeconds,
  }
  for (const key of Object.keys(patch) as (keyof ConnectionSettings)[]) if (patch[key] === undefined) delete patch[key]
  return patch
}

/** Everything, from the defaults where the set-up is silent: for a connection the link makes anew. */
export function settingsFor(setup: ConnectionSetup, defaults: Readonly<ConnectionSettings>): ConnectionSettings {
  return { ...defaults, ...settingsPatch(setup) }
}

/**
 * A name for every set-up: its own, or A, B, C… by position, skipping names another set-up already has (names are
 * unique, case-insensitively).
 */
export function setupNames(setups: readonly ConnectionSetup[]): string[] {
  const taken = new Set(setups.flatMap((s) => (s.name ? [s.name.toLowerCase()] : [])))
  return setups.map((setup, i) => {
    if (setup.name) return setup.name
    let name = defaultName(i + 1)
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${defaultName(i + 1)} ${n}`
    taken.add(name.toLowerCase())
    return name
  })
}

/** A page connection as a link writes it: its keepalive only when it is on; its name unless it is the default. */
export function setupOf(
  connection: { name: string; settings: Readonly<ConnectionSettings>; keepaliveEnabled: boolean },
  position: number,
): ConnectionSetup {
  const { settings } = connection
  const setup: ConnectionSetup = {
    endpoint: settings.endpoint || undefined,
    name: connection.name === defaultName(position + 1) ? undefined : connection.name,
    protocols: settings.protocols || undefined,
    keepaliveSeconds: connection.keepaliveEnabled ? settings.keepaliveSeconds : undefined,
    payload: connection.keepaliveEnabled ? settings.keepalivePayload : undefined,
    profile: settings.profileId,
    idleSeconds: settings.profileId === 'custom' ? settings.customIdleSeconds : undefined,
    maxSeconds: settings.profileId === 'custom' ? settings.customMaxSeconds : undefined,
  }
  for (const key of Object.keys(setup) as (keyof ConnectionSetup)[]) if (setup[key] === undefined) delete setup[key]
  return setup
}
