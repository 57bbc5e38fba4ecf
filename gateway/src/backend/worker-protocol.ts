/**
 * The messages between the Lambda runtime (lambda-runtime.ts) and an instance (lambda-worker.mjs). The worker is
 * plain JavaScript checked against these types through JSDoc (gateway/tsconfig.json has checkJs for it).
 */

/** `workerData` of an instance. */
export interface WorkerSetup {
  file: string
  exportPath: string[]
  /** The handler as the file writes it (`src/handler.connect`), for Lambda's HandlerNotFound message. */
  handlerText: string
  /** `file` as messages show it (relative to the current directory inside it). */
  fileShown: string
  functionName: string
  memoryMb: number
  region: string
  accountId: string
  typescript: boolean
  /** The function's `Runtime` (nodejs20.x): from nodejs18.x on, Lambda lends its functions the AWS SDK v3. */
  runtime: string
  /** Int32 flag the frozen instance waits on; the runtime sets it to 1 to thaw it. */
  flag: SharedArrayBuffer
}

export interface SerializedError {
  name: string
  message: string
  stack?: string
}

/** Runtime → instance. */
export interface InvokeMessage {
  type: 'invoke'
  id: number
  event: unknown
  requestId: string
  remainingMs: number
}

/** Instance → runtime. */
export type WorkerMessage =
  /** The handler module's import begins (Lambda's init limit counts from here). */
  | { type: 'init-start' }
  | { type: 'ready' }
  | { type: 'init-error'; error: SerializedError }
  | { type: 'log'; requestId: string; level: string; text: string }
  /** Console lines of the invocation beyond the worker's per-invocation cap, counted, not sent. */
  | { type: 'log-left-out'; requestId: string; info: number; error: number; limit: number }
  | { type: 'result'; id: number; ok: true; json: string | undefined }
  | { type: 'result'; id: number; ok: false; error: SerializedError }
  | { type: 'pending'; id: number; requestId: string; resources: string[] }
