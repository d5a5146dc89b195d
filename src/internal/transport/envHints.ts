/**
 * What to do about an `OPENROUTER_*` variable, in the configuration errors of both editions (a
 * newcomer's first error): a missing key names the variable and how to set it, an invalid value's
 * message begins with the variable and ends with a hint. Each edition names its own way to start the
 * emulator. No message here shows a value.
 */

/** How an edition's user starts the emulator, and how a message refers to its URL. */
export interface EmulatorWords {
  /** How to start it: `npx effect-openrouter-emulator`. */
  readonly start: string
  /** Its URL after {@link EmulatorWords.start} was named: `the URL it prints`. */
  readonly url: string
  /** Its URL on its own: `the URL npx effect-openrouter-emulator prints`. */
  readonly urlAlone: string
}

const keyHint = "set it to your OpenRouter API key (create one at https://openrouter.ai/keys): " +
  "export OPENROUTER_API_KEY=sk-or-..."

/** The message of a missing `OPENROUTER_API_KEY`. */
export const missingKey = (emulator: EmulatorWords): string =>
  `OPENROUTER_API_KEY is not set: ${keyHint}; to run without a key, start the local emulator (${emulator.start}), ` +
  `set OPENROUTER_BASE_URL to ${emulator.url} and OPENROUTER_API_KEY to any value`

/** The hint added to an invalid variable's message, if it has one. */
export const hintFor = (variable: string, emulator: EmulatorWords): string | undefined => {
  switch (variable) {
    case "OPENROUTER_API_KEY":
      return keyHint
    case "OPENROUTER_BASE_URL":
      return "expected an http(s) URL such as https://openrouter.ai/api/v1 (the default when the variable is unset), " +
        `or ${emulator.urlAlone}`
    default:
      return undefined
  }
}

/** An invalid variable's message: the variable first, then the problem, then the hint. */
export const invalidVariable = (variable: string, problem: string, emulator: EmulatorWords): string => {
  const hint = hintFor(variable, emulator)
  return `${variable}: ${problem}${hint === undefined ? "" : `; ${hint}`}`
}
