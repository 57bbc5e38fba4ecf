/**
 * One way to turn whatever was thrown into a line a user can read: AWS SDK errors carry a name worth keeping
 * (`ExpiredTokenException: …`), plain Errors their message, anything else its string form.
 */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) {
    const generic = !e.name || e.name === 'Error'
    return generic ? e.message || String(e) : `${e.name}: ${e.message}`
  }
  if (typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string') return e.message
  return String(e)
}
