import { describe, expect, it } from 'vitest'
import {
  appendHistory,
  csvCell,
  defaultValues,
  EXPERIMENTS,
  findExperiment,
  HISTORY_KEY,
  historyFor,
  loadHistory,
  parseResultsJson,
  resolveParams,
  resultsToCsv,
  resultsToJson,
  saveHistory,
  summarise,
  formatMeasure,
  formatValueCounts,
  describeRunStatus,
  type ResultRow,
  type StorageLike,
} from './index'

function row(run: number, measured: ResultRow['measured'], extra: Partial<ResultRow> = {}): ResultRow {
  return {
    experimentId: 'idle',
    run,
    startedAt: '2026-11-23T22:00:00.000Z',
    endpoint: 'ws://127.0.0.1:4001/dev',
    endpointKind: 'local',
    profile: { id: 'custom', idleSeconds: 0.8, maxSeconds: 5 },
    params: {},
    measured,
    documented: { closedAfterMs: 600_000 },
    ...extra,
  }
}

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>()
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) }
}

describe('catalog and parameters', () => {
  it('has the seven experiments with unique ids and valid defaults', () => {
    expect(EXPERIMENTS.map((e) => e.id)).toEqual([
      'idle',
      'idle-after-message',
      'keepalive',
      'idle-reset',
      'max-duration',
      'size-limits',
      'gone-after-close',
    ])
    for (const e of EXPERIMENTS) {
      const check = resolveParams(e, { endpoint: 'wss://abc1234567.execute-api.us-east-1.amazonaws.com/prod' })
      expect(check, e.id).toMatchObject({ ok: true })
      expect(defaultValues(e).runs).toBe(3)
    }
  })

  it('takes numbers as strings (URL parameters) and defaults what is missing', () => {
    const check = resolveParams(findExperiment('keepalive')!, {
      endpoint: 'ws://localhost:4001/dev',
      runs: '2',
      intervalSeconds: '0.5',
    })
    expect(check).toEqual({
      ok: true,
      params: {
        endpoint: 'ws://localhost:4001/dev',
        protocols: [],
        runs: 2,
        idleSeconds: 600,
        maxSeconds: 7200,
        values: { intervalSeconds: 0.5, targetSeconds: 900, payload: '{"action":"ping"}' },
      },
    })
  })

  it('reports every problem in words', () => {
    const check = resolveParams(findExperiment('idle-reset')!, {
      endpoint: 'http://example.com/dev',
      runs: '1.5',
      idleSeconds: 'soon',
      variant: 'magic',
    })
    expect(check.ok).toBe(false)
    if (check.ok) return
    expect(check.errors).toEqual([
      expect.stringMatching(/HTTP URL/),
      'Runs must be a whole number.',
      'Expected idle timeout: “soon” is not a number.',
      'Action must be one of client-message, server-post, get-connection.',
    ])
  })

  it('checks across parameters', () => {
    const max = resolveParams(findExperiment('max-duration')!, {
      endpoint: 'ws://localhost/dev',
      idleSeconds: 1,
      keepaliveSeconds: 2,
    })
    expect(max).toEqual({ ok: false, errors: [expect.stringMatching(/shorter than the expected idle timeout/)] })
    const idle = resolveParams(findExperiment('idle')!, {
      endpoint: 'ws://localhost/dev',
      idleSeconds: 10,
      maxSeconds: 5,
    })
    expect(idle).toEqual({ ok: false, errors: [expect.stringMatching(/cannot be longer than the maximum/)] })
    const size = resolveParams(findExperiment('size-limits')!, {
      endpoint: 'ws://localhost/dev',
      minBytes: 4096,
      maxBytes: 2048,
    })
    expect(size.ok).toBe(false)
  })
})

