const KEY = 'apigw-playground:tab-id'

/**
 * This tab's id: sessionStorage keeps it across reloads of the tab (as it keeps the tab's connections), and another
 * tab gets its own. Random bytes rather than crypto.randomUUID, which a page served over plain http on a LAN lacks.
 */
export function tabId(): string {
  const fresh = () =>
    Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')
  try {
    const kept = sessionStorage.getItem(KEY)
    if (kept) return kept
    const id = fresh()
    sessionStorage.setItem(KEY, id)
    return id
  } catch {
    // No sessionStorage: every load is a tab of its own, and kept entries show their connections' names.
    return fresh()
  }
}
