/** API Gateway connection ids: 16 characters, URL-safe base64 of 11 bytes plus one `=`, e.g. L0SM9cOFvHcCIhw=. */
export const CONNECTION_ID = /^[A-Za-z0-9_-]{15}=$/

export function isConnectionId(value: string): boolean {
  return CONNECTION_ID.test(value)
}

const MAX_SCANNED_CHARS = 128 * 1024

/**
 * Finds connection ids in a received message: a `connectionId` field anywhere in a JSON message (as the article's
 * backend and the whoami route send), else nothing. Looks only a few levels deep, so huge messages stay cheap.
 */
export function findConnectionIds(message: string): string[] {
  // Larger than API Gateway ever delivers: parsing it would hold the page for a hostile server's benefit.
  if (message.length > MAX_SCANNED_CHARS || !message.includes('connectionId')) return []
  let value: unknown
  try {
    value = JSON.parse(message)
  } catch {
    return []
  }
  const found = new Set<string>()
  const visit = (node: unknown, depth: number) => {
    if (depth > 4 || node === null || typeof node !== 'object') return
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      if (key === 'connectionId' && typeof child === 'string' && child.length > 0 && child.length <= 128)
        found.add(child)
      else visit(child, depth + 1)
    }
  }
  visit(value, 0)
  return [...found]
}
