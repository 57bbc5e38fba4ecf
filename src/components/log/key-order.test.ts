import { describe, expect, it } from 'vitest'
import { inKeyOrder } from './key-order'

const places = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ index: from + i }))
const keys = (rows: { index: number }[], slots: number) => rows.map((row) => row.index % slots)

describe('inKeyOrder', () => {
  it('draws scrolled rows in the order of their keys, so scrolling never reorders the DOM', () => {
    expect(keys(inKeyOrder(places(13, 5), 5), 5)).toEqual([0, 1, 2, 3, 4])
    expect(inKeyOrder(places(13, 5), 5).map((row) => row.index)).toEqual([15, 16, 17, 13, 14])
    expect(keys(inKeyOrder(places(10_007, 9), 9), 9)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('keeps rows that start at key 0 or never wrap as they are', () => {
    const rows = places(10, 5)
    expect(inKeyOrder(rows, 5)).toBe(rows)
    const short = places(2, 3)
    expect(inKeyOrder(short, 8)).toBe(short)
    expect(inKeyOrder([], 8)).toEqual([])
  })

  it('orders fewer rows than slots by key too', () => {
    expect(keys(inKeyOrder(places(6, 4), 8), 8)).toEqual([0, 1, 6, 7])
  })
})
