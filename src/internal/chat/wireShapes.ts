/**
 * The wire fields that the shared Effect-free files read, as plain TypeScript types. Effect-free and
 * edition-free: both editions compile the shared files from this one source, so the shared files
 * cannot name either edition's `Schema` module. Each edition's decoded types (`Schema.ChatResponse`,
 * `Schema.ChatStreamChunk`, `Schema.Usage`, ...) are assignable to these shapes; a shared function
 * that returns a wire value takes the edition's type as a type parameter instead.
 */

/** What is read of `usage`: every number is checked before use, so the fields are `unknown`. */
export interface UsageShape {
  readonly prompt_tokens?: unknown
  readonly completion_tokens?: unknown
  readonly cost?: unknown
  readonly prompt_tokens_details?:
    | {
      readonly cached_tokens?: unknown
      readonly cache_write_tokens?: unknown
    }
    | null
    | undefined
  readonly completion_tokens_details?: { readonly reasoning_tokens?: unknown } | null | undefined
}

/** The envelope fields common to a response and a stream chunk. */
export interface EnvelopeShape {
  readonly id?: string | null | undefined
  readonly model?: string | null | undefined
  readonly provider?: string | null | undefined
  readonly usage?: UsageShape | null | undefined
}

/** A stream chunk's delta: every field is tested for presence only. */
export interface DeltaShape {
  readonly content?: unknown
  readonly reasoning?: unknown
  readonly reasoning_details?: unknown
  readonly tool_calls?: unknown
  readonly refusal?: unknown
  readonly images?: unknown
  readonly audio?: unknown
  readonly annotations?: unknown
}

/** A stream chunk (`chat.completion.chunk`). */
export interface ChunkShape extends EnvelopeShape {
  readonly choices: ReadonlyArray<{
    readonly index?: unknown
    readonly finish_reason?: unknown
    readonly delta?: DeltaShape | null | undefined
  }>
}

/** A response (`chat.completion`). */
export interface ResponseShape extends EnvelopeShape {
  readonly choices: ReadonlyArray<{
    readonly finish_reason?: unknown
    readonly message?: unknown
  }>
}

/**
 * An error of the library, as the shared retry bookkeeping reads it: a tagged error whose class
 * constructor takes its fields and a `disableValidation` flag (`Schema.TaggedError` in Effect 3,
 * `Schema.TaggedErrorClass` in Effect 4).
 */
export interface TaggedErrorShape {
  readonly _tag: string
  readonly message: string
  readonly stack?: string | undefined
}

/**
 * The `type` tags of the reasoning blocks both editions' `Schema` decode member by member; any other
 * tag decodes as `ReasoningDetailOther`.
 *
 * @internal
 */
export const knownReasoningDetailTypes: ReadonlyArray<string> = [
  "reasoning.summary",
  "reasoning.encrypted",
  "reasoning.text",
  "reasoning.server_tool_call"
]

/**
 * The `type` tags of the content parts both editions' `Schema` decode member by member; any other tag
 * decodes as `OtherContentPart`.
 *
 * @internal
 */
export const knownContentPartTypes: ReadonlyArray<string> = [
  "text",
  "image_url",
  "input_audio",
  "video_url",
  "input_video",
  "file"
]
