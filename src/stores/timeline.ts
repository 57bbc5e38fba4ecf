import { acceptHMRUpdate, defineStore } from 'pinia'
import { shallowRef, watch } from 'vue'
import type { SessionEvent } from '@/core/session/events'
import { TimelineModel } from '@/core/timeline/timeline'
import { intervalBatch } from '@/core/timing/interval-batch'
import { floodPacing } from '@/core/timing/flood-rate'
import { CLOCK, now } from '@/composables/now'

/** The readyState timeline's model, kept out of reactivity; `version` tells the chart to redraw. */
export const useTimelineStore = defineStore('timeline', () => {
  const model = new TimelineModel()
  const version = shallowRef(0)
  // During a flood the chart redraws with the clock's tick (which moves the axis anyway): one repaint, not two.
  const bump = intervalBatch(() => version.value++, 200, floodPacing(500), CLOCK)
  watch(now, () => bump.tick())

  function apply(event: SessionEvent): void {
    model.apply(event)
    bump()
  }

  /** The plain apply for the per-message path (see the log store's sink). */
  function sink(): (event: SessionEvent) => void {
    return apply
  }

  /** An update's events at once (one call, one pacing count per event as with `sink`). */
  function batchSink(): (events: readonly SessionEvent[]) => void {
    return (events) => {
      if (!events.length) return
      model.applyAll(events)
      bump(events.length)
    }
  }

  function segmentsIn(from: number, to: number) {
    return model.segmentsIn(from, to)
  }

  function binnedMarkers(from: number, to: number, bins: number) {
    return model.binnedMarkers(from, to, bins)
  }

  function binnedMarkersBySource(from: number, to: number, bins: number) {
    return model.binnedMarkersBySource(from, to, bins)
  }

  function transitions(limit?: number) {
    return model.transitions(limit)
  }

  function firstAt() {
    return model.firstAt
  }

  function clear() {
    model.clear()
    version.value++
  }

  return { version, sink, batchSink, segmentsIn, binnedMarkers, binnedMarkersBySource, transitions, firstAt, clear }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useTimelineStore, import.meta.hot))
