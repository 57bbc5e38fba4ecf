/**
 * Paired rounds: every contender runs once per round, back to back, and ratios are taken within a round. On a shared
 * machine the load drifts over minutes; the median of per-round ratios resists a noisy neighbour better than a ratio
 * of medians (or of bests) measured minutes apart.
 */

/**
 * Runs `rounds` rounds of every contender; returns each contender's results in round order. Each round starts one
 * contender further on, so none always runs first or last: whatever a run leaves behind (the browser's garbage, a
 * server's buffers, a neighbour's burst that follows) falls on every contender in turn.
 */
export async function pairedRounds<K extends string, T>(
  rounds: number,
  contenders: Record<K, () => Promise<T>>,
  onRound?: (round: number, results: Record<K, T>) => void,
): Promise<Record<K, T[]>> {
  const names = Object.keys(contenders) as K[]
  const all = Object.fromEntries(names.map((name) => [name, [] as T[]])) as Record<K, T[]>
  for (let round = 0; round < rounds; round++) {
    const results = {} as Record<K, T>
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]!
      results[name] = await contenders[name]()
      all[name].push(results[name])
    }
    onRound?.(round, results)
  }
  return all
}

/** Each round's a ÷ b, in round order. */
export function roundRatios(a: readonly number[], b: readonly number[]): number[] {
  return a.map((x, i) => x / b[i]!)
}

/** The middle value (the upper middle of an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** "0.72, 0.81, …" for a row's label. */
export function listRounds(values: readonly number[]): string {
  return values.map((v) => v.toFixed(2)).join(', ')
}
