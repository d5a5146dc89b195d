/**
 * What to do about an `OPENROUTER_*` variable, in the configuration errors of both editions (a
 * newcomer's first error): a missing key names the variable and how to set it, an invalid value's
 * message begins with the variable and ends with a hint. Both editions' packages ship the emulator as
 * a command (`npx effect-openrouter-emulator`), which the hints name. No message here shows a value.
 */

const keyHint = "set it to your OpenRouter API key (create one at https://openrouter.ai/keys): " +
  "export OPENROUTER_API_KEY=sk-or-..."

/** The message of a missing `OPENROUTER_API_KEY`. */
export const missingKey: string = `OPENROUTER_API_KEY is not set: ${keyHint}; to run without a key, ` +
  "start the local emulator (npx effect-openrouter-emulator), set OPENROUTER_BASE_URL to the URL it prints " +
  "and OPENROUTER_API_KEY to any value"

/** The hint added to an invalid variable's message, if it has one. */
export const hintFor = (variable: string): string | undefined => {
  switch (variable) {
    case "OPENROUTER_API_KEY":
      return keyHint
    case "OPENROUTER_BASE_URL":
      return "expected an http(s) URL such as https://openrouter.ai/api/v1 (the default when the variable is unset), " +
        "or the URL npx effect-openrouter-emulator prints"
    default:
      return undefined
  }
}

/** An invalid variable's message: the variable first, then the problem, then the hint. */
export const invalidVariable = (variable: string, problem: string): string => {
  const hint = hintFor(variable)
  return `${variable}: ${problem}${hint === undefined ? "" : `; ${hint}`}`
}
