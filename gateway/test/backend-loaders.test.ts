import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseCloudFormationYaml } from '../src/backend/cfn-yaml'
import { evaluate } from '../src/backend/iam'
import { loadBackend } from '../src/backend/load-backend'
import { displayPath } from '../src/display-path'
import { BackendError } from '../src/backend/model'
import { signingKey } from '../src/backend/permissions'

const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url))

/** A throwaway project: files by relative path. Returns the directory. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gw-backend-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

const load = (path: string, stage?: string) => loadBackend(path, { apiId: 'localapi01', stage })

describe('CloudFormation YAML', () => {
  it('turns short-form tags into the long form, nested too', () => {
    const { value } = parseCloudFormationYaml(
      "a: !Ref X\nb: !GetAtt Fn.Arn\nc: !Sub ['${a}-x', { a: !Ref Y }]\nd: !If [C, !Join ['', [p, !Ref Z]], !Ref AWS::NoValue]\n",
      't.yaml',
    )
    expect(value).toEqual({
      a: { Ref: 'X' },
      b: { 'Fn::GetAtt': ['Fn', 'Arn'] },
      c: { 'Fn::Sub': ['${a}-x', { a: { Ref: 'Y' } }] },
      d: { 'Fn::If': ['C', { 'Fn::Join': ['', ['p', { Ref: 'Z' }]] }, { Ref: 'AWS::NoValue' }] },
    })
  })

  it('a syntax error is one line that names the file', () => {
    expect(() => parseCloudFormationYaml('a: [1, 2\nb: 3', 'bad.yaml')).toThrow(/^bad\.yaml: /)
    // The line the parser points at, not a dangling colon where the yaml package draws the source.
    expect(() => parseCloudFormationYaml('a: 1\nb:\n  - websocket:\n    route: x\n   c: [\n', 'bad.yaml')).toThrow(
      /^bad\.yaml: [^:\n]+ at line 5, column 1: "c: \["$/,
    )
  })
})

describe('serverless.yml', () => {
  it('resolves variables, the framework defaults and role, and the routes of the fixture', async () => {
    const b = await load(fixture('serverless-chat/serverless.yml'), 'prod')
    expect(b.kind).toBe('serverless')
    expect(b.stage).toBe('prod')
    expect(b.region).toBe('eu-west-1')
    expect(b.routeSelectionExpression).toBe('$request.body.action')
    const info = b.functions.find((f) => f.key === 'info')!
    expect(info).toMatchObject({
      name: 'chat-prod-info',
      timeoutSeconds: 2,
      memoryMb: 256,
      exportPath: ['handler'],
      environment: { TABLE_NAME: 'chat-prod-connections', GREETING: 'hi from info', API_ID: 'localapi01' },
    })
    expect(info.file.endsWith('src/info.ts')).toBe(true)
    expect(b.functions.find((f) => f.key === 'default')).toMatchObject({ timeoutSeconds: 6, memoryMb: 1024 })
    expect(info.role.statements).toContainEqual({
      Effect: 'Allow',
      Action: ['execute-api:ManageConnections'],
      Resource: ['arn:aws:execute-api:*:*:*/@connections/*'],
    })
  })

  it('a handler file that does not exist, a non-Node runtime, no websocket function, or a $-typo route is a clear error', async () => {
    const missing = project({
      'serverless.yml':
        'service: s\nprovider: { name: aws }\nfunctions:\n  a:\n    handler: src/nope.run\n    events: [{ websocket: $default }]\n',
    })
    // Outside the current directory a path is absolute (it was ../../../tmp/gw-backend-…/src/nope).
    await expect(load(join(missing, 'serverless.yml'))).rejects.toThrow(
      `functions.a: handler "src/nope.run": no file ${join(missing, 'src/nope')}(.js|.mjs|.cjs|.ts) (looked in ${missing};`,
    )
    // One function `a` (handler h.run) with this provider and these events.
    const oneFunction = (provider: string, events: string) =>
      join(
        project({
          'serverless.yml': `service: s\nprovider: { name: aws${provider} }\nfunctions:\n  a:\n    handler: h.run\n    events: [${events}]\n`,
          'h.js': '',
        }),
        'serverless.yml',
      )
    await expect(load(oneFunction(', runtime: python3.12', '{ websocket: $default }'))).rejects.toThrow(
      'functions.a: runtime python3.12 is not supported (Node.js only)',
    )
    await expect(load(oneFunction('', '{ http: { path: /, method: get } }'))).rejects.toThrow(BackendError)
    // "$Connect" was served as a custom route: the real $connect never ran and every connection was accepted.
    // API Gateway refuses any custom key starting with $.
    await expect(load(oneFunction('', '{ websocket: { route: $Connect } }'))).rejects.toThrow(
      'functions.a: websocket route: custom route keys must not start with $ (got "$Connect"; did you mean $connect?)',
    )
  })

  it('reports every problem at once, each naming the file and the function', async () => {
    // The old code stopped at the first ($Connect) and the user found the other three one restart at a time.
    const dir = project({
      'serverless.yml': [
        'service: s',
        'provider: { name: aws, runtime: nodejs20.x }',
        'functions:',
        '  connect:',
        '    handler: h.connect',
        '    events: [{ websocket: { route: $Connect } }]',
        '  gone:',
        '    handler: src/missing.run',
        '    events: [{ websocket: $Disconnect }]',
        '  py:',
        '    handler: h.main',
        '    runtime: python3.12',
        '    events: [{ websocket: $default }]',
        '  fine:',
        '    handler: h.main',
        '    events: [{ websocket: ok }]',
      ].join('\n'),
      'h.mjs': 'export const connect = async () => ({}); export const main = connect',
    })
    const file = join(dir, 'serverless.yml')
    const error = await load(file).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(error).toBeInstanceOf(BackendError)
    expect(error!.message.split('\n')).toEqual([
      `${file} has 4 problems:`,
      `  ${file}: functions.connect: websocket route: custom route keys must not start with $ (got "$Connect"; did you mean $connect?): only $connect, $disconnect, $default may, and API Gateway refuses any other at deploy`,
      `  ${file}: functions.gone: handler "src/missing.run": no file ${join(dir, 'src/missing')}(.js|.mjs|.cjs|.ts) (looked in ${dir}; build the code first if it is compiled output)`,
      `  ${file}: functions.gone: websocket route: custom route keys must not start with $ (got "$Disconnect"; did you mean $disconnect?): only $connect, $disconnect, $default may, and API Gateway refuses any other at deploy`,
      `  ${file}: functions.py: runtime python3.12 is not supported (Node.js only)`,
    ])
  })

  it("splits a handler string as Lambda's Node.js runtime does: module up to the first dot, nested export, no ..", async () => {
    const dir = project({
      'serverless.yml': [
        'service: s',
        'provider: { name: aws }',
        'functions:',
        '  a:',
        '    handler: lib/app.handlers.connect',
        '    events: [{ websocket: $connect }]',
      ].join('\n'),
      'lib/app.js': 'exports.handlers = { connect: async () => ({ statusCode: 200 }) }',
      'up/serverless.yml': [
        'service: s',
        'provider: { name: aws }',
        'functions:',
        '  a:',
        '    handler: ../lib/app.handlers.connect',
        '    events: [{ websocket: $connect }]',
      ].join('\n'),
    })
    // Old code: module "lib/app.handlers", export "connect" → no file lib/app.handlers(.js|…).
    const b = await load(join(dir, 'serverless.yml'))
    expect(b.functions[0]).toMatchObject({ file: join(dir, 'lib/app.js'), exportPath: ['handlers', 'connect'] })
    // Lambda refuses ".." (Runtime.MalformedHandlerName); the old code loaded ../lib/app.js.
    await expect(load(join(dir, 'up/serverless.yml'))).rejects.toThrow(
      'functions.a: handler "../lib/app.handlers.connect": Lambda refuses a handler name with ".."',
    )
  })

  it("timeout, memorySize and reservedConcurrency must be within Lambda's ranges; 0 reserved is AWS's off switch", async () => {
    const withSettings = (settings: string) =>
      join(
        project({
          'serverless.yml': `service: s\nprovider: { name: aws }\nfunctions:\n  a:\n    handler: h.run\n    ${settings}\n    events: [{ websocket: $default }]\n`,
          'h.js': '',
        }),
        'serverless.yml',
      )
    // The old code ran all three (0.5 s, 64 MB, an hour), which a deploy refuses.
    const message = await load(withSettings('timeout: 0.5\n    memorySize: 64\n    reservedConcurrency: -1')).then(
      () => '',
      (e: unknown) => (e as Error).message,
    )
    expect(message).toContain(
      'functions.a.timeout must be a whole number of seconds from 1 to 900, as Lambda requires, got 0.5',
    )
    expect(message).toContain(
      'functions.a.memorySize must be a whole number of MB from 128 to 10240, as Lambda requires, got 64',
    )
    expect(message).toContain('functions.a.reservedConcurrency must be a whole number of instances from 0 up')
    await expect(load(withSettings('timeout: 3600'))).rejects.toThrow(
      'functions.a.timeout must be a whole number of seconds from 1 to 900',
    )
    // The old code refused 0 ("must be a positive number"); on AWS it throttles every invocation.
    const off = await load(withSettings('reservedConcurrency: 0'))
    expect(off.functions[0]!.reservedConcurrency).toBe(0)
  })

  it('a runtime Lambda does not know is an error; one that is not the local Node.js is said at start-up', async () => {
    const withRuntime = (runtime: string) =>
      join(
        project({
          'serverless.yml': `service: s\nprovider: { name: aws, runtime: ${runtime} }\nfunctions:\n  a:\n    handler: h.run\n    events: [{ websocket: $default }]\n  b:\n    handler: h.run\n    events: [{ websocket: b }]\n`,
          'h.js': '',
        }),
        'serverless.yml',
      )
    // The old code ran "nodejs22" (no ".x"), which a deploy refuses, on whatever Node.js the gateway had.
    await expect(load(withRuntime('nodejs22'))).rejects.toThrow(
      'functions.a: runtime nodejs22 is not a Lambda runtime identifier (nodejs20.x, nodejs22.x…); a deploy refuses it',
    )
    const local = Number(process.versions.node.split('.')[0])
    const other = await load(withRuntime(`nodejs${local + 2}.x`))
    expect(other.warnings).toContain(
      `a, b: runtime nodejs${local + 2}.x runs here on the gateway's Node.js ${process.versions.node}, not on Node.js ${local + 2}: language and library differences between the two are not emulated`,
    )
    const same = await load(withRuntime(`nodejs${local}.x`))
    expect(same.warnings.filter((w) => w.includes('runtime'))).toEqual([])
  })

  it('a runtime Lambda no longer deploys is refused; a deprecated one that may still deploy is said at start-up', async () => {
    const withRuntime = (runtime: string) =>
      join(
        project({
          'serverless.yml': `service: s\nprovider: { name: aws, runtime: ${runtime} }\nfunctions:\n  a:\n    handler: h.run\n    events: [{ websocket: $default }]\n`,
          'h.js': '',
        }),
        'serverless.yml',
      )
    // The old code ran nodejs14.x and nodejs12.x functions, which Lambda has refused to create or update since 2024.
    for (const runtime of ['nodejs14.x', 'nodejs12.x', 'nodejs8.10'])
      await expect(load(withRuntime(runtime))).rejects.toThrow(
        `functions.a: runtime ${runtime} is deprecated on Lambda, which refuses to create or update functions on it`,
      )
    const old = await load(withRuntime('nodejs16.x'))
    expect(old.warnings).toContain(
      'a: runtime nodejs16.x is deprecated on Lambda (since 2024-06-12): Lambda stops taking new and then updated functions on a deprecated runtime, so a deploy may be refused; use nodejs20.x or later',
    )
    const current = await load(withRuntime('nodejs22.x'))
    expect(current.warnings.filter((w) => w.includes('deprecated'))).toEqual([])
  })

  it('the route selection expression is checked where the file writes it, with the other problems', async () => {
    const withExpression = (expression: string, route = '$Default') =>
      join(
        project({
          'serverless.yml': `service: s\nprovider: { name: aws, websocketsApiRouteSelectionExpression: '${expression}' }\nfunctions:\n  a:\n    handler: h.run\n    events: [{ websocket: ${route} }]\n`,
          'h.js': '',
        }),
        'serverless.yml',
      )
    // Old code: the route key alone here, then (once fixed) a message naming neither the file nor the key.
    const message = await load(withExpression('$request.bdy.action')).then(
      () => '',
      (e: unknown) => (e as Error).message,
    )
    expect(message).toMatch(/ has 2 problems:\n/)
    expect(message).toContain(
      'serverless.yml: provider.websocketsApiRouteSelectionExpression: route selection expression "$request.bdy.action": only $request.body.* variables are supported',
    )
    // Static text is valid (every message selects that one route), but without its $ it is most likely a slip.
    const b = await load(withExpression('request.body.action', '$default'))
    expect(b.warnings).toContain(
      'provider.websocketsApiRouteSelectionExpression: "request.body.action" has no $, so it is static text: every message selects the route "request.body.action"; did you mean $request.body.action?',
    )
  })

  it('warns about what it does not run: authorizers, unreadable variables, other route response selections', async () => {
    const dir = project({
      'serverless.yml': [
        'service: s',
        'provider:',
        '  name: aws',
        '  environment:',
        '    SECRET: ${ssm:/my/secret}',
        "    FALLBACK: ${ssm:/my/other, 'local'}",
        'functions:',
        '  a:',
        '    handler: h.run',
        '    events:',
        '      - websocket: { route: $connect, authorizer: auth }',
        '      - websocket: { route: x, routeResponseSelectionExpression: $request.body.x }',
      ].join('\n'),
      'h.mjs': 'export const run = async () => ({})',
    })
    const b = await load(join(dir, 'serverless.yml'))
    expect(b.functions[0]!.environment).toEqual({ FALLBACK: 'local' })
    // (The runtime line depends on the Node.js running the test.)
    expect(b.warnings.filter((w) => !w.includes("runs here on the gateway's Node.js"))).toEqual([
      'provider.environment.SECRET: ${ssm:/my/secret} is not read offline (ssm); the value is left empty',
      'functions.a: the authorizer on $connect is not emulated; $connect runs without it',
      'functions.a: routeResponseSelectionExpression "$request.body.x" is not supported; only $default makes x two-way',
    ])
    expect(b.routes.map((r) => [r.routeKey, r.twoWay])).toEqual([
      ['$connect', false],
      ['x', false],
    ])
  })
})

describe('SAM / CloudFormation templates', () => {
  it("the fixture: routes, Globals, parameters, conditions, and each function's role", async () => {
    const b = await load(fixture('sam-app/template.yaml'))
    expect(b.stage).toBe('test')
    expect(b.routeSelectionExpression).toBe('$request.body.type')
    expect(b.routes).toEqual([
      { routeKey: '$connect', functionName: 'sam-app-ChatFunction', twoWay: false },
      { routeKey: 'say', functionName: 'sam-app-ChatFunction', twoWay: false },
      { routeKey: 'shout', functionName: 'sam-app-ShoutFunction', twoWay: true },
    ])
    const [chat, shout] = b.functions
    expect(chat).toMatchObject({
      timeoutSeconds: 5,
      memoryMb: 192,
      environment: {
        STAGE: 'test',
        MODE: 'loud',
        ENDPOINT: 'https://localapi01.execute-api.us-east-1.amazonaws.com/test',
      },
    })
    expect(shout).toMatchObject({ timeoutSeconds: 3, environment: { STAGE: 'test', MODE: 'loud' } })
    expect(shout!.role.statements).toEqual([{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' }])
  })

  it("the project's backend/template.yaml: stage prod, seven routes on one function, ManageConnections on its stage", async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url))
    let b
    try {
      b = await load(`${root}backend/template.yaml`)
    } catch (error) {
      // Before `npm run backend:build` the handler file is missing: that is the one acceptable error.
      expect((error as Error).message).toMatch(
        /Resources\.BackendFunction(: handler "index\.handler": no file|\.CodeUri: directory backend\/dist does not exist)/,
      )
      return
    }
    expect(b.stage).toBe('prod')
    expect(b.routes.map((r) => r.routeKey).sort()).toEqual([
      '$connect',
      '$default',
      '$disconnect',
      'broadcast',
      'echo',
      'ping',
      'whoami',
    ])
    expect(b.functions.map((f) => [f.name, f.timeoutSeconds, f.memoryMb])).toEqual([
      ['backend-BackendFunction', 29, 256],
    ])
    const statements = b.functions[0]!.role.statements!
    const arn = (method: string) =>
      `arn:aws:execute-api:us-east-1:000000000000:localapi01/prod/${method}/@connections/abc=`
    expect(evaluate(statements, 'execute-api:ManageConnections', arn('POST')).allowed).toBe(true)
    // The template grants POST only: a DELETE from the function would be denied on AWS, and here.
    expect(evaluate(statements, 'execute-api:ManageConnections', arn('DELETE')).allowed).toBe(false)
  })

  it('unsupported integrations and missing parameters are errors that name the resource', async () => {
    const base = (integration: string, extra = '') =>
      project({
        'src/h.js': 'exports.run = async () => ({})',
        't.yaml': `Parameters:\n  P:\n    Type: String${extra}\nResources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: { ProtocolType: WEBSOCKET }\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: { CodeUri: src, Handler: h.run, Runtime: nodejs20.x }\n  Int:\n    Type: AWS::ApiGatewayV2::Integration\n    Properties: { ApiId: !Ref Api, IntegrationType: ${integration}, IntegrationUri: !GetAtt Fn.Arn }\n  R:\n    Type: AWS::ApiGatewayV2::Route\n    Properties: { ApiId: !Ref Api, RouteKey: $default, Target: !Sub 'integrations/\${Int}' }\n`,
      })
    await expect(load(join(base('AWS_PROXY'), 't.yaml'))).rejects.toThrow(
      'parameter P has no Default; give it one or pass --parameter-overrides P=VALUE to run the template locally',
    )
    const given = await loadBackend(join(base('AWS_PROXY'), 't.yaml'), {
      apiId: 'localapi01',
      parameterOverrides: { P: 'x' },
    })
    expect(given.routes).toHaveLength(1)
    await expect(load(join(base('HTTP_PROXY', '\n    Default: x'), 't.yaml'))).rejects.toThrow(
      'Resources.Int: IntegrationType HTTP_PROXY is not supported (AWS_PROXY to a Lambda function only)',
    )
    const typo = project({
      'src/h.js': 'exports.run = async () => ({})',
      't.yaml': readFileSync(join(base('AWS_PROXY', '\n    Default: x'), 't.yaml'), 'utf8').replace(
        'RouteKey: $default',
        'RouteKey: $ping',
      ),
    })
    await expect(load(join(typo, 't.yaml'))).rejects.toThrow(
      /^\S+t\.yaml: Resources\.R\.Properties\.RouteKey: custom route keys must not start with \$ \(got "\$ping"\): only/,
    )
    const ok = await load(join(base('AWS_PROXY', '\n    Default: x'), 't.yaml'))
    expect(ok.routes).toEqual([{ routeKey: '$default', functionName: ok.functions[0]!.name, twoWay: false }])
    expect(ok.functions[0]!.name).toMatch(/^gw-backend-\w+-Fn$/)
  })
})

describe('every problem of a template at once', () => {
  it('routes, functions and parameters are each checked; each line names the file and the resource', async () => {
    const dir = project({
      'src/h.js': 'exports.run = async () => ({})',
      't.yaml': [
        'Parameters:',
        '  Mode: { Type: String, Default: loud, AllowedValues: [loud, quiet] }',
        '  Count: { Type: Number }',
        'Resources:',
        '  Api: { Type: AWS::ApiGatewayV2::Api, Properties: { ProtocolType: WEBSOCKET } }',
        '  Fn:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src, Handler: nope.run, Runtime: python3.12 }',
        '  Ok:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src, Handler: h.run, Runtime: nodejs20.x }',
        '  Int:',
        '    Type: AWS::ApiGatewayV2::Integration',
        '    Properties: { ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !GetAtt Fn.Arn }',
        '  OkInt:',
        '    Type: AWS::ApiGatewayV2::Integration',
        '    Properties: { ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !GetAtt Ok.Arn }',
        '  A:',
        '    Type: AWS::ApiGatewayV2::Route',
        "    Properties: { ApiId: !Ref Api, RouteKey: $Connect, Target: !Sub 'integrations/${OkInt}' }",
        '  B:',
        '    Type: AWS::ApiGatewayV2::Route',
        "    Properties: { ApiId: !Ref Api, RouteKey: $ping, Target: !Sub 'integrations/${OkInt}' }",
        '  C:',
        '    Type: AWS::ApiGatewayV2::Route',
        "    Properties: { ApiId: !Ref Api, RouteKey: $default, Target: !Sub 'integrations/${Int}' }",
      ].join('\n'),
    })
    const file = join(dir, 't.yaml')
    const message = await load(file).then(
      () => '',
      (e: unknown) => (e as Error).message,
    )
    const lines = message.split('\n')
    expect(lines[0]).toBe(`${file} has 5 problems:`)
    expect(lines.slice(1).map((l) => l.replace(`  ${file}: `, '').replace(/(: [^:]+):.*$/, '$1'))).toEqual([
      'parameter Count has no Default; give it one or pass --parameter-overrides Count=VALUE to run the template locally',
      'Resources.A.Properties.RouteKey: custom route keys must not start with $ (got "$Connect"; did you mean $connect?)',
      'Resources.B.Properties.RouteKey: custom route keys must not start with $ (got "$ping")',
      'Resources.Fn: runtime python3.12 is not supported (Node.js only)',
      'Resources.Fn: handler "nope.run"',
    ])
  })
})

describe('--parameter-overrides and --stage on a template', () => {
  const sam = fixture('sam-app/template.yaml')
  const withOverrides = (parameterOverrides: Record<string, string>, stage?: string) =>
    loadBackend(sam, { apiId: 'localapi01', stage, parameterOverrides })
  const postArn = (stage: string) =>
    `arn:aws:execute-api:us-east-1:000000000000:localapi01/${stage}/POST/@connections/abc=`

  it('override Defaults everywhere they are used: stage, environment, conditions, policy ARNs', async () => {
    const b = await withOverrides({ StageName: 'qa', Loud: 'no' })
    expect(b.stage).toBe('qa')
    const chat = b.functions[0]!
    expect(chat.environment).toEqual({
      STAGE: 'qa',
      MODE: 'quiet',
      ENDPOINT: 'https://localapi01.execute-api.us-east-1.amazonaws.com/qa',
    })
    expect(evaluate(chat.role.statements!, 'execute-api:ManageConnections', postArn('qa')).allowed).toBe(true)
    expect(evaluate(chat.role.statements!, 'execute-api:ManageConnections', postArn('test')).allowed).toBe(false)
  })

  it('a key the template lacks, or a value its AllowedValues refuse, is a clear error', async () => {
    await expect(withOverrides({ Nope: '1' })).rejects.toThrow(
      new BackendError(
        `${displayPath(sam)}: --parameter-overrides Nope=…: the template has no parameter Nope (its parameters: StageName, Loud)`,
      ),
    )
    await expect(withOverrides({ Loud: 'maybe' })).rejects.toThrow(
      `parameter Loud: "maybe" (from --parameter-overrides) is not one of its AllowedValues (yes, no)`,
    )
    await expect(
      loadBackend(fixture('serverless-chat/serverless.yml'), {
        apiId: 'localapi01',
        parameterOverrides: { A: '1' },
      }),
    ).rejects.toThrow(
      /^--parameter-overrides A: \S+serverless\.yml is a serverless\.yml .*apply to SAM\/CloudFormation templates$/,
    )
  })

  it('--stage sets the parameter the Stage takes its StageName from, so policy ARNs follow the stage', async () => {
    const b = await load(sam, 'prod')
    expect(b.stage).toBe('prod')
    const chat = b.functions[0]!
    expect(chat.environment.STAGE).toBe('prod')
    expect(evaluate(chat.role.statements!, 'execute-api:ManageConnections', postArn('prod')).allowed).toBe(true)
    expect(evaluate(chat.role.statements!, 'execute-api:ManageConnections', postArn('test')).allowed).toBe(false)
    expect(b.warnings.filter((w) => w.includes('--stage'))).toEqual([])
    // The same value both ways is fine; two different stages are not.
    expect((await withOverrides({ StageName: 'prod' }, 'prod')).stage).toBe('prod')
    await expect(withOverrides({ StageName: 'qa' }, 'prod')).rejects.toThrow(
      '--stage prod and --parameter-overrides StageName=qa disagree: Resources.ChatStage.StageName is !Ref StageName; give one of them',
    )
  })

  it('a fixed StageName that --stage contradicts is served as --stage, with a warning about the ARNs that keep it', async () => {
    const dir = project({
      'src/h.js': 'exports.run = async () => ({})',
      't.yaml': `Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: { ProtocolType: WEBSOCKET }\n  Stage:\n    Type: AWS::ApiGatewayV2::Stage\n    Properties: { ApiId: !Ref Api, StageName: live }\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: { CodeUri: src, Handler: h.run, Runtime: nodejs20.x }\n  Int:\n    Type: AWS::ApiGatewayV2::Integration\n    Properties: { ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !GetAtt Fn.Arn }\n  R:\n    Type: AWS::ApiGatewayV2::Route\n    Properties: { ApiId: !Ref Api, RouteKey: $default, Target: !Sub 'integrations/\${Int}' }\n`,
    })
    expect((await load(join(dir, 't.yaml'))).stage).toBe('live')
    const b = await load(join(dir, 't.yaml'), 'dev')
    expect(b.stage).toBe('dev')
    expect(b.warnings).toContain(
      '--stage dev: Resources.Stage.StageName is live and not a parameter, so names and ARNs the template writes with "live" (policy resources…) keep it; the gateway serves dev',
    )
  })
})

describe('IAM evaluation and the caller key', () => {
  it('an Allow must match action and resource; an explicit Deny wins', () => {
    const allow = {
      Effect: 'Allow' as const,
      Action: 'execute-api:Manage*',
      Resource: 'arn:aws:execute-api:*:*:api/dev/POST/@connections/*',
    }
    const deny = { Effect: 'Deny' as const, Action: '*', Resource: '*/dev/POST/@connections/blocked' }
    const arn = (id: string) => `arn:aws:execute-api:us-east-1:000000000000:api/dev/POST/@connections/${id}`
    expect(evaluate([allow], 'execute-api:ManageConnections', arn('a')).allowed).toBe(true)
    expect(evaluate([allow], 'execute-api:Invoke', arn('a')).allowed).toBe(false)
    expect(evaluate([allow, deny], 'execute-api:ManageConnections', arn('blocked'))).toEqual({
      allowed: false,
      deniedBy: deny,
    })
  })

  it('finds the access key in a SigV4 header or a presigned query', () => {
    expect(
      signingKey(
        [
          'Authorization',
          'AWS4-HMAC-SHA256 Credential=ASIAXYZ/20250101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=ab',
        ],
        '',
      ),
    ).toBe('ASIAXYZ')
    expect(signingKey([], 'X-Amz-Credential=AKIAQ%2F20250101%2Fus-east-1%2Fexecute-api%2Faws4_request')).toBe('AKIAQ')
    expect(signingKey([], '')).toBeUndefined()
  })
})
