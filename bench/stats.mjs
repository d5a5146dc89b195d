// The statistics every benchmark script reports with.

/** The median of `xs` (the mean of the two middle values for an even count; NaN when empty). */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}
