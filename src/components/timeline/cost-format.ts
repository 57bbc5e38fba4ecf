// One formatter each: toLocaleString with options builds a new one per call, and the meter redraws with every message.
const dollars = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2, minimumFractionDigits: 2 })
const counts = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 })

export const usd = (n: number) => (n < 0.01 && n > 0 ? `$${n.toPrecision(2)}` : `$${dollars.format(n)}`)
export const count = (n: number) => counts.format(n)
