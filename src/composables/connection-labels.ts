import { shallowRef } from 'vue'
import { useSessionStore } from '@/stores/session'

/** The Timeout lab's sockets share the log and the timeline under the source `lab`. */
export const LAB_LABEL = { name: 'Timeout lab', colour: '#64748b' } as const

/**
 * The connection (by `source`) the pointer or keyboard focus is on, in the timeline or the log: the other view
 * highlights the same connection's lane or rows.
 */
export const highlightedSource = shallowRef<string>()

/**
 * Name and colour of a log row's or timeline lane's connection: the page's connections (removed ones too) and the
 * lab. Reads the connection list, so a rename redraws what shows the name.
 */
export function useSourceLabels(): (source: string | undefined) => { name: string; colour: string } | undefined {
  const session = useSessionStore()
  return (source) => {
    void session.connections
    return source === 'lab' ? LAB_LABEL : session.labelOf(source)
  }
}
