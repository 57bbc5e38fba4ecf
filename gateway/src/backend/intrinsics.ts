import { BackendError } from './model'

/**
 * CloudFormation intrinsic functions, resolved as far as they can be offline: parameters take their Default, pseudo
 * parameters local values, resources the names the loader gives them (the API id, function names…), conditions are
 * evaluated. What cannot be known offline (Fn::ImportValue, Fn::GetAZs, an unknown attribute) resolves to a readable
 * placeholder and adds one warning that names it.
 */

export interface TemplateResource {
  Type: string
  Properties?: Record<string, unknown>
  Condition?: string
}

export interface ResolverSetup {
  region: string
  accountId: string
  stackName: string
  parameters: Record<string, unknown>
  resources: Record<string, TemplateResource>
  conditions: Record<string, unknown>
  mappings: Record<string, unknown>
  /** Ref of a resource: its offline name, or undefined for "the logical id, with a warning". */
  refOf(logicalId: string, resource: TemplateResource): string | undefined
  /** Fn::GetAtt: the attribute's offline value, or undefined for "a placeholder, with a warning". */
  attributeOf(logicalId: string, attribute: string, resource: TemplateResource): string | undefined
  warn(message: string): void
}

/** AWS::NoValue: the property is removed. */
const NO_VALUE = Symbol('AWS::NoValue')

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export class Resolver {
  private readonly conditionCache = new Map<string, boolean>()
  private readonly warned = new Set<string>()

  constructor(private readonly s: ResolverSetup) {}

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return
    this.warned.add(message)
    this.s.warn(message)
  }

  /** Resolves every intrinsic inside a value; `where` names it in messages (e.g. `Resources.Fn.Properties.Timeout`). */
  resolve(value: unknown, where: string): unknown {
    const out = this.walk(value, where)
    return out === NO_VALUE ? undefined : out
  }

  /** The condition's value (undefined name → true). */
  condition(name: string | undefined, where: string): boolean {
    if (name === undefined) return true
    const cached = this.conditionCache.get(name)
    if (cached !== undefined) return cached
    if (!(name in this.s.conditions))
      throw new BackendError(`${where}: condition "${name}" is not defined in Conditions`)
    this.conditionCache.set(name, false) // a cycle resolves to false instead of recursing forever
    const result = this.truthy(this.walk(this.s.conditions[name], `Conditions.${name}`), `Conditions.${name}`)
    this.conditionCache.set(name, result)
    return result
  }

  private truthy(value: unknown, where: string): boolean {
    if (typeof value === 'boolean') return value
    if (value === 'true' || value === 'false') return value === 'true'
    throw new BackendError(`${where}: a condition must be true or false, got ${JSON.stringify(value)}`)
  }

  private walk(value: unknown, where: string): unknown {
    if (Array.isArray(value)) {
      return value.map((v, i) => this.walk(v, `${where}[${i}]`)).filter((v) => v !== NO_VALUE)
    }
    if (!isObject(value)) return value
    const keys = Object.keys(value)
    if (keys.length === 1) {
      const key = keys[0]!
      const arg = value[key]
      if (key === 'Ref') return this.ref(String(arg), where)
      if (key === 'Condition' && typeof arg === 'string') return this.condition(arg, where)
      if (key.startsWith('Fn::')) return this.fn(key, arg, where)
    }
    const out: Record<string, unknown> = {}
    for (const key of keys) {
      const v = this.walk(value[key], `${where}.${key}`)
      if (v !== NO_VALUE) out[key] = v
    }
    return out
  }

  private ref(name: string, where: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return this.s.region
      case 'AWS::AccountId':
        return this.s.accountId
      case 'AWS::Partition':
        return 'aws'
      case 'AWS::URLSuffix':
        return 'amazonaws.com'
      case 'AWS::StackName':
        return this.s.stackName
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${this.s.region}:${this.s.accountId}:stack/${this.s.stackName}/local`
      case 'AWS::NoValue':
        return NO_VALUE
      case 'AWS::NotificationARNs':
        return []
    }
    if (name in this.s.parameters) return this.s.parameters[name]
    const resource = this.s.resources[name]
    if (!resource) throw new BackendError(`${where}: !Ref ${name}: no parameter or resource has that name`)
    const known = this.s.refOf(name, resource)
    if (known !== undefined) return known
    this.warnOnce(
      `!Ref ${name} (${resource.Type}) resolves to "${name}" offline; on AWS it is the resource's physical id`,
    )
    return name
  }

  private getAtt(arg: unknown, where: string): string {
    const [id, attribute] = Array.isArray(arg)
      ? [String(arg[0]), String(this.walk(arg[1], where))]
      : String(arg).split(/\.(.*)/s)
    if (!id || !attribute)
      throw new BackendError(`${where}: Fn::GetAtt needs Resource.Attribute, got ${JSON.stringify(arg)}`)
    const resource = this.s.resources[id]
    if (!resource) throw new BackendError(`${where}: !GetAtt ${id}.${attribute}: no resource ${id}`)
    const known = this.s.attributeOf(id, attribute, resource)
    if (known !== undefined) return known
    this.warnOnce(
      `!GetAtt ${id}.${attribute} (${resource.Type}) is not known offline; it resolves to "${id}.${attribute}"`,
    )
    return `${id}.${attribute}`
  }

  private sub(arg: unknown, where: string): string {
    const [template, vars] = Array.isArray(arg) ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>] : [arg, {}]
    if (typeof template !== 'string') throw new BackendError(`${where}: Fn::Sub needs a string`)
    return template.replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
      if (inner.startsWith('!')) return '${' + inner.slice(1) + '}'
      const name = inner.trim()
      if (name in vars) return String(this.walk(vars[name], `${where}.${name}`))
      if (name.includes('.') && !name.startsWith('AWS::')) return this.getAtt(name, where)
      const value = this.ref(name, where)
      return value === NO_VALUE ? '' : String(value)
    })
  }

  private fn(key: string, arg: unknown, where: string): unknown {
    const at = `${where}.${key}`
    const list = (n: number): unknown[] => {
      if (!Array.isArray(arg) || arg.length < n) throw new BackendError(`${at}: expected a list of ${n}`)
      return arg
    }
    switch (key) {
      case 'Fn::GetAtt':
        return this.getAtt(arg, at)
      case 'Fn::Sub':
        return this.sub(arg, at)
      case 'Fn::Join': {
        const [sep, items] = list(2)
        const values = this.walk(items, at)
        if (!Array.isArray(values)) throw new BackendError(`${at}: Fn::Join needs a list`)
        return values.map(String).join(String(sep))
      }
      case 'Fn::Select': {
        const [index, items] = list(2)
        const values = this.walk(items, at)
        const i = Number(this.walk(index, at))
        if (!Array.isArray(values) || !(i in values))
          throw new BackendError(`${at}: Fn::Select index ${i} is out of range`)
        return values[i]
      }
      case 'Fn::Split': {
        const [sep, text] = list(2)
        return String(this.walk(text, at)).split(String(sep))
      }
      case 'Fn::If': {
        const [name, yes, no] = list(3)
        return this.condition(String(name), at) ? this.walk(yes, at) : this.walk(no, at)
      }
      case 'Fn::Equals': {
        const [a, b] = list(2)
        return JSON.stringify(this.walk(a, at)) === JSON.stringify(this.walk(b, at))
      }
      case 'Fn::Not':
        return !this.truthy(this.walk(list(1)[0], at), at)
      case 'Fn::And':
        return list(1).every((c) => this.truthy(this.walk(c, at), at))
      case 'Fn::Or':
        return list(1).some((c) => this.truthy(this.walk(c, at), at))
      case 'Fn::FindInMap': {
        const [map, top, second] = list(3).map((v) => String(this.walk(v, at)))
        const value = (this.s.mappings[map!] as Record<string, Record<string, unknown>> | undefined)?.[top!]?.[second!]
        if (value === undefined) throw new BackendError(`${at}: Mappings.${map}.${top}.${second} does not exist`)
        return this.walk(value, at)
      }
      case 'Fn::Base64':
        return Buffer.from(String(this.walk(arg, at))).toString('base64')
      case 'Fn::ToJsonString':
        return JSON.stringify(this.walk(arg, at))
      case 'Fn::Length': {
        const values = this.walk(arg, at)
        return Array.isArray(values) ? values.length : 0
      }
      case 'Fn::GetAZs':
        this.warnOnce(`${at}: Fn::GetAZs resolves to ${this.s.region}a/b/c offline`)
        return ['a', 'b', 'c'].map((z) => this.s.region + z)
      default:
        this.warnOnce(`${at}: ${key} cannot be resolved offline; the value is "${key}(${JSON.stringify(arg)})"`)
        return `${key}(${JSON.stringify(arg)})`
    }
  }
}
