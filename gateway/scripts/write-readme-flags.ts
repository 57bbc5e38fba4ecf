/** `npm run gateway:readme`: rewrites the flag table in gateway/README.md from src/option-table.ts. */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { readmeFlagTable } from '../src/option-table'

const path = fileURLToPath(new URL('../README.md', import.meta.url))
const readme = readFileSync(path, 'utf8')
const marker = /(<!-- flags:start[^>]*-->\n)[\s\S]*?(<!-- flags:end -->)/
if (!marker.test(readme)) throw new Error('gateway/README.md has no <!-- flags:start --> … <!-- flags:end --> markers')
writeFileSync(
  path,
  readme.replace(marker, (_all, start: string, end: string) => `${start}${readmeFlagTable()}\n${end}`),
)
process.stdout.write('gateway/README.md: flag table rewritten\n')
