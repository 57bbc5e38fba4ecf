/** Local wall-clock time with milliseconds, e.g. 08:14:53.120: the article's timestamps, to the millisecond. */
export function clockTime(at: number, withMs = true): string {
  const d = new Date(at)
  const hms = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  return withMs ? `${hms}.${String(d.getMilliseconds()).padStart(3, '0')}` : hms
}

/** +1.234 s relative to the connection's open. */
export function relativeTime(ms: number | undefined): string {
  if (ms === undefined) return ''
  return ms < 60_000 ? `+${(ms / 1000).toFixed(3)}s` : `+${Math.floor(ms / 60_000)}m${((ms % 60_000) / 1000).toFixed(3).padStart(6, '0')}s`
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}
