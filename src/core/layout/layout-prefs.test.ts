import { describe, expect, it } from 'vitest'
import { DEFAULT_LAYOUT, parseLayoutPrefs, withPanel, writeLayoutPrefs } from './layout-prefs'

describe('layout preferences', () => {
  it('round-trip a chosen tool and folded panels', () => {
    const prefs = withPanel(withPanel({ tool: 'cost', collapsed: [] }, 'timeline', false), 'keepalive', false)
    expect(parseLayoutPrefs(writeLayoutPrefs(prefs))).toEqual({ tool: 'cost', collapsed: ['timeline', 'keepalive'] })
  })

  it('remember a closed work area as closed, not as the default tool', () => {
    expect(parseLayoutPrefs(writeLayoutPrefs({ tool: undefined, collapsed: [] })).tool).toBeUndefined()
  })

  it('reopen a folded panel', () => {
    expect(withPanel({ tool: 'lab', collapsed: ['timeline', 'timeouts'] }, 'timeline', true).collapsed).toEqual([
      'timeouts',
    ])
  })

  it.each([null, '', 'not json', '42', '"lab"', 'null', '[]'])('fall back to the defaults for %j', (raw) => {
    expect(parseLayoutPrefs(raw)).toEqual(DEFAULT_LAYOUT)
  })

  it('drop unknown tools and panels and repeated panels', () => {
    expect(parseLayoutPrefs('{"tool":"shell","collapsed":["timeline","log",7,"timeline"]}')).toEqual({
      tool: 'lab',
      collapsed: ['timeline'],
    })
  })
})
