import { expect, logList, openPlayground, openTool, stateBadge, test, type Gateway } from './fixtures'
import type { Page } from '@playwright/test'

async function getCredentials(page: Page, gateway: Gateway) {
  await openTool(page, 'Management API')
  await page.getByRole('radiogroup', { name: 'Credential source' }).getByLabel('Cognito identity pool').check()
  await page.getByLabel('Identity pool id').fill(gateway.identityPoolIds[0]!)
  await page.getByLabel('Region', { exact: true }).fill(gateway.region)
  await page.getByRole('button', { name: 'Get credentials' }).click()
  await expect(page.getByLabel('Identity id')).toHaveText(new RegExp(`^${gateway.region}:`))
}

test.describe('management panel against the local gateway in IAM mode', () => {
  test('Cognito credentials, IAM-signed connect, post, get and delete; Gone after the close', async ({
    page,
    startGateway,
  }) => {
    const gateway = await startGateway({ auth: 'iam' })
    await openPlayground(page, { endpoint: gateway.wsUrl })

    // Without a signature the IAM-protected $connect refuses the handshake: the browser only sees 1006.
    await page.getByRole('button', { name: 'Connect', exact: true }).click()
    await expect(page.getByRole('group', { name: 'Last close' }).getByLabel('Close code')).toHaveText('1006')

    await getCredentials(page, gateway)
    await expect(page.getByLabel('Access key id (masked)')).toHaveText(/^ASIA…\w{4}$/)
    await expect(page.getByLabel('Credentials expire in')).toHaveText(/\d+:\d\d/)

    await page.getByRole('button', { name: 'Connect with IAM-signed URL' }).click()
    await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
    // The log shows the URL without the signature or the session token.
    await expect(logList(page).getByRole('option').filter({ hasText: 'Connection #2' })).toContainText(
      'X-Amz-Security-Token=REDACTED',
    )

    await page.getByRole('button', { name: 'Ask the server for my connection id' }).click()
    const id = gateway.connections()[0]!.connectionId
    await expect(page.getByLabel('Connection id', { exact: true })).toHaveValue(id)

    await page.getByLabel('Data to post').fill('hello from the management API')
    await page.getByRole('button', { name: 'Post', exact: true }).click()
    await expect(page.getByRole('status', { name: 'Management call result' })).toHaveText(/PostToConnection → 200/)
    await expect(
      logList(page)
        .getByRole('option')
        .filter({ hasText: 'hello from the management API' })
        .filter({ hasText: 'received' }),
    ).toHaveCount(1)
    await expect(
      page
        .getByRole('img', { name: /readyState over time/ })
        .locator('g.marker[data-kind="aws"]')
        .first(),
    ).toBeAttached()
    await page.getByText('AWS CLI equivalent').click()
    await expect(page.getByLabel('AWS CLI command', { exact: true })).toContainText(`--connection-id '${id}'`)
    await expect(page.getByLabel('AWS CLI command', { exact: true })).toContainText(
      '--cli-binary-format raw-in-base64-out',
    )

    await page.getByRole('button', { name: 'Get', exact: true }).click()
    const details = page.getByRole('definition').filter({ hasText: '127.0.0.1' })
    await expect(details).toBeVisible()
    await expect(page.getByLabel('Connection details')).toContainText(/connectedAt\s*\d{4}-\d\d-\d\dT/)
    await expect(page.getByLabel('Connection details')).toContainText('Chrome/')

    await page.getByRole('button', { name: 'Delete', exact: true }).click()
    await expect(page.getByRole('group', { name: 'Last close' }).getByLabel('Close code')).toHaveText('1000')
    // Both closes, however long the test took on a loaded machine: the default window is the last minute.
    await page.getByRole('radiogroup', { name: 'Timeline window' }).getByLabel('All').check()
    await expect(
      page.getByRole('img', { name: /readyState over time/ }).locator('g.marker[data-kind="closed"]'),
    ).toHaveCount(2)

    await page.getByRole('button', { name: 'Post', exact: true }).click()
    await expect(page.getByRole('alert', { name: 'Management error' })).toContainText('GoneException (410)')
  })

  test('credentials the gateway does not know are explained as such', async ({ page, startGateway }) => {
    const first = await startGateway({ auth: 'iam' })
    await openPlayground(page, { endpoint: first.wsUrl })
    await getCredentials(page, first)
    await page.getByRole('button', { name: 'Connect with IAM-signed URL' }).click()
    await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
    await page.getByRole('button', { name: 'Ask the server for my connection id' }).click()
    await expect(page.getByLabel('Connection id', { exact: true })).not.toHaveValue('')
    // Another gateway on another port never issued these credentials: to it they are forged.
    const second = await startGateway({ auth: 'iam' })
    await page.getByLabel('Management endpoint').fill(second.connectionsUrl)
    await page.getByRole('button', { name: 'Get', exact: true }).click()
    await expect(page.getByRole('alert', { name: 'Management error' })).toContainText(/Forbidden|403/)
  })

  test('no secret reaches localStorage, IndexedDB or an export', async ({ page, startGateway }) => {
    const gateway = await startGateway({ auth: 'iam' })
    const secrets: string[] = []
    page.on('response', async (response) => {
      if (response.request().headers()['x-amz-target']?.endsWith('GetCredentialsForIdentity')) {
        const body = await response.json()
        secrets.push(body.Credentials.SecretKey, body.Credentials.SessionToken)
      }
    })
    await openPlayground(page, { endpoint: gateway.wsUrl })
    await getCredentials(page, gateway)
    await page.getByRole('button', { name: 'Connect with IAM-signed URL' }).click()
    await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)
    await page.getByRole('button', { name: 'Ask the server for my connection id' }).click()
    await page.getByRole('button', { name: 'Post', exact: true }).click()
    await expect(page.getByRole('status', { name: 'Management call result' })).toBeVisible()
    expect(secrets).toHaveLength(2)

    const stored = await page.evaluate(async () => {
      const local = JSON.stringify({ ...localStorage })
      const dbs = await indexedDB.databases()
      const dumps: string[] = []
      for (const info of dbs) {
        if (!info.name) continue
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open(info.name!)
          open.onsuccess = () => resolve(open.result)
          open.onerror = () => reject(open.error)
        })
        for (const store of Array.from(db.objectStoreNames)) {
          const all = await new Promise<unknown[]>((resolve) => {
            const request = db.transaction(store).objectStore(store).getAll()
            request.onsuccess = () => resolve(request.result)
          })
          dumps.push(JSON.stringify(all))
        }
      }
      return local + dumps.join('')
    })
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export log as JSON' }).click(),
    ])
    const exported = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8')
    for (const secret of secrets) {
      expect(stored).not.toContain(secret)
      expect(exported).not.toContain(secret)
      expect(page.url()).not.toContain(secret)
    }
  })
})

