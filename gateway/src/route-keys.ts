/** The route keys API Gateway predefines; every other key starting with `$` is refused when the route is created. */
export const PREDEFINED_ROUTE_KEYS = ['$connect', '$disconnect', '$default'] as const

/**
 * Why API Gateway would refuse this route key, or undefined. Custom keys must not start with `$`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-develop-routes.html), so a typo such
 * as `$Connect` is an error at deploy; served here as a custom route it would leave the real `$connect` unset and
 * every connection accepted without a word.
 */
export function routeKeyProblem(key: string): string | undefined {
  if (!key.startsWith('$') || (PREDEFINED_ROUTE_KEYS as readonly string[]).includes(key)) return undefined
  const meant = PREDEFINED_ROUTE_KEYS.find((k) => k === key.toLowerCase())
  return `custom route keys must not start with $ (got "${key}"${meant ? `; did you mean ${meant}?` : ''}): only ${PREDEFINED_ROUTE_KEYS.join(', ')} may, and API Gateway refuses any other at deploy`
}
