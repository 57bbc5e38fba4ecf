import { defineAsyncComponent, type Component } from 'vue'

/**
 * A component the first paint does not need: out of the initial bundle, fetched once the page is idle after it
 * (at most 2 s later) so that its first use does not wait for the network.
 */
export function idleComponent(load: () => Promise<{ default: Component }>): Component {
  let loading: Promise<{ default: Component }> | undefined
  const once = () => (loading ??= load())
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => void once(), { timeout: 2000 })
  else setTimeout(() => void once(), 0)
  return defineAsyncComponent(once)
}
