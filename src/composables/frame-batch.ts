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

/**
 * Coalesces calls into one every `ms` milliseconds: for views that need not follow every frame (the timeline redraws
 * a few times a second, which is smooth enough and keeps a flood's main thread for the messages).
 */
export function intervalBatch(flush: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  return () => {
    if (timer !== undefined) return
    timer = setTimeout(() => {
      timer = undefined
      flush()
    }, ms)
  }
}
