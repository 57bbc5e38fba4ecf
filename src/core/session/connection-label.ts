/**
 * The page numbers its own connections 1, 2, 3…; the Timeout lab's connections share the log and the timeline with
 * numbers above this base, so they never collide. People see them as "lab #n", not as "#1001".
 */
export const EXPERIMENT_CONNECTION_BASE = 1000

export function isExperimentConnection(connection: number): boolean {
  return connection > EXPERIMENT_CONNECTION_BASE
}

/** "#3" for the page's own connection, "lab #2" for an experiment's. */
export function connectionLabel(connection: number): string {
  return isExperimentConnection(connection) ? `lab #${connection - EXPERIMENT_CONNECTION_BASE}` : `#${connection}`
}

/** "Connection #3" or "Experiment connection #2", for sentences. */
export function connectionName(connection: number): string {
  return isExperimentConnection(connection)
    ? `Experiment connection #${connection - EXPERIMENT_CONNECTION_BASE}`
    : `Connection #${connection}`
}
