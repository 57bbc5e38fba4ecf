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
