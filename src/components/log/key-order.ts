/**
 * Rows in the order of their keys (`index % slots`): the DOM keeps one order whatever the scroll, so a batch patches
 * rows in place and moves none. In the order of their places the keys turn round as the list scrolls, and Vue moves
 * the rows that wrapped round: a moved row is taken out of the layout and built again. `rows` are consecutive places,
 * so their keys are a rotation of 0, 1, 2…, cut where the key wraps to 0.
 */
export function inKeyOrder<T extends { index: number }>(rows: T[], slots: number): T[] {
  const wrap = rows.findIndex((row) => row.index % slots === 0)
  return wrap <= 0 ? rows : [...rows.slice(wrap), ...rows.slice(0, wrap)]
}
