import type { Backend } from './model'

/** The start-up table: route → function, timeout, memory, two-way; then what each function's role may do. */
export function describeBackend(
  backend: Backend,
  o: {
    permissions: string
    withDefaultHandlers: boolean
    defaultRoutes: string[]
    functionConcurrency: number
    coldStartMs: number
    initTimeoutMs: number
    instanceIdleTimeout: number
  },
): string[] {
  const fns = new Map(backend.functions.map((f) => [f.name, f]))
  const routeWidth = Math.max(8, ...backend.routes.map((r) => r.routeKey.length)) + 2
  const fnWidth = Math.max(10, ...backend.functions.map((f) => f.name.length)) + 2
  const lines = [
    `  Backend          ${backend.file} (${backend.kind === 'sam' ? 'SAM/CloudFormation' : backend.kind === 'serverless' ? 'Serverless Framework' : 'handlers module'}): each function runs in worker threads, one invocation per instance`,
    '',
    `    ${'Route'.padEnd(routeWidth)}${'Function'.padEnd(fnWidth)}${'Timeout'.padEnd(9)}${'Memory'.padEnd(9)}${'Instances'.padEnd(11)}Two-way`,
  ]
  for (const r of backend.routes) {
    const f = fns.get(r.functionName)!
    const instances =
      f.reservedConcurrency !== undefined ? `${f.reservedConcurrency} (rsv)` : `${o.functionConcurrency}`
    lines.push(
      `    ${r.routeKey.padEnd(routeWidth)}${f.name.padEnd(fnWidth)}${`${f.timeoutSeconds} s`.padEnd(9)}${`${f.memoryMb} MB`.padEnd(9)}${instances.padEnd(11)}${r.twoWay ? 'yes' : 'no'}`,
    )
  }
  if (!backend.routes.some((r) => r.routeKey === '$default'))
    lines.push(`    (no $default: a message no route matches gets the "Forbidden" frame, as on AWS)`)
  if (o.withDefaultHandlers && o.defaultRoutes.length > 0)
    lines.push(
      `    + built-in routes where the backend has none (--with-default-handlers): ${o.defaultRoutes.join(', ')}`,
    )
  lines.push('')
  const checked = backend.functions.filter((f) => f.role.statements !== undefined)
  const unchecked = backend.functions.filter((f) => f.role.statements === undefined)
  if (o.permissions === 'off')
    lines.push(`  Permissions      off: @connections calls are not checked against the roles`)
  else {
    const seen = new Set<string>()
    for (const f of checked) {
      const key = `${f.role.roleName}\n${f.role.source}`
      if (seen.has(key)) continue
      seen.add(key)
      const users = checked
        .filter((g) => g.role.roleName === f.role.roleName && g.role.source === f.role.source)
        .map((g) => g.name)
      lines.push(
        `  Permissions      ${o.permissions}: role ${f.role.roleName} (${f.role.source}) for ${users.join(', ')}`,
      )
    }
    if (unchecked.length > 0)
      lines.push(
        `  Permissions      not checked for ${unchecked.map((f) => f.name).join(', ')}: ${unchecked[0]!.role.source}; AWS will check what the deployed role allows`,
      )
  }
  if (o.coldStartMs > 0) lines.push(`  Cold start       +${o.coldStartMs} ms before each instance's first invocation`)
  lines.push(
    `  Instances        init limit ${o.initTimeoutMs / 1000} s${o.initTimeoutMs === 10_000 ? " (Lambda's)" : " (Lambda's is 10 s)"}, retried once within the function's timeout; shut down after ${o.instanceIdleTimeout} s idle (UNCONFIRMED: Lambda's figure is undocumented)`,
  )
  return lines
}
