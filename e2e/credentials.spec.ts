import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, logList, openPlayground, openTool, stateBadge, test, type Gateway } from './fixtures'

// Keys the local gateway in IAM mode is told to accept (--credential AKID:SECRET[:TOKEN]).
const TEMPORARY = {
  accessKeyId: 'ASIAE2EPASTED0000001',
  secretAccessKey: 'pasted-secret-e2e-do-not-leak-1',
  sessionToken: 'pasted-session-token-e2e-do-not-leak-1',
}
const LONG_TERM = { accessKeyId: 'AKIAE2EPASTED0000002', secretAccessKey: 'pasted-secret-e2e-do-not-leak-2' }
const SERVER_ENV = { accessKeyId: 'AKIAE2ESERVERENV0003', secretAccessKey: 'server-env-secret-never-in-the-page' }
const SERVER_PROFILE = {
  accessKeyId: 'AKIAE2ESERVERPRF0004',
  secretAccessKey: 'server-profile-secret-never-in-the-page',
}

/** The Management API tool with its credential sources. */
function sources(page: Page) {
  return page.getByRole('radiogroup', { name: 'Credential source' })
}

/** Connects with the signed URL, asks whoami, posts, and checks the message came back over the socket. */
async function signedRoundTrip(page: Page, gateway: Gateway, text: string) {
  await page.getByRole('button', { name: 'Connect with IAM-signed URL' }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
  await page.getByRole('button', { name: 'Ask the server for my connection id' }).click()
  await expect(page.getByLabel('Connection id', { exact: true })).toHaveValue(gateway.connections()[0]!.connectionId)
  await page.getByLabel('Data to post').fill(text)
  await page.getByRole('button', { name: 'Post', exact: true }).click()
  await expect(page.getByRole('status', { name: 'Management call result' })).toHaveText(/PostToConnection → 200/)
  await expect(logList(page).getByRole('option').filter({ hasText: text }).filter({ hasText: 'received' })).toHaveCount(
    1,
  )
  await page.getByRole('button', { name: 'Get', exact: true }).click()
  await expect(page.getByLabel('Connection details')).toContainText(/connectedAt\s*\d{4}-/)
}

/** Everything the page keeps or can hand out: localStorage, the DOM, the log export (and the URL unless it was given). */
async function pageLeaks(page: Page): Promise<string> {
  const stored = await page.evaluate(
    () => JSON.stringify({ ...localStorage }) + JSON.stringify(window.playground.session),
  )
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export log as JSON' }).click(),
  ])
  const exported = await readFile((await download.path())!, 'utf8')
  return stored + (await page.content()) + page.url() + exported
}

test.describe('pasted access keys against the local gateway in IAM mode', () => {
  test('export-credentials env format: signed connect, post and get; the secret stays in memory', async ({
    page,
    startGateway,
  }) => {
    const gateway = await startGateway({ auth: 'iam', credentials: [TEMPORARY] })
    await openPlayground(page, { endpoint: gateway.wsUrl })
    await openTool(page, 'Management API')
    await sources(page).getByLabel('Access keys').check()
    const expiry = new Date(Date.now() + 3_600_000).toISOString()
    await page
      .getByLabel('Pasted keys')
      .fill(
        `export AWS_ACCESS_KEY_ID=${TEMPORARY.accessKeyId}\nexport AWS_SECRET_ACCESS_KEY=${TEMPORARY.secretAccessKey}\nexport AWS_SESSION_TOKEN=${TEMPORARY.sessionToken}\nexport AWS_CREDENTIAL_EXPIRATION=${expiry}\n`,
      )
    await page.getByRole('button', { name: 'Use these keys' }).click()
    await expect(page.getByLabel('Access key id (masked)')).toHaveText('ASIA…0001')
    await expect(page.getByLabel('Credentials expire in')).toHaveText(/^(59|60):\d\d$/)
    await expect(page.getByLabel('Pasted keys')).toHaveValue('')
    await signedRoundTrip(page, gateway, 'signed with pasted keys')
    const leaks = await pageLeaks(page)
    for (const secret of [TEMPORARY.secretAccessKey, TEMPORARY.sessionToken]) expect(leaks).not.toContain(secret)
  })

  test('export-credentials JSON and three typed fields; wrong region and expired keys are explained', async ({
    page,
    startGateway,
  }) => {
    const gateway = await startGateway({ auth: 'iam', credentials: [LONG_TERM] })
    await openPlayground(page, { endpoint: gateway.wsUrl })
    await openTool(page, 'Management API')
    await sources(page).getByLabel('Access keys').check()
    await page
      .getByLabel('Pasted keys')
      .fill(
        JSON.stringify(
          { Version: 1, AccessKeyId: LONG_TERM.accessKeyId, SecretAccessKey: LONG_TERM.secretAccessKey },
          null,
          2,
        ),
      )
    await page.getByRole('button', { name: 'Use these keys' }).click()
    await expect(page.getByLabel('Credentials expire in')).toHaveText('no expiry given')
    await signedRoundTrip(page, gateway, 'signed with JSON keys')

    // Signed for another region: a scope error, not IAM-policy advice.
    await page.getByLabel('Region', { exact: true }).fill('eu-west-1')
    await page.getByRole('button', { name: 'Get', exact: true }).click()
    const error = page.getByRole('alert', { name: 'Management error' })
    await expect(error).toContainText('signed for another region')
    await expect(page.getByLabel('IAM policy')).toHaveCount(0)
    await page.getByLabel('Region', { exact: true }).fill(gateway.region)

    await page.getByText('…or type them').click()
    await page.getByLabel('Access key id', { exact: true }).fill(LONG_TERM.accessKeyId)
    await page.getByLabel('Secret access key').fill(LONG_TERM.secretAccessKey)
    await page.getByLabel('Expiration').fill('2020-01-01T00:00:00Z')
    await page.getByRole('button', { name: 'Use these keys' }).click()
    await expect(page.getByRole('alert', { name: 'Credentials error' })).toContainText('These keys expired')
    await page.getByLabel('Expiration').fill('')
    await page.getByRole('button', { name: 'Use these keys' }).click()
    await page.getByRole('button', { name: 'Get', exact: true }).click()
    await expect(page.getByRole('status', { name: 'Management call result' })).toHaveText(/GetConnection → 200/)
  })
})

