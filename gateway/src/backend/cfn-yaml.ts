import { parseDocument, type YAMLError, type YAMLMap, type YAMLSeq } from 'yaml'
import { BackendError } from './model'

/**
 * YAML with CloudFormation's short-form tags (`!Ref X`, `!GetAtt A.B`, `!Sub '...'`, `!If [...]`…), parsed with the
 * `yaml` package and turned into the long form (`{ Ref: X }`, `{ 'Fn::GetAtt': [A, B] }`), so later code sees one shape.
 */

const FUNCTIONS = [
  'Ref',
  'Condition',
  'GetAtt',
  'Sub',
  'Join',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Select',
  'Split',
  'FindInMap',
  'Base64',
  'GetAZs',
  'ImportValue',
  'Cidr',
  'Transform',
  'ToJsonString',
  'Length',
] as const

function longForm(name: (typeof FUNCTIONS)[number], value: unknown): Record<string, unknown> {
  if (name === 'Ref' || name === 'Condition') return { [name]: value }
  // `!GetAtt Resource.Attribute` is the scalar form of `[Resource, Attribute]` (the attribute may contain dots).
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.')
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] }
  }
  return { [`Fn::${name}`]: value }
}

const CUSTOM_TAGS = FUNCTIONS.flatMap((name) => [
  { tag: `!${name}`, resolve: (text: string) => longForm(name, text) },
  { tag: `!${name}`, collection: 'seq' as const, resolve: (seq: YAMLSeq) => longForm(name, seq.toJSON()) },
  { tag: `!${name}`, collection: 'map' as const, resolve: (map: YAMLMap) => longForm(name, map.toJSON()) },
])

/**
 * The yaml package's message is "… at line 11, column 1:" followed by a drawing of the source over several lines;
 * one log line keeps the first, and the source line it pointed at instead of a dangling colon.
 */
function oneLine(error: YAMLError, text: string): string {
  const message = error.message.split('\n')[0]!.replace(/:$/, '')
  const line = error.linePos?.[0]?.line
  const source = line === undefined ? '' : (text.split(/\r?\n/)[line - 1] ?? '').trim()
  return source ? `${message}: ${JSON.stringify(source.length > 80 ? `${source.slice(0, 80)}…` : source)}` : message
}

/** Parses a YAML (or JSON) backend file. Syntax errors throw BackendError; unknown tags become warnings. */
export function parseCloudFormationYaml(text: string, file: string): { value: unknown; warnings: string[] } {
  const doc = parseDocument(text, { customTags: CUSTOM_TAGS as never, prettyErrors: true, uniqueKeys: false })
  if (doc.errors.length > 0) throw new BackendError(`${file}: ${oneLine(doc.errors[0]!, text)}`)
  const warnings = doc.warnings.map((w) => `${file}: ${oneLine(w, text)}`)
  return { value: doc.toJS({ maxAliasCount: 1000 }) as unknown, warnings }
}
