import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers'

export interface CognitoRequest {
  identityPoolId: string
  region: string
  /** The local gateway's Cognito endpoint; undefined means AWS. */
  endpoint?: string
  /** Provider name → token, for authenticated identities (e.g. cognito-idp.{region}.amazonaws.com/{userPoolId}). */
  logins?: Record<string, string>
}

export interface TemporaryCredentials {
  identityId: string
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}

/** Identity ids are not secret, but the credentials are: this cache keeps ids in memory only, never in IndexedDB. */
function memoryCache() {
  const store = new Map<string, string>()
  return {
    getItem: async (key: string) => store.get(key) ?? null,
    setItem: async (key: string, value: string) => void store.set(key, value),
    removeItem: async (key: string) => void store.delete(key),
  }
}

const cache = memoryCache()

export async function getCognitoCredentials(request: CognitoRequest): Promise<TemporaryCredentials> {
  const provider = fromCognitoIdentityPool({
    identityPoolId: request.identityPoolId,
    logins: request.logins,
    cache,
    clientConfig: { region: request.region, ...(request.endpoint ? { endpoint: request.endpoint } : {}) },
  })
  const credentials = await provider()
  return {
    identityId: credentials.identityId,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    expiration: credentials.expiration,
  }
}
