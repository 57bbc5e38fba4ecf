import { computed, type WritableComputedRef } from 'vue'
import type { ConnectionSettings } from '@/core/session/page-connection'
import { useSessionStore } from '@/stores/session'

type SettingRefs = { [K in keyof ConnectionSettings]: WritableComputedRef<ConnectionSettings[K]> }

/**
 * The selected connection's settings as refs for v-model: reading follows the selection, writing goes through the
 * store's `configure`, so the connection applies it (a new keepalive interval restarts its countdown, and so on).
 */
export function useSelectedSettings(): SettingRefs {
  const session = useSessionStore()
  const field = <K extends keyof ConnectionSettings>(key: K) =>
    computed<ConnectionSettings[K]>({
      get: () => session.selected.settings[key],
      set: (value) => {
        session.configure({ [key]: value } as Partial<ConnectionSettings>)
      },
    })
  return {
    endpoint: field('endpoint'),
    protocols: field('protocols'),
    keepaliveSeconds: field('keepaliveSeconds'),
    keepalivePayload: field('keepalivePayload'),
    profileId: field('profileId'),
    customIdleSeconds: field('customIdleSeconds'),
    customMaxSeconds: field('customMaxSeconds'),
    reconnect: field('reconnect'),
    handshakeTimeoutSeconds: field('handshakeTimeoutSeconds'),
  }
}
