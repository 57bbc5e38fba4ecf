/**
 * Where a sliding chart draws from. The lanes are drawn with time `at` at the plot's left edge and slid left by a
 * transform as time passes; they are drawn again when data arrives and each time they have slid a little (see
 * TimelineChart). Kept across those redraws, the origin keeps everything already drawn at the same coordinates, so a
 * redraw changes only what is new: an idle lane not at all, where a new origin at each slide redrew every element of
 * every lane (with fifty lanes, a 40 ms task every 3 s). A new scale (another window or width) starts afresh, and so
 * does a slide of MAX_SLID_SPANS windows, which bounds the coordinates.
 */
export interface SlideOrigin {
  at: number
  span: number
  width: number
}

export const MAX_SLID_SPANS = 100

/** The origin for a drawing of the window [anchor - span, anchor] `width` pixels wide: the previous one if it fits. */
export function slideOrigin(
  previous: SlideOrigin | undefined,
  anchor: number,
  span: number,
  width: number,
): SlideOrigin {
  const start = anchor - span
  const fits =
    previous !== undefined &&
    previous.span === span &&
    previous.width === width &&
    start >= previous.at &&
    start - previous.at <= MAX_SLID_SPANS * span
  return fits ? previous : { at: start, span, width }
}

/**
 * Where a segment that lasts until now is drawn to: past anywhere the drawing slides while this origin holds, so that
 * time passing never redraws it (the plot clips it at the right edge).
 */
export function openUntil(origin: SlideOrigin): number {
  return origin.at + (MAX_SLID_SPANS + 2) * origin.span
}
