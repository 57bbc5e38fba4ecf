import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

export interface BundleResult {
  initialJsGzipKb: number
  initialCssGzipKb: number
  initialTotalGzipKb: number
  lazyJsGzipKb: number
}

/** The production build's first load (what index.html pulls in) against everything loaded later (the AWS SDK). */
export function measureBundle(dist = 'dist'): BundleResult {
  const html = readFileSync(join(dist, 'index.html'), 'utf8')
  const initial = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!))
  const gz = (file: string) => gzipSync(readFileSync(join(dist, file))).length / 1024
  let initialJs = 0
  let initialCss = 0
  let lazyJs = 0
  for (const name of readdirSync(join(dist, 'assets'))) {
    const file = `assets/${name}`
    if (name.endsWith('.map')) continue
    if (initial.has(file)) {
      if (name.endsWith('.css')) initialCss += gz(file)
      else initialJs += gz(file)
    } else if (name.endsWith('.js')) lazyJs += gz(file)
  }
  return {
    initialJsGzipKb: initialJs,
    initialCssGzipKb: initialCss,
    initialTotalGzipKb: initialJs + initialCss,
    lazyJsGzipKb: lazyJs,
  }
}
