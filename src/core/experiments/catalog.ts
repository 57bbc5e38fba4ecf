import { goneAfterCloseExperiment } from './gone-after-close'
import { idleExperiment } from './idle'
import { idleAfterMessageExperiment } from './idle-after-message'
import { idleResetExperiment } from './idle-reset'
import { keepaliveExperiment } from './keepalive'
import { maxDurationExperiment } from './max-duration'
import { sizeLimitsExperiment } from './size-limits'
import type { ExperimentDefinition, ExperimentId } from './types'

/** Every experiment, in the order the article's study goes. */
export const EXPERIMENTS: readonly ExperimentDefinition[] = [
  idleExperiment,
  idleAfterMessageExperiment,
  keepaliveExperiment,
  idleResetExperiment,
  maxDurationExperiment,
  sizeLimitsExperiment,
  goneAfterCloseExperiment,
]

export function findExperiment(id: string): ExperimentDefinition | undefined {
  return EXPERIMENTS.find((e) => e.id === id)
}

export function isExperimentId(id: string): id is ExperimentId {
  return findExperiment(id) !== undefined
}
