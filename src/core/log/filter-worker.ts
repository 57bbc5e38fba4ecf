/// <reference lib="webworker" />
import { answerMatchRequest, type MatchRequest } from './text-match'

/**
 * Runs the user's filter pattern on message text away from the page: a pattern that backtracks for seconds (or
 * forever) holds only this worker, which the page terminates when it misses its time budget.
 */
self.onmessage = (event: MessageEvent<MatchRequest>) => {
  self.postMessage(answerMatchRequest(event.data))
}
