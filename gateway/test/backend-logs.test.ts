import { fileURLToPath } from 'node:url'
import { describe, expect, it, onTestFailed } from 'vitest'
import { FakeClock } from './fake-clock'
import { gatewayFor, TestClient, waitFor } from './helpers'

// A cold worker instance can take seconds to start on a loaded machine.
const SLOW = 45_000
const fixture = fileURLToPath(new URL('./fixtures/noisy-handlers.mjs', import.meta.url))

describe("a function's console output is bounded per connection, like the gateway's own lines", () => {
  it('50 lines per connection (then 10 a second), the rest counted when it closes', { timeout: 120_000 }, async () => {
    // The clock never moves, so the budgets never refill: every figure below is exact.
    const gw = await gatewayFor({ backend: fixture, clock: new FakeClock() })
    onTestFailed(() => console.log(gw.logs.slice(-20).join('\n')))
    const fnLines = (level: string) =>
      gw.logs.filter((l) => new RegExp(`^noisy-handlers-default \\S+ ${level} line \\d+$`).test(l))
    const flooder = await TestClient.open(gw.wsUrl)
    const [flooderId] = gw.connections().map((c) => c.connectionId)
    const other = await TestClient.open(gw.wsUrl)

    // 1,000 lines in one invocation: the worker sends 100 (its per-invocation cap) and counts the rest; the gateway
    // logs the connection's 50 and counts the rest.
    await flooder.send('{"lines":1000,"level":"log"}')
    expect(await flooder.next(SLOW)).toBe('logged 1000')
    expect(fnLines('INFO')).toHaveLength(50)
    expect(fnLines('INFO').at(-1)).toMatch(/ line 50$/)
    // A second invocation on the same connection: no budget left.
    await flooder.send('{"lines":10,"level":"log"}')
    expect(await flooder.next(SLOW)).toBe('logged 10')
    expect(fnLines('INFO')).toHaveLength(50)
    // Errors have their own budget, so a chatty handler's info lines never hide its errors.
    await flooder.send('{"lines":3,"level":"error"}')
    expect(await flooder.next(SLOW)).toBe('logged 3')
    expect(fnLines('ERROR')).toHaveLength(3)

    // Another connection has a budget of its own.
    await other.send('{"lines":5,"level":"log"}')
    expect(await other.next(SLOW)).toBe('logged 5')
    expect(fnLines('INFO')).toHaveLength(55)

    // When the connection closes, what was left out is counted: 950 + 10 info lines of the flooder's.
    await flooder.close()
    const leftOut = `960 more line(s) about function logs for ${flooderId} left out`
    await waitFor(() => gw.logs.includes(leftOut), SLOW, 'the count of lines left out')
    expect(gw.logs.filter((l) => l.includes('more line(s) about function logs'))).toEqual([leftOut])
    await other.close()
  })
})
