/**
 * How the page talks to the playground's AWS relay (server/aws-relay.ts): requests go to this path on the page's own
 * origin, with the real @connections URL in this header (outside the SigV4 signature).
 */
export const RELAY_PATH = '/__aws-relay'
export const RELAY_TARGET_HEADER = 'x-playground-relay-target'
