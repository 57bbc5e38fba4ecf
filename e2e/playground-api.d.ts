import type { PlaygroundApi } from '../src/core/playground-api'

// The specs read the page's scripting API inside page.evaluate and waitForFunction, in functions Playwright sends to
// the page as source (they cannot call a helper from here): a global type lets them write `window.playground` as is.
declare global {
  interface Window {
    /** Installed as the app mounts, in the task that loads the page: there by the time a spec has opened it. */
    readonly playground: PlaygroundApi
  }
}