test.describe('no signing', () => {
  test('is the default for the local gateway with auth none, and says AWS needs SigV4', async ({ page, gateway }) => {
    await openPlayground(page, { endpoint: gateway.wsUrl })
    await openTool(page, 'Management API')
    await expect(sources(page).getByLabel('No signing')).toBeChecked()
    await expect(page.getByRole('note', { name: 'About no signing' })).toContainText('AWS always requires SigV4')
    // Not offered for AWS endpoints.
    await page.getByLabel('Endpoint URL').fill('wss://abcde12345.execute-api.us-east-1.amazonaws.com/prod')
    await expect(sources(page).getByLabel('No signing')).toHaveCount(0)
    await expect(sources(page).getByLabel('Cognito identity pool')).toBeChecked()
    await page.getByLabel('Endpoint URL').fill(gateway.wsUrl)
    await expect(sources(page).getByLabel('No signing')).toBeChecked()
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
    await page.getByRole('button', { name: 'Ask the server for my connection id' }).click()
    await expect(page.getByLabel('Connection id', { exact: true })).not.toHaveValue('')
    await page.getByLabel('Data to post').fill('unsigned post')
    await page.getByRole('button', { name: 'Post', exact: true }).click()
    await expect(page.getByRole('status', { name: 'Management call result' })).toHaveText(/PostToConnection → 200/)
    await expect(
      logList(page).getByRole('option').filter({ hasText: 'unsigned post' }).filter({ hasText: 'received' }),
    ).toHaveCount(1)
  })

  test('against IAM it is explained, and the Timeout lab reports the refused runs as failed', async ({
    page,
    startGateway,
  }) => {
    const gateway = await startGateway({ auth: 'iam', credentials: [LONG_TERM] })
    await openPlayground(page, { endpoint: gateway.wsUrl, experiment: 'gone-after-close', runs: 2 })
    await openTool(page, 'Management API')
    await page.getByLabel('Connection id', { exact: true }).fill('eA==')
    await page.getByRole('button', { name: 'Get', exact: true }).click()
    await expect(page.getByRole('alert', { name: 'Management error' })).toContainText('wants signed requests')
    await openTool(page, 'Timeout lab')
    await page.getByRole('button', { name: 'Start experiment' }).click()
    await expect(page.getByRole('status', { name: 'Experiment status' })).toHaveText('failed: all 2 runs failed', {
      timeout: 30_000,
    })
    const failed = page.getByRole('table', { name: 'Failed runs' })
    await expect(failed.getByRole('row')).toHaveCount(3)
    await expect(failed).toContainText('never opened (close code 1006')
    await expect(page.getByRole('table', { name: 'Experiment summary' })).toHaveCount(0)
  })
})

