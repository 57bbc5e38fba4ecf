/**
 * How the page talks to the playground's AWS relay (server/aws-relay.ts): requests go to this path on the page's own
 * origin, with the real @connections URL in this header (outside the SigV4 signature).
 */
export const RELAY_PATH = '/__aws-relay'
export const RELAY_TARGET_HEADER = 'x-playground-relay-target'

/**
 * The server-side signer (server/aws-signer.ts): the playground's own server signs with the AWS CLI's credentials
 * (the Node default provider chain), so the page never holds the keys. Every request is a POST of JSON to one of
 * these paths, from the page's own origin, with the per-start token the server wrote into the served page.
 */
export const SIGNER_PATH = '/__aws-signer'
export const SIGNER_TOKEN_HEADER = 'x-playground-signer-token'
/** `<meta name=… content=token>` in the served index.html: only a page loaded from this server can read it. */
export const SIGNER_TOKEN_META = 'playground-signer-token'
/** Set on the signer's own answers (refusals, missing credentials), so they are not taken for AWS's. */
export const SIGNER_ERROR_HEADER = 'x-playground-signer-error'

/** POST {SIGNER_PATH}/call: the server signs and sends the @connections request, and passes the answer back. */
export interface SignerCallRequest {
  method: 'GET' | 'POST' | 'DELETE'
  /** https://{api}.execute-api.{region}.amazonaws.com/{stage}/@connections/{id}, or the local gateway's. */
  url: string
  region: string
  /** The Data of PostToConnection, base64. */
  body?: string
}

/** POST {SIGNER_PATH}/presign: a SigV4 query-string URL for an IAM $connect. */
export interface SignerPresignRequest {
  url: string
  region: string
}

/** POST {SIGNER_PATH}/identity: whom the server signs as. Never the secret: the access key id, masked. */
export interface SignerIdentity {
  /** The profile name (--profile, AWS_PROFILE), or undefined for the chain's default order. */
  profile?: string
  maskedAccessKeyId?: string
  expiresAt?: number
  /** From STS GetCallerIdentity, when it could be reached. */
  arn?: string
  account?: string
  /** Why STS could not tell (offline, a local-only key…). */
  stsProblem?: string
}

/** What a signer error is about, so the page can give the right advice. */
export type SignerErrorKind = 'no-credentials' | 'sso-login' | 'refused' | 'bad-request'

export interface SignerError {
  kind: SignerErrorKind
  message: string
}
