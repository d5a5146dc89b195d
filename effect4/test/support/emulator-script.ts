/** A `--script` module for the emulator bin's test: every request gets a 429 with a Retry-After, then a text. */
import * as Testing from "../../src/Testing.js"

export default [Testing.error(429, { retryAfter: 0 }), Testing.completion({ content: "scripted answer" })]
