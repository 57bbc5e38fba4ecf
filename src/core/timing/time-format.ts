/** Local wall-clock time with milliseconds, e.g. 08:14:53.120: the article's timestamps, to the millisecond. */
export function clockTime(at: number, withMs = true): string {
  const d = new Date(at)
  const hms = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  return withMs ? `${hms}.${String(d.getMilliseconds()).padStart(3, '0')}` : hms
}

/** +1.234 s relative to the connection's open. */
export function relativeTime(ms: number | undefined): string {
  if (ms === undefined) return ''
  return ms < 60_000
    ? `+${(ms / 1000).toFixed(3)}s`
    : `+${Math.floor(ms / 60_000)}m${((ms % 60_000) / 1000).toFixed(3).padStart(6, '0')}s`
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** A timer's length as people say it: "10 min", "2 h", "30 s", "1 min 30 s", "0.5 s". */
export function spokenDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1000) return `${Number((ms / 1000).toFixed(2))} s`
  const parts: string[] = []
  let s = Math.round(ms / 1000)
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  s -= m * 60
  if (h) parts.push(`${h} h`)
  if (m) parts.push(`${m} min`)
  if (s || !parts.length) parts.push(`${s} s`)
  return parts.join(' ')
}
