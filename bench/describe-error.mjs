// One line for a failure of a client in a worker process (both workers report failures this way).

/** The error's chain (an Effect FiberFailure's Cause, then `cause`s), one line each, joined. */
export const describe = (e) => {
  const parts = []
  const next = (c) => {
    // An Effect FiberFailure keeps its Cause under a symbol: follow it to the error.
    const cause = c[Symbol.for("effect/Runtime/FiberFailure/Cause")]
    return cause?.error ?? cause?.defect ?? c.cause
  }
  for (let c = e, depth = 0; c !== undefined && c !== null && depth < 5; c = next(c), depth++) {
    parts.push((c instanceof Error ? `${c.name}: ${c.message}` : String(c)).split("\n")[0])
  }
  return parts.join(" <- ").slice(0, 500)
}
