/**
 * Coalesces many calls into one per animation frame, so a flood of thousands of messages per second
 * re-renders the page at most ~60 times a second. Falls back to a timer when the tab is hidden (no frames then).
 */
export function frameBatch(flush: () => void): () => void {
  let pending = false
  let frame = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const run = () => {
    if (!pending) return
    pending = false
    if (frame) cancelAnimationFrame(frame)
    if (timer) clearTimeout(timer)
    frame = 0
    timer = undefined
    flush()
  }
  return () => {
    if (pending) return
    pending = true
    frame = requestAnimationFrame(run)
    timer = setTimeout(run, 200)
  }
}
