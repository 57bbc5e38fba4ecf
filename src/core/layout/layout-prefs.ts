/**
 * Which parts of the page a user has folded away and which tool fills the work area, kept per browser.
 * Read from localStorage, so anything stored by an older version or edited by hand is checked, never trusted.
 */
export const TOOLS = [
  { id: 'lab', label: 'Timeout lab' },
  { id: 'management', label: 'Management API' },
  { id: 'cost', label: 'Cost meter' },
] as const
export type ToolId = (typeof TOOLS)[number]['id']

export const COLLAPSIBLE_PANELS = ['keepalive', 'timeouts', 'timeline', 'saved-messages'] as const
export type PanelId = (typeof COLLAPSIBLE_PANELS)[number]

export type ColorScheme = 'auto' | 'light' | 'dark'

export interface LayoutPrefs {
  /** The tool open in the work area; undefined leaves the whole column to the log. */
  tool?: ToolId
  collapsed: PanelId[]
}

export const DEFAULT_LAYOUT: LayoutPrefs = { tool: 'lab', collapsed: [] }

const isTool = (v: unknown): v is ToolId => TOOLS.some((t) => t.id === v)
const isPanel = (v: unknown): v is PanelId => (COLLAPSIBLE_PANELS as readonly unknown[]).includes(v)

export function parseLayoutPrefs(raw: string | null): LayoutPrefs {
  if (raw === null) return { ...DEFAULT_LAYOUT, collapsed: [...DEFAULT_LAYOUT.collapsed] }
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return parseLayoutPrefs(null)
  }
  if (typeof value !== 'object' || value === null) return parseLayoutPrefs(null)
  const record = value as Record<string, unknown>
  const collapsed = Array.isArray(record.collapsed) ? [...new Set(record.collapsed.filter(isPanel))] : []
  return { tool: isTool(record.tool) ? record.tool : record.tool === null ? undefined : DEFAULT_LAYOUT.tool, collapsed }
}

export function writeLayoutPrefs(prefs: LayoutPrefs): string {
  return JSON.stringify({ tool: prefs.tool ?? null, collapsed: prefs.collapsed })
}

export function withPanel(prefs: LayoutPrefs, panel: PanelId, open: boolean): LayoutPrefs {
  const collapsed = prefs.collapsed.filter((p) => p !== panel)
  return { ...prefs, collapsed: open ? collapsed : [...collapsed, panel] }
}
