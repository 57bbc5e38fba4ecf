import type { LogEntry } from '../session/events'
import { fromBase64, toHex } from '../composer/bytes'

/** What the user typed into the filter box. */
export interface TextPattern {
  text: string
  regex: boolean
}

export type TextMatcher = { ok: true; match: (text: string) => boolean } | { ok: false; error: string }

/** Case-insensitive substring or regular expression. Compiling is safe on any thread; running a regex may not be. */
export function compileTextMatcher(pattern: TextPattern): TextMatcher {
  if (pattern.regex) {
    let re: RegExp
    try {
      re = new RegExp(pattern.text, 'i')
    } catch (e) {
      // The engine's message already starts "Invalid regular expression: /…/i:"; keep only its reason.
      const reason = (e as Error).message.replace(/^Invalid regular expression:\s*(?:\/.*\/[a-z]*:\s*)?/s, '')
      return { ok: false, error: `Invalid regular expression: ${reason}` }
    }
    return { ok: true, match: (s) => re.test(s) }
  }
  const needle = pattern.text.toLowerCase()
  return { ok: true, match: (s) => s.toLowerCase().includes(needle) }
}

/** The text a filter searches: the message, and for events their message, close reason, URL and code. */
export function searchableText(entry: LogEntry): string {
  // Binary entries hold base64: the filter also matches the hex the log shows (of the first 4 KB).
  let text = entry.binary && entry.data ? `${entry.data}\n${toHex(fromBase64(entry.data), 4096)}` : (entry.data ?? '')
  if (entry.message) text += `\n${entry.message}`
  if (entry.reason) text += `\n${entry.reason}`
  if (entry.url) text += `\n${entry.url}`
  if (entry.code !== undefined) text += `\n${entry.code}`
  return text
}

/** One batch for the filter worker. */
export interface MatchRequest {
  id: number
  pattern: TextPattern
  seqs: number[]
  texts: string[]
}

export type MatchReply = { id: number; matched: number[] } | { id: number; error: string }

/** What the worker does with a request (here so that it can be tested without a worker). */
export function answerMatchRequest(request: MatchRequest): MatchReply {
  const matcher = compileTextMatcher(request.pattern)
  if (!matcher.ok) return { id: request.id, error: matcher.error }
  const matched: number[] = []
  for (let i = 0; i < request.seqs.length; i++) if (matcher.match(request.texts[i]!)) matched.push(request.seqs[i]!)
  return { id: request.id, matched }
}
