import { describe, expect, it } from 'vitest'
import { EXPERIMENT_CONNECTION_BASE, connectionLabel, connectionName } from './connection-label'

describe('connection labels', () => {
  it('number the page’s connections as they are', () => {
    expect(connectionLabel(1)).toBe('#1')
    expect(connectionLabel(EXPERIMENT_CONNECTION_BASE)).toBe('#1000')
    expect(connectionName(7)).toBe('Connection #7')
  })
  it('show experiment connections as lab connections, never as #1001', () => {
    expect(connectionLabel(EXPERIMENT_CONNECTION_BASE + 1)).toBe('lab #1')
    expect(connectionName(EXPERIMENT_CONNECTION_BASE + 12)).toBe('Experiment connection #12')
  })
})