test.describe('redaction', () => {
  test('a token in the endpoint never reaches localStorage, the set-up link, the log export or window.playground', async ({
    page,
    context,
    gateway,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'])
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJlMmUifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg'
    const opened = page.waitForEvent('websocket')
    await openPlayground(page, { endpoint: `${gateway.wsUrl}?token=${token}&room=1`, autoconnect: 1 })
    await openTool(page, 'Management API')
    await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
    // The connection itself used the full URL.
    expect((await opened).url()).toContain(`token=${token}`)
    await page.getByRole('button', { name: 'Copy set-up link' }).click()
    await expect(page.getByRole('status').filter({ hasText: 'Link copied' })).toContainText('without token')
    const link = await page.evaluate(() => navigator.clipboard.readText())
    expect(link).toContain('room%3D1')
    expect(link).not.toContain('autoconnect')
    await page.getByRole('checkbox', { name: 'Link connects on open' }).check()
    await page.getByRole('button', { name: 'Copy set-up link' }).click()
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain('autoconnect=1')
    // The page's own address too: the token left the address bar once the tab had it.
    const leaks = (await pageLeaks(page)) + link
    expect(leaks).not.toContain(token)
    expect(leaks).not.toContain('c2lnbmF0dXJl')
  })
})

test.describe('the AWS CLI credentials through the playground server', () => {
  test('refuses requests without the page token or from another origin', async ({ request, baseURL }) => {
    const call = { method: 'GET', url: 'http://127.0.0.1:9/dev/@connections/eA%3D%3D', region: 'us-east-1' }
    const noToken = await request.post('/__aws-signer/call', { data: call, headers: { origin: baseURL! } })
    expect(noToken.status()).toBe(403)
    const otherOrigin = await request.post('/__aws-signer/call', {
      data: call,
      headers: { origin: 'http://127.0.0.1:1', 'x-playground-signer-token': 'guess' },
    })
    expect(otherOrigin.status()).toBe(403)
  })

  for (const kind of ['environment variables', 'a shared credentials file profile'] as const) {
    test(`signs with ${kind}; the page never sees the secret`, async ({ page, startGateway }) => {
      const keys = kind === 'environment variables' ? SERVER_ENV : SERVER_PROFILE
      const gateway = await startGateway({ auth: 'iam', credentials: [keys] })
      const home = await mkdtemp(join(tmpdir(), 'playground-signer-'))
      const env: Record<string, string> = {
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      }
      if (kind === 'environment variables')
        Object.assign(env, { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey })
      else {
        await writeFile(
          env.AWS_SHARED_CREDENTIALS_FILE!,
          `[default]\naws_access_key_id = AKIANOTTHISONE000000\naws_secret_access_key = wrong\n\n[playground-e2e]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`,
        )
        env.AWS_PROFILE = 'playground-e2e'
      }
      const preview = await startPreview(env)
      try {
        const seen: string[] = []
        page.on(
          'response',
          (response) =>
            void response.text().then(
              (text) => seen.push(text),
              () => {},
            ),
        )
        await page.goto(`${preview.url}/?endpoint=${encodeURIComponent(gateway.wsUrl)}`)
        await openTool(page, 'Management API')
        await sources(page).getByLabel('AWS CLI (via the playground server)').check()
        await page.getByRole('button', { name: 'Check whom the server signs as' }).click()
        await expect(page.getByLabel('Access key id (masked)')).toHaveText(
          `${keys.accessKeyId.slice(0, 4)}…${keys.accessKeyId.slice(-4)}`,
        )
        if (kind !== 'environment variables')
          await expect(page.getByLabel('Identity id')).toContainText(/playground-e2e|arn:/)
        await signedRoundTrip(page, gateway, `signed by the server with ${kind}`)
        const leaks = (await pageLeaks(page)) + seen.join('\n')
        expect(leaks).not.toContain(keys.secretAccessKey)
      } finally {
        await preview.close()
        await rm(home, { recursive: true, force: true })
      }
    })
  }

  test('the lab runs gone-after-close through it', async ({ page, startGateway }) => {
    const gateway = await startGateway({ auth: 'iam', credentials: [SERVER_ENV], idleTimeout: 2, maxDuration: 20 })
    const preview = await startPreview({
      AWS_ACCESS_KEY_ID: SERVER_ENV.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SERVER_ENV.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
    })
    try {
      await page.goto(
        `${preview.url}/?endpoint=${encodeURIComponent(gateway.wsUrl)}&profile=custom&idle=2&max=20&experiment=gone-after-close&runs=1`,
      )
      await openTool(page, 'Management API')
      await sources(page).getByLabel('AWS CLI (via the playground server)').check()
      await openTool(page, 'Timeout lab')
      await page.getByRole('button', { name: 'Start experiment' }).click()
      await expect(page.getByRole('status', { name: 'Experiment status' })).toHaveText('done', { timeout: 30_000 })
      await expect(page.getByRole('table', { name: 'Experiment results' })).toContainText('410')
    } finally {
      await preview.close()
    }
  })
})

/** `vite preview` of the built page in its own process, with only the environment given (no ~/.aws of this machine). */
async function startPreview(env: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort()
  const child: ChildProcess = spawn(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'preview', '--port', String(port), '--strictPort'],
    {
      env: { PATH: process.env.PATH ?? '', HOME: env.HOME ?? tmpdir(), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
  const url = `http://127.0.0.1:${port}`
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited: ${stderr}`)
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      break
    if (Date.now() > deadline) {
      child.kill('SIGTERM')
      throw new Error(`vite preview did not start in 60 s: ${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  return {
    url,
    async close() {
      child.kill('SIGTERM')
      await exited
    },
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
