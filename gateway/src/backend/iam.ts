import type { PolicyStatement } from './model'

/**
 * Just enough IAM policy evaluation for `execute-api:ManageConnections` on `@connections` ARNs: an explicit Deny
 * wins, otherwise an Allow must match both the action and the resource (wildcards `*` and `?`, actions
 * case-insensitive). Conditions, NotAction and NotResource are not evaluated; the loader warns about them.
 */

export type Decision = { allowed: true; by: PolicyStatement } | { allowed: false; deniedBy?: PolicyStatement }

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])

function wildcard(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's')
}

const matchesAny = (patterns: string[], value: string, caseInsensitive: boolean) =>
  patterns.some((p) => wildcard(p, caseInsensitive).test(value))

function applies(statement: PolicyStatement, action: string, resource: string): boolean {
  if (statement.NotAction !== undefined || statement.NotResource !== undefined) return false
  return matchesAny(list(statement.Action), action, true) && matchesAny(list(statement.Resource), resource, false)
}

export function evaluate(statements: readonly PolicyStatement[], action: string, resource: string): Decision {
  const deny = statements.find((s) => s.Effect === 'Deny' && applies(s, action, resource))
  if (deny) return { allowed: false, deniedBy: deny }
  const allow = statements.find((s) => s.Effect === 'Allow' && applies(s, action, resource))
  return allow ? { allowed: true, by: allow } : { allowed: false }
}

/** Checks a statement's shape; returns the problems to warn about (the statement is kept as far as it is usable). */
export function statementProblems(s: PolicyStatement, where: string): string[] {
  const problems: string[] = []
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny')
    problems.push(`${where}: Effect must be Allow or Deny, got ${JSON.stringify(s.Effect)}`)
  if (s.Condition !== undefined)
    problems.push(`${where}: Condition is not evaluated locally; the statement applies without it`)
  if (s.NotAction !== undefined || s.NotResource !== undefined)
    problems.push(`${where}: NotAction/NotResource are not evaluated locally; the statement is ignored`)
  return problems
}

/** Normalizes whatever a file holds into statements (a single statement, a list, or a policy document). */
export function toStatements(value: unknown): PolicyStatement[] {
  if (value === undefined || value === null) return []
  if (Array.isArray(value)) return value.flatMap(toStatements)
  if (typeof value !== 'object') return []
  const v = value as Record<string, unknown>
  if ('Statement' in v) return toStatements(v.Statement)
  return [v as unknown as PolicyStatement]
}

/**
 * AWS managed policies that matter for `@connections`, by name. Any other AWS managed policy grants nothing on
 * execute-api (none of the Lambda/DynamoDB/S3/… ones do).
 */
export const MANAGED_POLICIES: Record<string, PolicyStatement[]> = {
  AmazonAPIGatewayInvokeFullAccess: [
    {
      Effect: 'Allow',
      Action: ['execute-api:Invoke', 'execute-api:ManageConnections'],
      Resource: 'arn:aws:execute-api:*:*:*',
    },
  ],
  AdministratorAccess: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
}

/** `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole` or a bare name → the AWS managed name, else undefined. */
export function awsManagedPolicyName(value: string): string | undefined {
  const m = /^arn:aws[\w-]*:iam::aws:policy\/(?:.*\/)?([\w+=,.@-]+)$/.exec(value)
  if (m) return m[1]
  return /^[\w+=,.@-]+$/.test(value) ? value : undefined
}

/** The ARN a `@connections` call is authorized against. */
export function connectionsArn(
  region: string,
  accountId: string,
  apiId: string,
  stage: string,
  method: string,
  connectionId: string,
): string {
  return `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${method}/@connections/${connectionId}`
}
