/**
 * Connection ids the page has learned, kept per API (its management endpoint): an id of one API means nothing to
 * another, and offering it after a switch of endpoint only earns a GoneException (or reaches a stranger's socket on a
 * gateway that reuses ids). Bounded: the newest ids of the most recently used APIs.
 */
export class KnownConnectionIds {
  private readonly byApi = new Map<string, string[]>()

  constructor(
    private readonly idsPerApi = 50,
    private readonly maxApis = 20,
  ) {}

  /** Adds an id (newest first); false when the API already had it. */
  add(api: string, id: string): boolean {
    const ids = this.byApi.get(api) ?? []
    if (ids.includes(id)) return false
    // Re-inserted so the Map's order is the order of use: the least recently used API goes first.
    this.byApi.delete(api)
    this.byApi.set(api, [id, ...ids].slice(0, this.idsPerApi))
    while (this.byApi.size > this.maxApis) this.byApi.delete(this.byApi.keys().next().value!)
    return true
  }

  /** The API's ids, newest first. */
  list(api: string | undefined): readonly string[] {
    return (api !== undefined && this.byApi.get(api)) || []
  }

  has(api: string | undefined, id: string): boolean {
    return this.list(api).includes(id)
  }
}
