import { parentPort } from 'node:worker_threads'
import { answerMatchRequest, type MatchRequest } from '../log/text-match'

// The filter worker's job on a Node thread, so tests run a real thread that a real terminate() ends.
parentPort!.on('message', (request: MatchRequest) => parentPort!.postMessage(answerMatchRequest(request)))
