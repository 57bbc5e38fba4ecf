/**
 * Shell-style recall of sent messages: ArrowUp goes back, ArrowDown forward, and the draft being typed
 * is kept so coming back past the newest entry restores it.
 */
export class MessageHistory {
  private items: string[]
  private cursor: number | undefined
  private draft = ''

  constructor(
    initial: readonly string[] = [],
    private readonly max = 100,
  ) {
    this.items = initial.slice(-max)
  }

  get all(): readonly string[] {
    return this.items
  }

  /** Records a sent message; consecutive duplicates are kept once. */
  record(message: string): void {
    if (message && this.items[this.items.length - 1] !== message) {
      this.items.push(message)
      if (this.items.length > this.max) this.items.shift()
    }
    this.cursor = undefined
    this.draft = ''
  }

  /** The older entry to show, or undefined when there is none. */
  previous(current: string): string | undefined {
    if (!this.items.length) return undefined
    if (this.cursor === undefined) {
      this.draft = current
      this.cursor = this.items.length
    }
    if (this.cursor === 0) return undefined
    this.cursor--
    return this.items[this.cursor]
  }

  next(): string | undefined {
    if (this.cursor === undefined) return undefined
    this.cursor++
    if (this.cursor >= this.items.length) {
      this.cursor = undefined
      return this.draft
    }
    return this.items[this.cursor]
  }
}

/** How the composer reads its text: as a text frame (plain or checked JSON), or as bytes for a binary frame. */
export type ComposerMode = 'text' | 'json' | 'base64' | 'hex'

export interface SavedMessage {
  name: string
  body: string
  mode: ComposerMode
}

/** Adds or replaces by name; names are trimmed and must not be empty. */
export function saveMessage(
  list: readonly SavedMessage[],
  message: SavedMessage,
): { ok: true; list: SavedMessage[] } | { ok: false; error: string } {
  const name = message.name.trim()
  if (!name) return { ok: false, error: 'Give the message a name.' }
  if (name.length > 80) return { ok: false, error: 'Names are at most 80 characters.' }
  const saved = { ...message, name }
  const index = list.findIndex((m) => m.name === name)
  const next = list.slice()
  if (index >= 0) next[index] = saved
  else next.push(saved)
  return { ok: true, list: next }
}
