import { computed } from 'vue'
import { explainClose } from '@/core/session/close-codes'
import { closeMatchesTimer, goingAwayText } from '@/core/session/profile-text'
import { expectedCloses } from '@/core/session/timeout-profiles'
import { useSessionStore } from '@/stores/session'

/** The selected connection's last close explained under its timeout profile, and which of its timers it matches, if any. */
export function useLastCloseExplanation() {
  const session = useSessionStore()
  const explanation = computed(() => {
    const close = session.state.lastClose
    if (!close) return undefined
    const base = explainClose(close.code, close.beforeOpen)
    return close.code === 1001 ? { ...base, text: goingAwayText(session.profile) } : base
  })
  const matchedTimer = computed(() => {
    const close = session.state.lastClose
    if (!close) return undefined
    // The activity the timers ran on is kept after the close, so the expectation is rebuilt as it stood then.
    const expected = expectedCloses(session.profile, {
      openedAt: session.state.openedAt,
      lastSentAt: session.state.lastSentAt,
      lastReceivedAt: session.state.lastReceivedAt,
      sentCount: session.state.sentCount,
    })
    return closeMatchesTimer(close, expected, session.profile)
  })
  return { explanation, matchedTimer }
}
