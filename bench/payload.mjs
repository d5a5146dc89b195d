// Payloads shaped like real OpenRouter traffic (see shared/openrouter/WIRE.md), shared by the
// emulator (which sends them) and the worker (which checks that every client received all of it).

export { REQUEST } from "./request.mjs"

const ID = "gen-1750000000-Xb7KqZt3LpR9vWm2NcDs"
const CREATED = 1750000000
const MODEL = "openai/gpt-4o-mini"
const PROVIDER = "OpenAI"
const FINGERPRINT = "fp_34a54ae93c"

// Token-sized deltas, a few multi-byte ones so that 64-byte writes split UTF-8 sequences.
const WORDS = [
  " The",
  " quick",
  " brown",
  " fox",
  " jumps",
  " over",
  " the",
  " lazy",
  " dog",
  ".",
  " Café",
  " naïve",
  " résumé",
  " 日本",
  "語",
  " 😀",
  " emoji",
  ",",
  " and",
  " then",
  " \"quoted\"",
  " back\\slash",
  " new\nline",
  " tab\there",
  " streaming",
  " tokens",
  " arrive",
  " one",
  " by",
  " one"
]

/** The content of the i-th delta. */
export const word = (i) => WORDS[i % WORDS.length]

const PREFIX =
  `data: {"id":"${ID}","object":"chat.completion.chunk","created":${CREATED},"model":"${MODEL}","provider":"${PROVIDER}","system_fingerprint":"${FINGERPRINT}","choices":[{"index":0,"delta":{"role":"assistant","content":`
const SUFFIX = `},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}\n\n`
const ENCODED_WORDS = WORDS.map((w) => PREFIX + JSON.stringify(w) + SUFFIX)

/** The SSE text that precedes the first delta (OpenRouter sends a keep-alive comment first). */
export const STREAM_HEAD = ": OPENROUTER PROCESSING\n\n"

/** The SSE event carrying the i-th content delta. */
export const deltaEvent = (i) => ENCODED_WORDS[i % WORDS.length]

/** The SSE text after the last delta: finish chunk, usage chunk, [DONE]. */
export const streamTail = (n) =>
  `data: {"id":"${ID}","object":"chat.completion.chunk","created":${CREATED},"model":"${MODEL}","provider":"${PROVIDER}","system_fingerprint":"${FINGERPRINT}","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop","native_finish_reason":"stop","logprobs":null}]}\n\n` +
  `data: {"id":"${ID}","object":"chat.completion.chunk","created":${CREATED},"model":"${MODEL}","provider":"${PROVIDER}","system_fingerprint":"${FINGERPRINT}","choices":[],"usage":{"prompt_tokens":14,"completion_tokens":${n},"total_tokens":${
    n + 14
  },"cost":0.0001,"is_byok":false,"prompt_tokens_details":{"cached_tokens":0},"cost_details":{"upstream_inference_cost":null,"upstream_inference_prompt_cost":0.00002,"upstream_inference_completions_cost":0.00008},"completion_tokens_details":{"reasoning_tokens":0}}}\n\n` +
  "data: [DONE]\n\n"

/**
 * The stream of `n` deltas as strings of roughly `batchBytes` each, produced lazily so that a
 * 200,000-chunk stream never sits in memory at once.
 */
export function* streamBatches(n, batchBytes = 64 * 1024) {
  let batch = STREAM_HEAD
  for (let i = 0; i < n; i++) {
    batch += deltaEvent(i)
    if (batch.length >= batchBytes) {
      yield batch
      batch = ""
    }
  }
  yield batch + streamTail(n)
}

/** What a client must have seen after consuming an n-delta stream. */
export const expectedStream = (n) => {
  let chars = 0
  let bytes = Buffer.byteLength(STREAM_HEAD) + Buffer.byteLength(streamTail(n))
  const perWordBytes = ENCODED_WORDS.map((e) => Buffer.byteLength(e))
  const full = Math.floor(n / WORDS.length)
  for (let k = 0; k < WORDS.length; k++) {
    const times = full + (k < n % WORDS.length ? 1 : 0)
    chars += WORDS[k].length * times
    bytes += perWordBytes[k] * times
  }
  return { chunks: n, chars, bytes }
}

/** The assistant message of the non-streaming answer. */
export const COMPLETION_CONTENT =
  "Once upon a time, a benchmark measured how fast a client could turn bytes into objects. " +
  "It sent two thousand requests, one after another, and counted. Naïve clients were slow; 日本語 was fine."

/** A non-streaming answer as OpenRouter sends it. */
export const completionBody = () =>
  JSON.stringify({
    id: ID,
    object: "chat.completion",
    created: CREATED,
    model: MODEL,
    provider: PROVIDER,
    system_fingerprint: FINGERPRINT,
    choices: [
      {
        index: 0,
        logprobs: null,
        finish_reason: "stop",
        native_finish_reason: "stop",
        message: { role: "assistant", content: COMPLETION_CONTENT, refusal: null, reasoning: null }
      }
    ],
    usage: {
      prompt_tokens: 14,
      completion_tokens: 48,
      total_tokens: 62,
      cost: 0.0000315,
      is_byok: false,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      cost_details: {
        upstream_inference_cost: null,
        upstream_inference_prompt_cost: 0.0000021,
        upstream_inference_completions_cost: 0.0000294
      },
      completion_tokens_details: { reasoning_tokens: 0, image_tokens: 0 }
    }
  })
