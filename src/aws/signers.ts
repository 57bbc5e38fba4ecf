import { connectionUrl } from '@/core/management/management-endpoint'
import type { ManagementCall } from '@/core/management/aws-cli'
import {
  SIGNER_ERROR_HEADER,
  SIGNER_PATH,
  SIGNER_TOKEN_HEADER,
  SIGNER_TOKEN_META,
  type SignerCallRequest,
  type SignerError,
  type SignerIdentity,
} from '@/core/management/relay-protocol'
import { callManagementApi, type AwsKeys, type ManagementOutcome } from './management-api'
import { presignWebSocketUrl } from './presign'
import { elapsedSince, outcomeFromResponse } from './http-outcome'

export interface CallTarget {
  /** The management endpoint (https://{api}.execute-api.{region}.amazonaws.com/{stage}, or the local gateway's). */
  endpoint: string
  region: string
  relay?: boolean
}

/** What every AWS call on the page goes through, whichever credentials the user chose. */
export interface Signer {
  /** The URL to open for a $connect (SigV4 in the query for IAM; unchanged without signing). */
  presign(wsUrl: string, region: string): Promise<string>
  call(call: ManagementCall, target: CallTarget): Promise<ManagementOutcome>
}

/** Cognito or pasted keys: signed here, with the SDK, the secret held by the caller in memory. */
export function keysSigner(keys: AwsKeys): Signer {
  return {
    presign: (wsUrl, region) => presignWebSocketUrl(wsUrl, region, keys),
    call: (call, target) => callManagementApi(call, { ...target, credentials: keys }),
  }
}

/** For emulators without auth (serverless-offline, the local gateway with auth none): plain requests. */
export const unsignedSigner: Signer = {
  presign: async (wsUrl) => wsUrl,
  async call(call, target) {
    const started = performance.now()
    const method = call.op === 'PostToConnection' ? 'POST' : call.op === 'GetConnection' ? 'GET' : 'DELETE'
    try {
      const body = call.op === 'PostToConnection' ? new Uint8Array(call.data) : undefined
      const response = await fetch(connectionUrl(target.endpoint, call.connectionId), { method, body })
      return await outcomeFromResponse(call.op, response, elapsedSince(started))
    } catch (e) {
      return {
        ok: false,
        op: call.op,
        latencyMs: elapsedSince(started),
        name: e instanceof Error ? e.name : 'Error',
        message: e instanceof Error ? e.message : String(e),
      }
    }
  },
}

/** Thrown when the server-side signer is not there or refuses: the panel explains it apart from AWS errors. */
export class SignerUnavailableError extends Error {
  override name = 'SignerUnavailable'
  constructor(
    readonly kind: SignerError['kind'] | 'missing',
    message: string,
  ) {
    super(message)
  }
}

const MISSING =
  'The AWS CLI source needs the playground’s own server (npm start, npm run dev or npm run preview), which signs with your AWS CLI credentials. This page is served without it (static hosting, or another server): use access keys or a Cognito identity pool instead.'

/** The token the server wrote into this page; none when the page came from elsewhere (static hosting). */
export function signerToken(doc: Document = document): string | undefined {
  return doc.querySelector<HTMLMetaElement>(`meta[name="${SIGNER_TOKEN_META}"]`)?.content || undefined
}

async function postSigner(action: string, body: unknown): Promise<Response> {
  const token = signerToken()
  if (!token) throw new SignerUnavailableError('missing', MISSING)
  let response: Response
  try {
    response = await fetch(`${SIGNER_PATH}/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNER_TOKEN_HEADER]: token },
      body: JSON.stringify(body),
      cache: 'no-store',
    })
  } catch (e) {
    throw new SignerUnavailableError(
      'missing',
      `The playground’s server did not answer (${e instanceof Error ? e.message : String(e)}). Is npm start still running?`,
    )
  }
  const kind = response.headers.get(SIGNER_ERROR_HEADER)
  if (kind) {
    const error = (await response.json().catch(() => ({}))) as Partial<SignerError>
    throw new SignerUnavailableError(
      kind as SignerError['kind'],
      error.message ?? `The signer answered ${response.status}.`,
    )
  }
  if (response.status === 404 && action !== 'call') throw new SignerUnavailableError('missing', MISSING)
  return response
}

/** The AWS CLI's credentials, used by the playground's own server: the page never sees them. */
export const serverSigner: Signer = {
  async presign(wsUrl, region) {
    const response = await postSigner('presign', { url: wsUrl, region })
    return ((await response.json()) as { url: string }).url
  },
  async call(call, target) {
    const started = performance.now()
    const method = call.op === 'PostToConnection' ? 'POST' : call.op === 'GetConnection' ? 'GET' : 'DELETE'
    const request: SignerCallRequest = {
      method,
      url: connectionUrl(target.endpoint, call.connectionId),
      region: target.region,
    }
    if (call.op === 'PostToConnection') request.body = toBase64(call.data)
    try {
      return await outcomeFromResponse(call.op, await postSigner('call', request), elapsedSince(started))
    } catch (e) {
      if (!(e instanceof SignerUnavailableError)) throw e
      return {
        ok: false,
        op: call.op,
        latencyMs: elapsedSince(started),
        name: e.name,
        message: e.message,
        signer: e.kind,
      }
    }
  },
}

export async function serverIdentity(): Promise<SignerIdentity> {
  return (await (await postSigner('identity', {})).json()) as SignerIdentity
}

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}
