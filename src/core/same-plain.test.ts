import { describe, expect, it } from 'vitest'
import { samePlain } from './same-plain'

describe('samePlain', () => {
  it('compares plain data deeply', () => {
    expect(samePlain({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBe(true)
    expect(samePlain({ a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] })).toBe(false)
    expect(samePlain([1, 2], [1, 2, 3])).toBe(false)
    expect(samePlain([1], { 0: 1 })).toBe(false)
    expect(samePlain({ a: 1 }, { a: 1, b: 2 })).toBe(false)
    expect(samePlain({ a: 1, b: 2 }, { a: 1 })).toBe(false)
    expect(samePlain(null, {})).toBe(false)
    expect(samePlain(Number.NaN, Number.NaN)).toBe(true)
  })

  it('takes a property that is undefined as absent (a marker with no code equals one whose code is undefined)', () => {
    expect(samePlain({ a: 1, code: undefined }, { a: 1 })).toBe(true)
    expect(samePlain({ a: 1 }, { a: 1, code: undefined })).toBe(true)
  })
})
