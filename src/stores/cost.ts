import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, shallowRef, watch } from 'vue'
import { useLocalStorage } from '@vueuse/core'
import {
  DEFAULT_PRICES,
  UsageMeter,
  connectionMinuteCost,
  messageCost,
  projectMonthlyCost,
  projectionProblems,
  type Projection,
  type RegionPrices,
} from '@/core/timeline/pricing'
import { intervalBatch } from '@/core/timing/interval-batch'
import { floodPacing } from '@/core/timing/flood-rate'
import { CLOCK, now } from '@/composables/now'
import { useSessionStore } from './session'

/** Live metering of this page's traffic and a monthly projection, with dated prices the user can edit. */
export const useCostStore = defineStore('cost', () => {
  const session = useSessionStore()
  const meter = new UsageMeter()
  const messages = shallowRef(0)
  const meteredMessages = shallowRef(0)

  /**
   * When the connection minutes shown were counted: with the clock's tick, and during a flood with the counts. Ten
   * open connections add to their two decimals with every tick: counted on every tick, the usage text redrew with
   * each one, not only with the counts' every other one.
   */
  const countedAt = shallowRef(Date.now())
  // During a flood the counts show with the clock's tick, which repaints the connection minutes anyway.
  const publish = intervalBatch(
    () => {
      messages.value = meter.messages
      meteredMessages.value = meter.meteredMessages
      countedAt.value = Date.now()
    },
    250,
    floodPacing(500),
    CLOCK,
  )
  watch(now, (date) => {
    publish.tick()
    if (!publish.busy()) countedAt.value = date.getTime()
  })
  session.subscribeBatches((events) => {
    let metered = 0
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!
      if (event.kind === 'open') meter.opened(event.at, event.source)
      else if (event.kind === 'closed') meter.closed(event.at, event.source)
      else if (
        (event.kind === 'sent' || event.kind === 'keepalive' || event.kind === 'received') &&
        event.bytes !== undefined
      ) {
        meter.message(event.bytes)
        metered++
      }
    }
    // One call for the batch, counted as its messages towards the flood pace.
    if (metered) publish(metered)
  })

  const prices = useLocalStorage<RegionPrices[]>(
    'apigw-playground:prices',
    DEFAULT_PRICES.map((p) => ({ ...p })),
  )
  const region = useLocalStorage('apigw-playground:price-region', 'us-east-1')
  const projection = useLocalStorage<Projection>('apigw-playground:projection', {
    users: 10_000,
    minutesPerUser: 1000,
    messagesPerUser: 100_000,
    bytesPerMessage: 1024,
  })

  const price = computed(
    () => prices.value.find((p) => p.region === region.value) ?? prices.value[0] ?? DEFAULT_PRICES[0]!,
  )
  const connectionMinutes = computed(() => meter.connectionMinutes(countedAt.value))
  const sessionCost = computed(
    () => connectionMinuteCost(connectionMinutes.value, price.value) + messageCost(meteredMessages.value, price.value),
  )
  const projectionErrors = computed(() => projectionProblems(projection.value))
  const projected = computed(() => projectMonthlyCost(projection.value, price.value))

  function resetPrices() {
    prices.value = DEFAULT_PRICES.map((p) => ({ ...p }))
  }

  return {
    messages,
    meteredMessages,
    connectionMinutes,
    sessionCost,
    prices,
    region,
    projection,
    projectionErrors,
    price,
    projected,
    resetPrices,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useCostStore, import.meta.hot))