test('whoami fills the id field; ids and results stay with the API they came from', async ({ page, startGateway }) => {
  const first = await startGateway()
  const second = await startGateway()
  await openPlayground(page, { endpoint: first.wsUrl })
  await openTool(page, 'Management API')
  const idField = page.getByLabel('Connection id', { exact: true })
  const knownIds = page.locator('#known-connection-ids option')
  const result = page.getByRole('status', { name: 'Management call result' })
  const error = page.getByRole('alert', { name: 'Management error' })
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN \(1\)/)

  // A mistyped id is replaced by the server's answer: that is what the button promises.
  await idField.fill('AAAAAAAAAAAAAAA=')
  await page.getByRole('button', { name: 'Ask the server for my connection id' }).click()
  const firstId = first.connections()[0]!.connectionId
  await expect(idField).toHaveValue(firstId)

  await page.getByRole('button', { name: 'Post', exact: true }).click()
  await expect(result).toHaveText(/PostToConnection → 200/)
  // A call refused before it is sent leaves no earlier result beside its error.
  await page.getByRole('radiogroup', { name: 'Credential source' }).getByLabel('Access keys').check()
  await page.getByRole('button', { name: 'Post', exact: true }).click()
  await expect(error).toContainText('No credentials')
  await expect(result).toHaveCount(0)
  await page.getByRole('radiogroup', { name: 'Credential source' }).getByLabel('No signing').check()
  await page.getByRole('button', { name: 'Get', exact: true }).click()
  await expect(result).toHaveText(/GetConnection → 200/)

  // Another gateway: the first one's ids are neither in the field nor offered, and the last result is gone.
  await page.getByRole('button', { name: 'Disconnect' }).click()
  await page.getByLabel('Endpoint URL').fill(second.wsUrl)
  await expect(idField).toHaveValue('')
  await expect(knownIds).toHaveCount(0)
  await expect(result).toHaveCount(0)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(stateBadge(page)).toHaveText(/OPEN \(\d\)/)
  await page.getByRole('button', { name: 'Ask the server for my connection id' }).click()
  const secondId = second.connections()[0]!.connectionId
  await expect(idField).toHaveValue(secondId)
  await expect(knownIds).toHaveCount(1)

  // Back on the first gateway's URL, its id is offered again.
  await page.getByRole('button', { name: 'Disconnect' }).click()
  await page.getByLabel('Endpoint URL').fill(first.wsUrl)
  await expect(idField).toHaveValue(firstId)
  await expect(knownIds).toHaveCount(1)
  await expect(knownIds.first()).toHaveAttribute('value', firstId)

  // A second page connection, on the second gateway: the picker does not offer its id for the first one's API.
  const list = page.getByRole('list', { name: 'Connections' })
  await page.getByRole('button', { name: 'Add connection' }).click()
  await list.getByRole('button', { name: /^B:/ }).click()
  await page.getByLabel('Endpoint URL').fill(second.wsUrl)
  await page.getByRole('button', { name: 'Connect B' }).click()
  await expect(list.getByRole('button', { name: 'B: OPEN' })).toBeVisible()
  await page.getByRole('button', { name: 'Ask the server for my connection id' }).click()
  const picker = page.getByLabel("This page's connections")
  await expect(picker.getByRole('option', { name: /^B: / })).toHaveText(
    new RegExp(second.connections().at(-1)!.connectionId),
  )
  await list.getByRole('button', { name: /^A:/ }).click()
  await expect(picker.getByRole('option', { name: /^B: / })).toHaveText(/another endpoint/)
  await expect(picker.getByRole('option', { name: /^B: / })).toBeDisabled()
})

test('the relay refuses hosts other than execute-api', async ({ request }) => {
  const refused = await request.post('/__aws-relay', {
    headers: { 'x-playground-relay-target': 'https://example.com/prod/@connections/abc%3D' },
    data: 'x',
  })
  expect(refused.status()).toBe(403)
  expect((await refused.json()).message).toMatch(/only forwards to \*\.execute-api/)
  const metadata = await request.get('/__aws-relay', {
    headers: { 'x-playground-relay-target': 'https://169.254.169.254/latest/meta-data/' },
  })
  expect(metadata.status()).toBe(403)
})
