/** Text cut to `chars` characters (code points, so no emoji is split), the last of them … when it was longer. */
export function cutText(text: string, chars: number): string {
  const all = [...text]
  return all.length <= chars ? text : `${all.slice(0, Math.max(1, chars - 1)).join('')}…`
}