describe('keepalive survival under the planned timers', () => {
  const keepalive = findExperiment('keepalive')!
  const planned = (input: Record<string, string>) => {
    const check = resolveParams(keepalive, { endpoint: 'ws://localhost:4001/dev', ...input })
    if (!check.ok) throw new Error(check.errors.join(' '))
    return check.params
  }

  it('says nothing, and plans the whole target, when the timers allow it', () => {
    const params = planned({ idleSeconds: '600', maxSeconds: '7200' })
    expect(keepalive.advise!(params)).toEqual([])
    expect(keepalive.estimateRunMs(params)).toBe(900_500)
  })

  it('expects the idle close when the keepalive is not faster than the idle timeout', () => {
    const params = planned({ idleSeconds: '10', maxSeconds: '60' })
    expect(keepalive.advise!(params)).toEqual([
      'A keepalive every 60 s is not faster than the idle timeout planned (10 s): expect the idle close at about 10 s, not 900 s of life.',
    ])
    expect(keepalive.estimateRunMs(params)).toBe(10_500)
  })

  it('expects the maximum-duration close when it comes before the target', () => {
    const params = planned({ idleSeconds: '10', maxSeconds: '60', intervalSeconds: '3' })
    expect(keepalive.advise!(params)).toEqual([
      'The maximum duration planned (60 s) ends the connection before 900 s, whatever the keepalive: expect its close at about 60 s.',
    ])
    expect(keepalive.estimateRunMs(params)).toBe(60_500)
    expect(
      keepalive.advise!(planned({ idleSeconds: '10', maxSeconds: '60', intervalSeconds: '3', targetSeconds: '30' })),
    ).toEqual([])
  })
})

describe('summary', () => {
  it('gives mean, min and max per numeric measure, skipping failed runs, with the documented value', () => {
    const rows = [
      row(1, { closedAfterMs: 800, closeCode: 1001, closeReason: 'Going away', wasClean: true }),
      row(2, { closedAfterMs: 1000, closeCode: 1001, closeReason: 'Going away', wasClean: false }),
      row(3, { closedAfterMs: 5000 }, { error: 'boom' }),
    ]
    expect(summarise(rows)).toEqual([
      { measure: 'closedAfterMs', kind: 'number', count: 2, mean: 900, min: 800, max: 1000, documented: 600_000 },
      { measure: 'closeCode', kind: 'values', count: 2, values: [{ value: 1001, count: 2 }] },
      { measure: 'wasClean', kind: 'boolean', count: 2, trueCount: 1 },
    ])
  })

  it('counts close codes and HTTP statuses instead of averaging them', () => {
    const rows = [1001, 1006, 1001, 1001].map((closeCode, i) =>
      row(i + 1, { closeCode, actionStatus: i < 2 ? 200 : 410 }),
    )
    expect(summarise(rows)).toEqual([
      {
        measure: 'closeCode',
        kind: 'values',
        count: 4,
        values: [
          { value: 1001, count: 3 },
          { value: 1006, count: 1 },
        ],
      },
      {
        measure: 'actionStatus',
        kind: 'values',
        count: 4,
        values: [
          { value: 200, count: 2 },
          { value: 410, count: 2 },
        ],
      },
    ])
  })

  it('is empty for no rows', () => {
    expect(summarise([])).toEqual([])
  })
})

describe('CSV and JSON', () => {
  it('writes a header and one line per row, quoting what needs it', () => {
    const csv = resultsToCsv([
      row(1, { closedAfterMs: 812, closeReason: 'Going away, "bye"\nnow' }, { params: { variant: 'server-post' } }),
      row(2, { closedAfterMs: 790, keepalivesSent: 3 }, { error: 'no close' }),
    ])
    const lines = csv.split('\r\n')
    expect(lines[0]).toBe(
      'experiment,run,startedAt,endpointKind,endpoint,profile,idleSeconds,maxSeconds,param.variant,closedAfterMs,closeReason,keepalivesSent,documented.closedAfterMs,error',
    )
    expect(csv).toContain(
      // The quoted newline stays inside the cell.
      'idle,1,2026-11-23T22:00:00.000Z,local,ws://127.0.0.1:4001/dev,custom,0.8,5,server-post,812,"Going away, ""bye""\nnow",,600000,\r\n',
    )
    expect(lines[2]).toBe(
      'idle,2,2026-11-23T22:00:00.000Z,local,ws://127.0.0.1:4001/dev,custom,0.8,5,,790,,3,600000,no close',
    )
    expect(csv.endsWith('no close\r\n')).toBe(true)
  })

  it('quotes cells and defuses spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('no close')).toBe('no close')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('a;b')).toBe('"a;b"')
    expect(csvCell('a|b')).toBe('"a|b"')
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(csvCell(-5)).toBe('-5')
    expect(csvCell(null)).toBe('')
    expect(csvCell(false)).toBe('false')
  })

  it('defuses every OWASP formula lead, its fullwidth forms and whitespace-led forms', () => {
    const hostile = [
      '=1+1',
      '+1',
      '-1',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
      '\n=1',
      '\0=1',
      ' =1',
      '  @x',
      '\u3000=1',
      '\u00a0+1',
      '＝1+1',
      '＋1',
      '－1',
      '＠SUM(A1)',
      ' ＝1',
    ]
    for (const value of hostile) {
      const cell = csvCell(value)
      // Quoted, and the first character inside the quotes is the apostrophe that makes a spreadsheet read text.
      expect(cell, JSON.stringify(value)).toBe(`"'${value}"`)
    }
    for (const value of ['a=1', 'x-y', 'mail@example.com', '1']) expect(csvCell(value)).not.toContain(`'`)
  })

  it('round-trips through JSON and ignores what is not a row', () => {
    const rows = [row(1, { closedAfterMs: 800 }), row(2, { closedAfterMs: 801 })]
    const text = resultsToJson(rows, new Date('2026-11-23T22:10:00Z'))
    expect(JSON.parse(text)).toMatchObject({
      format: 'apigw-websocket-lab-results',
      version: 1,
      exportedAt: '2026-11-23T22:10:00.000Z',
    })
    expect(parseResultsJson(text)).toEqual(rows)
    expect(parseResultsJson(JSON.stringify([rows[0], { run: 'x' }, 3]))).toEqual([rows[0]])
    expect(parseResultsJson('not json')).toEqual([])
  })
})

