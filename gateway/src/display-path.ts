import { isAbsolute, relative, resolve, sep } from 'node:path'

/**
 * A path as messages show it: relative to the current directory when inside it (`src/handler.mjs`, `.`), absolute
 * otherwise (`/home/me/other/serverless.yml`), never a climb such as `../../../home/me/other/serverless.yml`.
 */
export function displayPath(path: string, cwd = process.cwd()): string {
  const absolute = resolve(cwd, path)
  const rel = relative(cwd, absolute)
  if (rel === '') return '.'
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return absolute
  return rel
}
