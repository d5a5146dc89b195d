/**
 * The expected fold of a recorded stream, computed independently of `Chat.collect`: one body for both
 * editions' replay suites (Effect-free; the recorded chunks are plain JSON).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Wire = any

export const isEmpty = (u: unknown) => u === undefined || u === null || u === ""

export const expectedFold = (chunks: ReadonlyArray<Wire>) => {
  // The first non-empty value, else the first value sent.
  const first = (key: string) => {
    const values = chunks.map((c) => c[key]).filter((v) => v !== undefined)
    return values.find((v) => !isEmpty(v) && !(key === "created" && v === 0)) ?? values[0]
  }
  const usage = chunks.map((c) => c.usage).filter((u) => u !== undefined && u !== null).at(-1)
  const indexes = [...new Set(chunks.flatMap((c) => (c.choices as Array<Wire>).map((ch) => ch.index ?? 0)))]
  const choices = indexes.map((index) => {
    const mine: Array<Wire> = chunks.flatMap((c) =>
      (c.choices as Array<Wire>).filter((ch) => (ch.index ?? 0) === index)
    )
    const deltas: Array<Wire> = mine.map((ch) => ch.delta).filter((d) => d !== undefined && d !== null)
    const text = (key: string) => {
      const pieces = deltas.map((d) => d[key]).filter((v) => typeof v === "string")
      return pieces.length > 0 ? pieces.join("") : deltas.some((d) => d[key] === null) ? null : undefined
    }
    const list = (key: string) => {
      const lists = deltas.map((d) => d[key]).filter(Array.isArray)
      return lists.length > 0 ? lists.flat() : undefined
    }
    // One block per type and index, as a non-streaming response carries them: text pieces joined,
    // other fields the first non-empty value (Anthropic's signature comes in a fragment of its own).
    const details = () => {
      const fragments = list("reasoning_details")
      if (fragments === undefined) return undefined
      const blocks: Array<Wire> = []
      for (const fragment of fragments as Array<Wire>) {
        const block = typeof fragment.index === "number"
          ? blocks.find((b) => b.type === fragment.type && b.index === fragment.index)
          : undefined
        if (block === undefined) {
          blocks.push({ ...fragment })
          continue
        }
        for (const [key, value] of Object.entries(fragment)) {
          if (["text", "summary", "data"].includes(key) && typeof value === "string") block[key] += value
          else if (!(key in block) || (isEmpty(block[key]) && !isEmpty(value))) block[key] = value
        }
      }
      return blocks
    }
    const calls = new Map<number, { id?: string; name?: string; arguments?: string }>()
    for (const d of deltas) {
      for (const tc of (d.tool_calls ?? []) as Array<Wire>) {
        const i = tc.index ?? calls.size
        const call = calls.get(i) ?? {}
        if (isEmpty(call.id) && !isEmpty(tc.id)) call.id = tc.id
        if (isEmpty(call.name) && !isEmpty(tc.function?.name)) call.name = tc.function.name
        if (typeof tc.function?.arguments === "string") call.arguments = (call.arguments ?? "") + tc.function.arguments
        calls.set(i, call)
      }
    }
    // The last non-null value, else null when only null was sent.
    const last = (key: string) => {
      const values = mine.map((ch) => ch[key]).filter((v) => v !== undefined)
      return values.filter((v) => v !== null).at(-1) ?? (values.length > 0 ? null : undefined)
    }
    return {
      index,
      content: text("content") ?? null,
      reasoning: text("reasoning"),
      reasoning_content: text("reasoning_content"),
      reasoning_details: details(),
      images: list("images"),
      annotations: list("annotations"),
      tool_calls: [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call),
      finish_reason: last("finish_reason") ?? null,
      native_finish_reason: last("native_finish_reason")
    }
  })
  const envelopeKeys = new Set(chunks.flatMap((c) => Object.keys(c)))
  for (const key of ["choices", "object", "error", "usage"]) envelopeKeys.delete(key)
  return { id: first("id"), model: first("model"), created: first("created"), usage, choices, envelopeKeys }
}
