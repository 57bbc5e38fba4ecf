import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { displayPath } from '../display-path'
import { BackendError } from './model'

/** Extensions tried for a handler module, in Lambda's order for Node (.js, .mjs, .cjs), then TypeScript sources. */
const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']

export const isTypeScript = (file: string) => /\.[mc]?ts$/.test(file)

/**
 * `src/handler.connect` (serverless) or `index.handler` in CodeUri (SAM) → the module file and the export. Split as
 * Lambda's Node.js runtime splits it (aws-lambda-nodejs-runtime-interface-client, UserFunction): the directory, then
 * the file name up to its first dot is the module and the rest is the export, a path into nested objects
 * (`lib/app.handlers.connect` → lib/app, handlers.connect); a name with ".." is refused (MalformedHandlerName). The
 * module is looked up with each extension, so a TypeScript source (`src/handler.ts`) runs without a build step.
 */
export function resolveHandler(
  codeDir: string,
  handler: string,
  where: string,
): { file: string; exportPath: string[] } {
  if (handler.includes('..'))
    throw new BackendError(
      `${where}: handler "${handler}": Lambda refuses a handler name with ".." (Runtime.MalformedHandlerName); name the module from the code's root`,
    )
  const slash = handler.lastIndexOf('/')
  const match = /^([^.]+)\.([^.].*)$/.exec(handler.slice(slash + 1))
  if (!match || match[2]!.endsWith('.'))
    throw new BackendError(`${where}: handler "${handler}" must be path/to/module.exportName`)
  const modulePath = resolve(codeDir, handler.slice(0, slash + 1) + match[1])
  const exportPath = match[2]!.split('.')
  const candidates = [modulePath, ...EXTENSIONS.map((ext) => modulePath + ext)]
  const file = candidates.find((f) => /\.[mc]?[jt]s$/.test(f) && existsSync(f) && statSync(f).isFile())
  if (!file) {
    throw new BackendError(
      `${where}: handler "${handler}": no file ${displayPath(modulePath)}(.js|.mjs|.cjs|.ts) ` +
        `(looked in ${displayPath(codeDir)}; build the code first if it is compiled output)`,
    )
  }
  return { file, exportPath }
}

export function existingDir(dir: string, where: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new BackendError(`${where}: directory ${displayPath(dir)} does not exist`)
  return dir
}