describe('history', () => {
  it('saves and loads rows through a Storage-like object', () => {
    const storage = memoryStorage()
    expect(loadHistory(storage)).toEqual([])
    const rows = [row(1, { closedAfterMs: 800 }), row(1, { survived: true }, { experimentId: 'keepalive' })]
    expect(saveHistory(storage, rows)).toEqual({ ok: true })
    expect(storage.data.has(HISTORY_KEY)).toBe(true)
    expect(loadHistory(storage)).toEqual(rows)
    expect(historyFor(loadHistory(storage), 'keepalive')).toEqual([rows[1]])
  })

  it('survives corrupt data and a full storage', () => {
    const storage = memoryStorage()
    storage.data.set(HISTORY_KEY, '{oops')
    expect(loadHistory(storage)).toEqual([])
    storage.data.set(HISTORY_KEY, JSON.stringify([row(1, {}), { nope: true }]))
    expect(loadHistory(storage)).toHaveLength(1)
    const full: StorageLike = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError')
      },
    }
    expect(saveHistory(full, [row(1, {})])).toEqual({ ok: false, error: expect.stringMatching(/QuotaExceededError/) })
  })

  it('keeps the newest rows within the limit', () => {
    const old = [row(1, {}), row(2, {})]
    const added = appendHistory(old, [row(3, {}), row(4, {})], 3)
    expect(added.map((r) => r.run)).toEqual([2, 3, 4])
    expect(old).toHaveLength(2)
  })
})

describe('result formatting', () => {
  it('prints codes and statuses without thousands separators, quantities with them', () => {
    expect(formatMeasure('closeCode', 1001)).toBe('1001')
    expect(formatMeasure('goneStatus', 410)).toBe('410')
    expect(formatMeasure('closedAfterMs', 600_123)).toBe('600,123')
    expect(formatMeasure('closedAfterMs', 812.46)).toBe('812.5')
    expect(formatMeasure('closeCode', null)).toBe('—')
  })

  it('prints each value with its count', () => {
    expect(
      formatValueCounts([
        { value: 1001, count: 3 },
        { value: 1006, count: 1 },
      ]),
    ).toBe('1001 ×3, 1006 ×1')
  })

  it('reports a run whose rows all failed as failed, and counts partial failures', () => {
    expect(describeRunStatus('done', [{ error: 'refused' }, { error: 'refused' }])).toEqual({
      text: 'failed: all 2 runs failed',
      failed: true,
    })
    expect(describeRunStatus('done', [{ error: 'refused' }])).toEqual({ text: 'failed: the run failed', failed: true })
    expect(describeRunStatus('partly failed', [{}, { error: 'refused' }, {}])).toEqual({
      text: 'partly failed: 1 of 3 runs failed',
      failed: true,
    })
    expect(describeRunStatus('failed', [{ error: 'refused' }])).toEqual({
      text: 'failed: the run failed',
      failed: true,
    })
    expect(describeRunStatus('done', [{}, {}])).toEqual({ text: 'done', failed: false })
    expect(describeRunStatus('cancelled', [{ error: 'x' }])).toEqual({ text: 'cancelled', failed: false })
  })
})
