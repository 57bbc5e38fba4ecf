import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import type { SessionEvent } from '../session/events'
import { LogBuffer } from './log-buffer'
import { compileFilter, FilteredView } from './log-filter'
import { PatternRunner, PatternTooSlowError, type WorkerLike } from './pattern-runner'
import { answerMatchRequest, type MatchReply, type MatchRequest, type TextPattern } from './text-match'

/** A worker_threads thread behind the Web Worker calls the runner uses. */
function nodeWorker(): WorkerLike {
  const script = fileURLToPath(new URL('../test-support/node-filter-worker.ts', import.meta.url))
  // tsx's require hook lets the thread load the TypeScript worker as it is.
  const thread = new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(script)})`, { eval: true })
  const like: WorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage: (message: MatchRequest) => thread.postMessage(message),
    terminate: () => void thread.terminate(),
  }
  thread.on('message', (data: MatchReply) => like.onmessage?.({ data } as MessageEvent<MatchReply>))
  return like
}

const received = (data: string, at = 0): SessionEvent => ({
  at,
  connection: 1,
  kind: 'received',
  direction: 'in',
  data,
})

describe('PatternRunner', () => {
  it('ends a worker stuck in catastrophic backtracking, says so, and answers the next pattern with a fresh one', async () => {
    // A fresh thread gets 20 s to load (tsx under load is slow); each later batch gets 1.5 s.
    const runner = new PatternRunner(nodeWorker, 1500, 20_000)
    await expect(runner.match({ text: 'a', regex: false }, [1], ['A'])).resolves.toEqual([1])
    const slow = runner.match({ text: '(a+)+$', regex: true }, [1, 2], ['aaaa', 'a'.repeat(40) + '!'])
    await expect(slow).rejects.toBeInstanceOf(PatternTooSlowError)
    await expect(slow).rejects.toThrow(/longer than 1.5 s on 2 log entries/)
    await expect(runner.match({ text: 'b+', regex: true }, [1, 2, 3], ['abc', 'xyz', 'BB'])).resolves.toEqual([1, 3])
    runner.stop()
  }, 60_000)
})

describe('FilteredView with a text stage', () => {
  const stage = (pattern: TextPattern, seqs: number[], texts: string[]) => {
    const reply = answerMatchRequest({ id: 0, pattern, seqs, texts })
    return 'error' in reply ? Promise.reject(new Error(reply.error)) : Promise.resolve(reply.matched)
  }

  it('holds entries until the stage answers, in order, batching large text', async () => {
    const log = new LogBuffer(100)
    const view = new FilteredView(log, undefined, stage)
    for (const d of ['apple', 'pear', 'apple pie']) view.append(log.push(received(d)))
    const f = compileFilter({ text: 'APP', regex: false, direction: 'all' })
    if (!f.ok) throw new Error()
    view.setFilter(f)
    expect(view.length).toBe(0)
    expect(view.pendingCount).toBe(3)
    view.append(log.push(received('x'.repeat(2 * 1024 * 1024) + 'app')))
    view.append(log.push(received('applet')))
    await expect.poll(() => view.pendingCount).toBe(0)
    expect(view.slice(0, 10).map((e) => e.data!.slice(-6))).toEqual(['apple', 'le pie', 'xxxapp', 'applet'])
  })

  it('falls back to the direction filter and reports when the stage fails', async () => {
    const log = new LogBuffer(100)
    const view = new FilteredView(log, undefined, () => Promise.reject(new Error('too slow')))
    let reported: Error | undefined
    view.onError = (e) => (reported = e)
    view.append(log.push(received('a')))
    const f = compileFilter({ text: 'zzz', regex: true, direction: 'in' })
    if (!f.ok) throw new Error()
    view.setFilter(f)
    await expect.poll(() => reported?.message).toBe('too slow')
    expect(view.length).toBe(1)
  })
})
