/**
 * Bounded copies of what errors keep from a response. Effect-free.
 *
 * An error may live long (in a log buffer, a retry history, a test report), so it keeps only bounded
 * copies of what it read: never a slice of a response body. In V8, `text.slice(0, n)` of a long string
 * is a view that keeps the whole parent alive (a 2 KB excerpt of a 5 MB body retains 5 MB); the
 * helpers here return flat copies instead.
 */

/** A flat copy of a string: a new string that does not keep the string it was cut from alive. */
export const copyString = (s: string): string => {
  // V8 copies short strings anyway; a join writes the characters into a new flat string.
  if (s.length < 16) return s
  const half = s.length >> 1
  return [s.slice(0, half), s.slice(half)].join("")
}

/** At most `limit` characters of `text` (a flat copy), with how many more there were. */
export const excerpt = (text: string, limit: number): string =>
  text.length <= limit
    ? copyString(text)
    : copyString(`${text.slice(0, limit)}… (${text.length - limit} more characters)`)

/**
 * A multi-line description (a schema failure) bounded line by line and in total: each line keeps its
 * start (the path and the expected type come first), the whole keeps its first lines.
 */
export const boundedLines = (text: string, lineLimit: number, totalLimit: number): string => {
  if (text.length <= lineLimit && text.indexOf("\n") === -1) return copyString(text)
  const out: Array<string> = []
  let total = 0
  let start = 0
  while (start <= text.length && total < totalLimit) {
    let end = text.indexOf("\n", start)
    if (end === -1) end = text.length
    const line = end - start <= lineLimit
      ? text.slice(start, end)
      : `${text.slice(start, start + lineLimit)}… (${end - start - lineLimit} more characters)`
    out.push(line)
    total += line.length + 1
    start = end + 1
  }
  if (start < text.length) out.push(`… (${text.length - start} more characters)`)
  return copyString(out.join("\n"))
}

/** `value` when its JSON is at most `limit` characters, else `undefined`. Never throws. */
export const boundedJson = <A>(value: A, limit: number): A | undefined => {
  if (value === undefined || value === null) return value
  try {
    const json = JSON.stringify(value)
    return json === undefined || json.length <= limit ? value : undefined
  } catch {
    return undefined
  }
}

/**
 * Formats an error's stack trace at once. Until its `stack` is first read, V8 keeps the stack as
 * frames holding each frame's function, and through the functions' closures whatever they captured:
 * a response object and the 5 MB body text it caches. Formatting turns the frames into a string.
 */
export const settleStack = <E extends object>(error: E): E => {
  try {
    void (error as { readonly stack?: unknown }).stack
  } catch {
    // a stack that cannot be formatted keeps nothing worth freeing
  }
  return error
}
