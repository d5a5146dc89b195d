/**
 * Schemas for OpenRouter's `POST /chat/completions`: the request body, the
 * response, the stream chunk and the error body, with wire (snake_case) field
 * names.
 *
 * Every object schema keeps fields it does not know (`onExcessProperty:
 * "preserve"` is set on each struct): the service accepts request fields the
 * spec does not list, and sends response fields nobody has documented yet.
 *
 * - Request schemas validate what the spec constrains (ranges, enums, lengths).
 * - Response schemas are tolerant: nearly every field is optional and nullable,
 *   enums such as `finish_reason` are open (an unknown value is kept), and
 *   only `choices` is required.
 * - Response decoding never throws a billed answer away over a field the caller
 *   can do without: a field whose value has an unexpected type is taken out of
 *   its place (so every typed field can be trusted) and kept, as it arrived, in
 *   the body's `invalidFields` list, with its path; the client logs each one at
 *   debug level. Only the essential fields (`essentialResponseFields`,
 *   `essentialChunkFields`: `choices`, the answer's text, its tool calls, an
 *   `error`) must match, or the call fails with `ResponseDecodeError`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert"
 * import { Either, Schema } from "effect"
 * import { Schema as OpenRouter } from "effect-openrouter"
 *
 * // A request is checked as Chat.send checks it, with the API's own (snake_case) field names.
 * const ok = Schema.decodeUnknownEither(OpenRouter.ChatRequest)({
 *   model: "openai/gpt-4o-mini",
 *   messages: [{ role: "user", content: "Hi" }],
 *   max_tokens: 100
 * })
 * strictEqual(Either.isRight(ok), true)
 * const bad = Schema.decodeUnknownEither(OpenRouter.ChatRequest)({ messages: [], temperature: 3 })
 * strictEqual(Either.isLeft(bad), true)
 *
 * // A response keeps the fields nobody documented yet, and only `choices` is required.
 * const response = Schema.decodeUnknownSync(OpenRouter.ChatResponse)({ choices: [], new_field: { x: 1 } })
 * deepStrictEqual(response.choices, [])
 * deepStrictEqual((response as Record<string, unknown>)["new_field"], { x: 1 })
 * ```
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Decode from "./internal/chat/decode.js"
import * as Essentials from "./internal/chat/invalidFields.js"
import { knownContentPartTypes, knownReasoningDetailTypes } from "./internal/chat/wireShapes.js"
import { describeThrown } from "./internal/transport/snapshot.js"

// ---------------------------------------------------------------------------
// building blocks
// ---------------------------------------------------------------------------

const preserveExcess = { onExcessProperty: "preserve" } as const

/** A struct that keeps unknown fields when decoded or encoded. */
const Obj = <Fields extends Schema.Struct.Fields>(identifier: string, fields: Fields): Schema.Struct<Fields> =>
  Schema.Struct(fields).annotations({ identifier, parseOptions: preserveExcess })

/** An optional field that may also be `null` (providers send both). */
const nullish = <S extends Schema.Schema.All>(schema: S) => Schema.optional(Schema.NullOr(schema))

/**
 * An open enum: the known values are listed (they show up in the AST and in
 * generated data), any other string is accepted and kept.
 */
const openEnum = <const Known extends ReadonlyArray<string>>(...known: Known) =>
  Schema.Union(Schema.Literal(...known), Schema.String)

/** A string tag that is none of the given known tags (the catch-all member of a tolerant union). */
const otherTag = (known: ReadonlyArray<string>) => {
  const set = new Set(known)
  return Schema.String.pipe(
    Schema.filter((s) => !set.has(s), { message: () => `a tag other than ${known.join(", ")}` })
  )
}

const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })

const between = (min: number, max: number) => Schema.Number.pipe(Schema.between(min, max))
const intBetween = (min: number, max: number) => Schema.Int.pipe(Schema.between(min, max))

// ---------------------------------------------------------------------------
// request: content parts
// ---------------------------------------------------------------------------

/**
 * Anthropic-style cache breakpoint (`{type: "ephemeral", ttl?: "5m" | "1h"}`),
 * on a content part, a tool, or the whole request.
 *
 * @since 0.1.0
 * @category content parts
 */
export const CacheControl = Obj("CacheControl", {
  type: Schema.Literal("ephemeral"),
  ttl: Schema.optional(Schema.Literal("5m", "1h"))
})
/**
 * The type that {@link CacheControl} decodes to.
 *
 * @since 0.1.0
 * @category content parts
 */
export interface CacheControl extends Schema.Schema.Type<typeof CacheControl> {}

/**
 * OpenAI-style cache breakpoint marker, interchangeable with `cache_control`.
 *
 * @since 0.1.0
 * @category content parts
 */
export const PromptCacheBreakpoint = Obj("PromptCacheBreakpoint", {
  mode: Schema.Literal("explicit")
})
/**
 * The type that {@link PromptCacheBreakpoint} decodes to.
 *
 * @since 0.1.0
 * @category content parts
 */
export interface PromptCacheBreakpoint extends Schema.Schema.Type<typeof PromptCacheBreakpoint> {}

/**
 * A text part, optionally marked as a cache breakpoint.
 *
 * @since 0.1.0
 * @category content parts
 */
export const TextPart = Obj("TextPart", {
  type: Schema.Literal("text"),
  text: Schema.String,
  cache_control: Schema.optional(CacheControl),
  prompt_cache_breakpoint: nullish(PromptCacheBreakpoint)
})
/**
 * The type that {@link TextPart} decodes to.
 *
 * @since 0.1.0
 * @category content parts
 */
export interface TextPart extends Schema.Schema.Type<typeof TextPart> {}

/**
 * An image, by URL or `data:` URL.
 *
 * @since 0.1.0
 * @category content parts
 */
export const ImagePart = Obj("ImagePart", {
  type: Schema.Literal("image_url"),
  image_url: Obj("ImageUrl", {
    url: Schema.String,
    detail: Schema.optional(Schema.Literal("auto", "low", "high", "original"))
  })
})
/**
 * The type that {@link ImagePart} decodes to.
 *
 * @since 0.1.0
 * @category content parts
 */
export interface ImagePart extends Schema.Schema.Type<typeof ImagePart> {}

/**
 * Base64 audio input (`format`: wav, mp3, flac, ... depending on the provider).
 *
 * @since 0.1.0
 * @category content parts
 */
export const AudioPart = Obj("AudioPart", {
  type: Schema.Literal("input_audio"),
  input_audio: Obj("InputAudio", { data: Schema.String, format: Schema.String })
})
/**
 * The type that {@link AudioPart} decodes to.
 *
 * @since 0.1.0
 * @category content parts
 */
export interface AudioPart extends Schema.Schema.Type<typeof AudioPart> {}

const VideoUrl = Obj("VideoUrl", { url: Schema.String })

/**
 * A video, by URL or `data:` URL.
 *
 * @since 0.1.0
 * @category content parts
 */
export const VideoPart = Obj("VideoPart", {
  type: Schema.Literal("video_url"),
  video_url: VideoUrl
})
/**
 * The type that {@link VideoPart} decodes to.
 *
 * @since 0.1.0
 * @category content parts
 */
export interface VideoPart extends Schema.Schema.Type<typeof VideoPart> {}

/**
 * The deprecated spelling of a video part (`type: "input_video"`).
 *
 * @since 0.1.0
 * @category content parts
 */
export const LegacyVideoPart = Obj("LegacyVideoPart", {
  type: Schema.Literal("input_video"),
  video_url: VideoUrl
})
/**
 * The type that {@link LegacyVideoPart} decodes to.
 *
 * @since 0.1.0
 * @category content parts
 */
export interface LegacyVideoPart extends Schema.Schema.Type<typeof LegacyVideoPart> {}

/**
 * A document: base64 data URL or URL (`file_data`), or a previously uploaded `file_id`.
 *
 * @since 0.1.0
 * @category content parts
 */
export const FilePart = Obj("FilePart", {
  type: Schema.Literal("file"),
  file: Obj("FileInput", {
    file_data: Schema.optional(Schema.String),
    file_id: Schema.optional(Schema.String),
    filename: Schema.optional(Schema.String)
  })
})
/**
 * The type that {@link FilePart} decodes to.
 *
 * @since 0.1.0
 * @category content parts
 */
export interface FilePart extends Schema.Schema.Type<typeof FilePart> {}

/**
 * A content part of a user, assistant or tool message, discriminated by `type`.
 *
 * @since 0.1.0
 * @category content parts
 */
export const ContentPart = Schema.Union(TextPart, ImagePart, AudioPart, VideoPart, LegacyVideoPart, FilePart)
/**
 * The type that {@link ContentPart} decodes to.
 *
 * @since 0.1.0
 * @category content parts
 */
export type ContentPart = typeof ContentPart.Type

// ---------------------------------------------------------------------------
// shared by request and response: reasoning details, images, audio
// ---------------------------------------------------------------------------

const reasoningDetailFields = {
  id: nullish(Schema.String),
  format: nullish(openEnum(
    "unknown",
    "openai-responses-v1",
    "azure-openai-responses-v1",
    "bedrock-openai-responses-v1",
    "bedrock-xai-responses-v1",
    "xai-responses-v1",
    "meta-responses-v1",
    "anthropic-claude-v1",
    "google-gemini-v1"
  )),
  index: nullish(Schema.Number)
}

/**
 * A reasoning summary block.
 *
 * @since 0.1.0
 * @category reasoning
 */
export const ReasoningDetailSummary = Obj("ReasoningDetailSummary", {
  type: Schema.Literal("reasoning.summary"),
  summary: nullish(Schema.String),
  ...reasoningDetailFields
})
/**
 * The type that {@link ReasoningDetailSummary} decodes to.
 *
 * @since 0.1.0
 * @category reasoning
 */
export interface ReasoningDetailSummary extends Schema.Schema.Type<typeof ReasoningDetailSummary> {}

/**
 * An encrypted (redacted) reasoning block; send it back unchanged to continue the reasoning.
 *
 * @since 0.1.0
 * @category reasoning
 */
export const ReasoningDetailEncrypted = Obj("ReasoningDetailEncrypted", {
  type: Schema.Literal("reasoning.encrypted"),
  data: nullish(Schema.String),
  ...reasoningDetailFields
})
/**
 * The type that {@link ReasoningDetailEncrypted} decodes to.
 *
 * @since 0.1.0
 * @category reasoning
 */
export interface ReasoningDetailEncrypted extends Schema.Schema.Type<typeof ReasoningDetailEncrypted> {}

/**
 * A plain-text reasoning block, with the provider's signature when there is one.
 *
 * @since 0.1.0
 * @category reasoning
 */
export const ReasoningDetailText = Obj("ReasoningDetailText", {
  type: Schema.Literal("reasoning.text"),
  text: nullish(Schema.String),
  signature: nullish(Schema.String),
  ...reasoningDetailFields
})
/**
 * The type that {@link ReasoningDetailText} decodes to.
 *
 * @since 0.1.0
 * @category reasoning
 */
export interface ReasoningDetailText extends Schema.Schema.Type<typeof ReasoningDetailText> {}

/**
 * A server-side tool call made during reasoning (e.g. `openrouter:fusion`).
 *
 * @since 0.1.0
 * @category reasoning
 */
export const ReasoningDetailServerToolCall = Obj("ReasoningDetailServerToolCall", {
  type: Schema.Literal("reasoning.server_tool_call"),
  tool_name: nullish(Schema.String),
  tool_call_id: nullish(Schema.String),
  arguments: nullish(Schema.String),
  result: nullish(Schema.String),
  ...reasoningDetailFields
})
/**
 * The type that {@link ReasoningDetailServerToolCall} decodes to.
 *
 * @since 0.1.0
 * @category reasoning
 */
export interface ReasoningDetailServerToolCall extends Schema.Schema.Type<typeof ReasoningDetailServerToolCall> {}

/**
 * A reasoning block of a type this library does not know yet: kept as received.
 *
 * @since 0.1.0
 * @category reasoning
 */
export const ReasoningDetailOther = Obj("ReasoningDetailOther", {
  type: otherTag(knownReasoningDetailTypes),
  ...reasoningDetailFields
})
/**
 * The type that {@link ReasoningDetailOther} decodes to.
 *
 * @since 0.1.0
 * @category reasoning
 */
export interface ReasoningDetailOther extends Schema.Schema.Type<typeof ReasoningDetailOther> {}

/**
 * One structured reasoning block, discriminated by `type`. Tolerant: an
 * unknown `type` decodes as {@link ReasoningDetailOther}, so reasoning from a
 * response can always be sent back in the next request.
 *
 * @since 0.1.0
 * @category reasoning
 */
export const ReasoningDetail = Schema.Union(
  ReasoningDetailSummary,
  ReasoningDetailEncrypted,
  ReasoningDetailText,
  ReasoningDetailServerToolCall,
  ReasoningDetailOther
)
/**
 * The type that {@link ReasoningDetail} decodes to.
 *
 * @since 0.1.0
 * @category reasoning
 */
export type ReasoningDetail = typeof ReasoningDetail.Type

/**
 * An image generated by the model (`image_url.url` is usually a `data:` URL).
 *
 * @since 0.1.0
 * @category response
 */
export const GeneratedImage = Obj("GeneratedImage", {
  type: nullish(Schema.String),
  image_url: nullish(Obj("GeneratedImageUrl", { url: nullish(Schema.String) })),
  index: nullish(Schema.Number)
})
/**
 * The type that {@link GeneratedImage} decodes to.
 *
 * @since 0.1.0
 * @category response
 */
export interface GeneratedImage extends Schema.Schema.Type<typeof GeneratedImage> {}

/**
 * Audio generated by the model.
 *
 * @since 0.1.0
 * @category response
 */
export const AudioOutput = Obj("AudioOutput", {
  id: nullish(Schema.String),
  data: nullish(Schema.String),
  expires_at: nullish(Schema.Number),
  transcript: nullish(Schema.String)
})
/**
 * The type that {@link AudioOutput} decodes to.
 *
 * @since 0.1.0
 * @category response
 */
export interface AudioOutput extends Schema.Schema.Type<typeof AudioOutput> {}

// ---------------------------------------------------------------------------
// request: messages
// ---------------------------------------------------------------------------

const textContent = Schema.Union(Schema.String, Schema.Array(TextPart))
const partsContent = Schema.Union(Schema.String, Schema.Array(ContentPart))

/**
 * Instructions that set the model's behaviour.
 *
 * @since 0.1.0
 * @category messages
 */
export const SystemMessage = Obj("SystemMessage", {
  role: Schema.Literal("system"),
  content: textContent,
  name: Schema.optional(Schema.String)
})
/**
 * The type that {@link SystemMessage} decodes to.
 *
 * @since 0.1.0
 * @category messages
 */
export interface SystemMessage extends Schema.Schema.Type<typeof SystemMessage> {}

/**
 * Instructions from the developer (the newer spelling of a system message).
 *
 * @since 0.1.0
 * @category messages
 */
export const DeveloperMessage = Obj("DeveloperMessage", {
  role: Schema.Literal("developer"),
  content: textContent,
  name: Schema.optional(Schema.String)
})
/**
 * The type that {@link DeveloperMessage} decodes to.
 *
 * @since 0.1.0
 * @category messages
 */
export interface DeveloperMessage extends Schema.Schema.Type<typeof DeveloperMessage> {}

/**
 * A user turn: a string or a list of content parts.
 *
 * @since 0.1.0
 * @category messages
 */
export const UserMessage = Obj("UserMessage", {
  role: Schema.Literal("user"),
  content: partsContent,
  name: Schema.optional(Schema.String)
})
/**
 * The type that {@link UserMessage} decodes to.
 *
 * @since 0.1.0
 * @category messages
 */
export interface UserMessage extends Schema.Schema.Type<typeof UserMessage> {}

/**
 * A tool call made by the assistant, as sent back in the conversation history.
 *
 * @since 0.1.0
 * @category messages
 */
export const ToolCall = Obj("ToolCall", {
  id: Schema.String,
  type: Schema.Literal("function"),
  function: Obj("ToolCallFunction", { name: Schema.String, arguments: Schema.String })
})
/**
 * The type that {@link ToolCall} decodes to.
 *
 * @since 0.1.0
 * @category messages
 */
export interface ToolCall extends Schema.Schema.Type<typeof ToolCall> {}

/**
 * An assistant turn in the conversation history. `content` may be `null`
 * (a turn that only calls tools); reasoning fields from a response can be sent
 * back as they came.
 *
 * @since 0.1.0
 * @category messages
 */
export const AssistantMessage = Obj("AssistantMessage", {
  role: Schema.Literal("assistant"),
  content: Schema.optional(Schema.NullOr(partsContent)),
  name: Schema.optional(Schema.String),
  model: Schema.optional(Schema.String),
  tool_calls: Schema.optional(Schema.Array(ToolCall)),
  reasoning: nullish(Schema.String),
  reasoning_details: Schema.optional(Schema.Array(ReasoningDetail)),
  refusal: nullish(Schema.String),
  images: Schema.optional(Schema.Array(GeneratedImage)),
  audio: Schema.optional(AudioOutput)
})
/**
 * The type that {@link AssistantMessage} decodes to.
 *
 * @since 0.1.0
 * @category messages
 */
export interface AssistantMessage extends Schema.Schema.Type<typeof AssistantMessage> {}

/**
 * The result of a tool call; `tool_call_id` names the call it answers.
 *
 * @since 0.1.0
 * @category messages
 */
export const ToolMessage = Obj("ToolMessage", {
  role: Schema.Literal("tool"),
  content: partsContent,
  tool_call_id: Schema.String
})
/**
 * The type that {@link ToolMessage} decodes to.
 *
 * @since 0.1.0
 * @category messages
 */
export interface ToolMessage extends Schema.Schema.Type<typeof ToolMessage> {}

/**
 * A message of the conversation, discriminated by `role`.
 *
 * @since 0.1.0
 * @category messages
 */
export const Message = Schema.Union(SystemMessage, DeveloperMessage, UserMessage, AssistantMessage, ToolMessage)
/**
 * The type that {@link Message} decodes to.
 *
 * @since 0.1.0
 * @category messages
 */
export type Message = typeof Message.Type

// ---------------------------------------------------------------------------
// request: tools
// ---------------------------------------------------------------------------

/**
 * A function the model may call; `parameters` is a JSON Schema object.
 *
 * @since 0.1.0
 * @category tools
 */
export const FunctionTool = Obj("FunctionTool", {
  type: Schema.Literal("function"),
  function: Obj("FunctionDefinition", {
    name: Schema.String.pipe(Schema.maxLength(64)),
    description: Schema.optional(Schema.String),
    parameters: Schema.optional(JsonObject),
    strict: nullish(Schema.Boolean)
  }),
  cache_control: Schema.optional(CacheControl)
})
/**
 * The type that {@link FunctionTool} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface FunctionTool extends Schema.Schema.Type<typeof FunctionTool> {}

const ReasoningEffort = Schema.Literal("max", "xhigh", "high", "medium", "low", "minimal", "none")

const ToolReasoning = Obj("ToolReasoning", {
  effort: Schema.optional(ReasoningEffort),
  max_tokens: Schema.optional(Schema.Int)
})

const ToolName = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64), Schema.pattern(/^[a-zA-Z0-9 _-]+$/))

const NestedServerTool = Obj("NestedServerTool", {
  type: Schema.String,
  parameters: Schema.optional(JsonObject)
})

/**
 * Server tool `openrouter:advisor`: consult another model for a plan.
 *
 * @since 0.1.0
 * @category tools
 */
export const AdvisorServerTool = Obj("AdvisorServerTool", {
  type: Schema.Literal("openrouter:advisor"),
  parameters: Schema.optional(Obj("AdvisorServerToolConfig", {
    forward_transcript: Schema.optional(Schema.Boolean),
    instructions: Schema.optional(Schema.String),
    max_completion_tokens: Schema.optional(Schema.Int),
    model: Schema.optional(Schema.String),
    name: Schema.optional(ToolName),
    reasoning: Schema.optional(ToolReasoning),
    stream: Schema.optional(Schema.Boolean),
    temperature: Schema.optional(Schema.Number)
  }))
})
/**
 * The type that {@link AdvisorServerTool} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface AdvisorServerTool extends Schema.Schema.Type<typeof AdvisorServerTool> {}

/**
 * Server tool `openrouter:bash`: run shell commands in a sandbox container.
 *
 * @since 0.1.0
 * @category tools
 */
export const BashServerTool = Obj("BashServerTool", {
  type: Schema.Literal("openrouter:bash"),
  parameters: Schema.optional(Obj("BashServerToolConfig", {
    engine: Schema.optional(Schema.Literal("auto", "native", "openrouter")),
    environment: Schema.optional(Schema.Union(
      Obj("ContainerAutoEnvironment", { type: Schema.Literal("container_auto") }),
      Obj("ContainerReferenceEnvironment", {
        type: Schema.Literal("container_reference"),
        container_id: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(20), Schema.pattern(/^[\w-]+$/))
      })
    )),
    sleep_after_seconds: Schema.optional(Schema.Int)
  }))
})
/**
 * The type that {@link BashServerTool} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface BashServerTool extends Schema.Schema.Type<typeof BashServerTool> {}

/**
 * Server tool `openrouter:datetime`: the current date and time.
 *
 * @since 0.1.0
 * @category tools
 */
export const DatetimeServerTool = Obj("DatetimeServerTool", {
  type: Schema.Literal("openrouter:datetime"),
  parameters: Schema.optional(Obj("DatetimeServerToolConfig", { timezone: Schema.optional(Schema.String) }))
})
/**
 * The type that {@link DatetimeServerTool} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface DatetimeServerTool extends Schema.Schema.Type<typeof DatetimeServerTool> {}

/**
 * Server tool `openrouter:files`.
 *
 * @since 0.1.0
 * @category tools
 */
export const FilesServerTool = Obj("FilesServerTool", {
  type: Schema.Literal("openrouter:files"),
  parameters: Schema.optional(JsonObject)
})
/**
 * The type that {@link FilesServerTool} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface FilesServerTool extends Schema.Schema.Type<typeof FilesServerTool> {}

/**
 * Server tool `openrouter:fusion`: ask several models and fuse their answers.
 *
 * @since 0.1.0
 * @category tools
 */
export const FusionServerTool = Obj("FusionServerTool", {
  type: Schema.Literal("openrouter:fusion"),
  parameters: Schema.optional(Obj("FusionServerToolConfig", {
    analysis_models: Schema.optional(Schema.Array(Schema.String).pipe(Schema.minItems(1), Schema.maxItems(8))),
    cache_control: Schema.optional(CacheControl),
    max_completion_tokens: Schema.optional(Schema.Int),
    max_tool_calls: Schema.optional(intBetween(1, 16)),
    model: Schema.optional(Schema.String),
    reasoning: Schema.optional(ToolReasoning),
    temperature: Schema.optional(Schema.Number),
    tools: Schema.optional(Schema.Array(NestedServerTool).pipe(Schema.maxItems(8)))
  }))
})
/**
 * The type that {@link FusionServerTool} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface FusionServerTool extends Schema.Schema.Type<typeof FusionServerTool> {}

/**
 * Server tool `openrouter:image_generation`; extra parameters go to the image model.
 *
 * @since 0.1.0
 * @category tools
 */
export const ImageGenerationServerTool = Obj("ImageGenerationServerTool", {
  type: Schema.Literal("openrouter:image_generation"),
  parameters: Schema.optional(
    Schema.Struct(
      { model: Schema.optional(Schema.String) },
      Schema.Record({
        key: Schema.String,
        value: Schema.Union(Schema.String, Schema.Number, Schema.Array(Schema.Unknown))
      })
    ).annotations({ identifier: "ImageGenerationServerToolConfig", parseOptions: preserveExcess })
  )
})
/**
 * The type that {@link ImageGenerationServerTool} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface ImageGenerationServerTool extends Schema.Schema.Type<typeof ImageGenerationServerTool> {}

/**
 * Server tool `openrouter:experimental__search_models`: search the model catalogue.
 *
 * @since 0.1.0
 * @category tools
 */
export const SearchModelsServerTool = Obj("SearchModelsServerTool", {
  type: Schema.Literal("openrouter:experimental__search_models"),
  parameters: Schema.optional(Obj("SearchModelsServerToolConfig", { max_results: Schema.optional(Schema.Int) }))
})
/**
 * The type that {@link SearchModelsServerTool} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface SearchModelsServerTool extends Schema.Schema.Type<typeof SearchModelsServerTool> {}

/**
 * Server tool `openrouter:subagent`: delegate a task to another model.
 *
 * @since 0.1.0
 * @category tools
 */
export const SubagentServerTool = Obj("SubagentServerTool", {
  type: Schema.Literal("openrouter:subagent"),
  parameters: Schema.optional(Obj("SubagentServerToolConfig", {
    inherit_functions: Schema.optional(Schema.Boolean),
    inherited_function_names: Schema.optional(Schema.Array(Schema.String.pipe(Schema.minLength(1)))),
    instructions: Schema.optional(Schema.String),
    max_completion_tokens: Schema.optional(Schema.Int),
    max_tool_calls: Schema.optional(intBetween(1, 25)),
    model: Schema.optional(Schema.String),
    name: Schema.optional(ToolName),
    reasoning: Schema.optional(ToolReasoning),
    temperature: Schema.optional(Schema.Number),
    tools: Schema.optional(Schema.Array(NestedServerTool))
  }))
})
/**
 * The type that {@link SubagentServerTool} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface SubagentServerTool extends Schema.Schema.Type<typeof SubagentServerTool> {}

/**
 * Server tool `openrouter:web_fetch`: fetch web pages.
 *
 * @since 0.1.0
 * @category tools
 */
export const WebFetchServerTool = Obj("WebFetchServerTool", {
  type: Schema.Literal("openrouter:web_fetch"),
  parameters: Schema.optional(Obj("WebFetchServerToolConfig", {
    allowed_domains: Schema.optional(Schema.Array(Schema.String)),
    blocked_domains: Schema.optional(Schema.Array(Schema.String)),
    engine: Schema.optional(Schema.Literal("auto", "native", "openrouter", "exa", "parallel", "firecrawl")),
    max_content_tokens: Schema.optional(Schema.Int),
    max_uses: Schema.optional(Schema.Int)
  }))
})
/**
 * The type that {@link WebFetchServerTool} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface WebFetchServerTool extends Schema.Schema.Type<typeof WebFetchServerTool> {}

const WebSearchMode = Schema.Literal(
  "instant",
  "fast",
  "auto",
  "deep-lite",
  "deep",
  "deep-reasoning",
  "turbo",
  "basic",
  "advanced"
)

const nullableString = nullish(Schema.String)

/**
 * Approximate user location to localise web search results.
 *
 * @since 0.1.0
 * @category tools
 */
export const WebSearchUserLocation = Obj("WebSearchUserLocation", {
  type: Schema.optional(Schema.Literal("approximate")),
  city: nullableString,
  country: nullableString,
  region: nullableString,
  timezone: nullableString
})
/**
 * The type that {@link WebSearchUserLocation} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface WebSearchUserLocation extends Schema.Schema.Type<typeof WebSearchUserLocation> {}

const webSearchConfigFields = {
  allowed_domains: Schema.optional(Schema.Array(Schema.String)),
  excluded_domains: Schema.optional(Schema.Array(Schema.String)),
  engine: Schema.optional(Schema.Literal("native", "exa", "parallel", "firecrawl", "perplexity", "auto")),
  max_characters: Schema.optional(Schema.Int),
  max_results: Schema.optional(Schema.Int),
  max_total_results: Schema.optional(Schema.Int),
  max_uses: Schema.optional(Schema.Int),
  mode: Schema.optional(WebSearchMode),
  search_context_size: Schema.optional(Schema.Literal("low", "medium", "high")),
  user_location: Schema.optional(WebSearchUserLocation)
}

/**
 * Settings of the web search server tool.
 *
 * @since 0.1.0
 * @category tools
 */
export const WebSearchConfig = Obj("WebSearchConfig", webSearchConfigFields)
/**
 * The type that {@link WebSearchConfig} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface WebSearchConfig extends Schema.Schema.Type<typeof WebSearchConfig> {}

/**
 * Server tool `openrouter:web_search`.
 *
 * @since 0.1.0
 * @category tools
 */
export const WebSearchServerTool = Obj("WebSearchServerTool", {
  type: Schema.Literal("openrouter:web_search"),
  parameters: Schema.optional(WebSearchConfig)
})
/**
 * The type that {@link WebSearchServerTool} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface WebSearchServerTool extends Schema.Schema.Type<typeof WebSearchServerTool> {}

/**
 * OpenAI-style web search shorthand (`type: "web_search"`, `"web_search_preview"`, ...),
 * with the settings inline or under `parameters`.
 *
 * @since 0.1.0
 * @category tools
 */
export const WebSearchShorthandTool = Obj("WebSearchShorthandTool", {
  type: Schema.Literal("web_search", "web_search_preview", "web_search_preview_2025_03_11", "web_search_2025_08_26"),
  parameters: Schema.optional(WebSearchConfig),
  ...webSearchConfigFields
})
/**
 * The type that {@link WebSearchShorthandTool} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface WebSearchShorthandTool extends Schema.Schema.Type<typeof WebSearchShorthandTool> {}

const knownTools = [
  FunctionTool,
  AdvisorServerTool,
  BashServerTool,
  DatetimeServerTool,
  FilesServerTool,
  FusionServerTool,
  ImageGenerationServerTool,
  SearchModelsServerTool,
  SubagentServerTool,
  WebFetchServerTool,
  WebSearchServerTool,
  WebSearchShorthandTool
] as const

const knownToolTypes = knownTools.flatMap((member) => member.fields.type.literals as ReadonlyArray<string>)

/**
 * A tool of a type this version does not know yet (a server tool OpenRouter added later): sent as
 * given, so new tools work before the schema learns them. A known `type` never matches it, so known
 * tools keep their full validation.
 *
 * @since 0.1.0
 * @category tools
 */
export const OtherTool = Obj("OtherTool", { type: otherTag(knownToolTypes) })
/**
 * The type that {@link OtherTool} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface OtherTool extends Schema.Schema.Type<typeof OtherTool> {}

/**
 * A tool the model may use: a function (run by the caller) or an OpenRouter
 * server tool (run by OpenRouter), discriminated by `type`; a `type` this version
 * does not know is sent as given ({@link OtherTool}).
 *
 * @since 0.1.0
 * @category tools
 */
export const Tool = Schema.Union(...knownTools, OtherTool)
/**
 * The type that {@link Tool} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export type Tool = typeof Tool.Type

/**
 * Forces a call of the named function.
 *
 * @since 0.1.0
 * @category tools
 */
export const NamedToolChoice = Obj("NamedToolChoice", {
  type: Schema.Literal("function"),
  function: Obj("NamedToolChoiceFunction", { name: Schema.String })
})
/**
 * The type that {@link NamedToolChoice} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface NamedToolChoice extends Schema.Schema.Type<typeof NamedToolChoice> {}

/**
 * Forces the use of a server tool, e.g. `{type: "openrouter:web_search"}`.
 *
 * @since 0.1.0
 * @category tools
 */
export const ServerToolChoice = Obj("ServerToolChoice", { type: Schema.String })
/**
 * The type that {@link ServerToolChoice} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export interface ServerToolChoice extends Schema.Schema.Type<typeof ServerToolChoice> {}

/**
 * Which tool, if any, the model must call: `"none"`, `"auto"`, `"required"`,
 * a named function or a server tool.
 *
 * @since 0.1.0
 * @category tools
 */
export const ToolChoice = Schema.Union(Schema.Literal("none", "auto", "required"), NamedToolChoice, ServerToolChoice)
/**
 * The type that {@link ToolChoice} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export type ToolChoice = typeof ToolChoice.Type

const stopCondition = <const Tag extends string, Fields extends Schema.Struct.Fields>(tag: Tag, fields: Fields) =>
  Obj(`StopServerToolsWhen(${tag})`, { type: Schema.Literal(tag), ...fields })

/**
 * A condition that stops the server-tool loop (step count, a tool call, tokens, cost, finish reason).
 *
 * @since 0.1.0
 * @category tools
 */
export const StopServerToolsCondition = Schema.Union(
  stopCondition("step_count_is", { step_count: Schema.Int }),
  stopCondition("has_tool_call", { tool_name: Schema.String.pipe(Schema.minLength(1)) }),
  stopCondition("max_tokens_used", { max_tokens: Schema.Int }),
  stopCondition("max_cost", { max_cost_in_dollars: Schema.Number }),
  stopCondition("finish_reason_is", { reason: Schema.String.pipe(Schema.minLength(1)) })
)
/**
 * The type that {@link StopServerToolsCondition} decodes to.
 *
 * @since 0.1.0
 * @category tools
 */
export type StopServerToolsCondition = typeof StopServerToolsCondition.Type

// ---------------------------------------------------------------------------
// request: plugins
// ---------------------------------------------------------------------------

const modelPatterns = Schema.Array(Schema.String.pipe(Schema.maxLength(1024))).pipe(Schema.maxItems(1024))

const autoRouterFields = {
  allowed_models: Schema.optional(modelPatterns),
  excluded_models: Schema.optional(modelPatterns),
  cost_quality_tradeoff: Schema.optional(intBetween(0, 10)),
  cost_tier: Schema.optional(Schema.Literal("low", "medium", "high", "xhigh", "max")),
  enabled: Schema.optional(Schema.Boolean)
}

/**
 * Plugin `auto-router`: let OpenRouter pick the model.
 *
 * @since 0.1.0
 * @category plugins
 */
export const AutoRouterPlugin = Obj("AutoRouterPlugin", {
  id: Schema.Literal("auto-router"),
  ...autoRouterFields,
  pin_model: Schema.optional(Schema.Boolean)
})
/**
 * The type that {@link AutoRouterPlugin} decodes to.
 *
 * @since 0.1.0
 * @category plugins
 */
export interface AutoRouterPlugin extends Schema.Schema.Type<typeof AutoRouterPlugin> {}

/**
 * Plugin `auto-beta-router`: the beta model router.
 *
 * @since 0.1.0
 * @category plugins
 */
export const AutoBetaRouterPlugin = Obj("AutoBetaRouterPlugin", {
  id: Schema.Literal("auto-beta-router"),
  ...autoRouterFields
})
/**
 * The type that {@link AutoBetaRouterPlugin} decodes to.
 *
 * @since 0.1.0
 * @category plugins
 */
export interface AutoBetaRouterPlugin extends Schema.Schema.Type<typeof AutoBetaRouterPlugin> {}

/**
 * Plugin `moderation`.
 *
 * @since 0.1.0
 * @category plugins
 */
export const ModerationPlugin = Obj("ModerationPlugin", { id: Schema.Literal("moderation") })
/**
 * The type that {@link ModerationPlugin} decodes to.
 *
 * @since 0.1.0
 * @category plugins
 */
export interface ModerationPlugin extends Schema.Schema.Type<typeof ModerationPlugin> {}

/**
 * Plugin `web`: augment the prompt with web search results.
 *
 * @since 0.1.0
 * @category plugins
 */
export const WebSearchPlugin = Obj("WebSearchPlugin", {
  id: Schema.Literal("web"),
  enabled: Schema.optional(Schema.Boolean),
  engine: Schema.optional(Schema.Literal("native", "exa", "firecrawl", "parallel", "perplexity")),
  include_domains: Schema.optional(Schema.Array(Schema.String)),
  exclude_domains: Schema.optional(Schema.Array(Schema.String)),
  max_results: Schema.optional(Schema.Int),
  max_uses: Schema.optional(Schema.Int),
  mode: Schema.optional(WebSearchMode),
  search_prompt: Schema.optional(Schema.String),
  user_location: nullish(WebSearchUserLocation)
})
/**
 * The type that {@link WebSearchPlugin} decodes to.
 *
 * @since 0.1.0
 * @category plugins
 */
export interface WebSearchPlugin extends Schema.Schema.Type<typeof WebSearchPlugin> {}

/**
 * Plugin `web-fetch`: let the model fetch URLs.
 *
 * @since 0.1.0
 * @category plugins
 */
export const WebFetchPlugin = Obj("WebFetchPlugin", {
  id: Schema.Literal("web-fetch"),
  allowed_domains: Schema.optional(Schema.Array(Schema.String)),
  blocked_domains: Schema.optional(Schema.Array(Schema.String)),
  max_content_tokens: Schema.optional(Schema.Int),
  max_uses: Schema.optional(Schema.Int)
})
/**
 * The type that {@link WebFetchPlugin} decodes to.
 *
 * @since 0.1.0
 * @category plugins
 */
export interface WebFetchPlugin extends Schema.Schema.Type<typeof WebFetchPlugin> {}

/**
 * Plugin `file-parser`: how PDFs are turned into text.
 *
 * @since 0.1.0
 * @category plugins
 */
export const FileParserPlugin = Obj("FileParserPlugin", {
  id: Schema.Literal("file-parser"),
  enabled: Schema.optional(Schema.Boolean),
  pdf: Schema.optional(Obj("PdfParserOptions", {
    engine: Schema.optional(Schema.Literal("mistral-ocr", "native", "cloudflare-ai", "pdf-text"))
  }))
})
/**
 * The type that {@link FileParserPlugin} decodes to.
 *
 * @since 0.1.0
 * @category plugins
 */
export interface FileParserPlugin extends Schema.Schema.Type<typeof FileParserPlugin> {}

/**
 * Plugin `response-healing`: repair malformed JSON output.
 *
 * @since 0.1.0
 * @category plugins
 */
export const ResponseHealingPlugin = Obj("ResponseHealingPlugin", {
  id: Schema.Literal("response-healing"),
  enabled: Schema.optional(Schema.Boolean)
})
/**
 * The type that {@link ResponseHealingPlugin} decodes to.
 *
 * @since 0.1.0
 * @category plugins
 */
export interface ResponseHealingPlugin extends Schema.Schema.Type<typeof ResponseHealingPlugin> {}

/**
 * Plugin `context-compression` (`middle-out`): shrink prompts that exceed the context window.
 *
 * @since 0.1.0
 * @category plugins
 */
export const ContextCompressionPlugin = Obj("ContextCompressionPlugin", {
  id: Schema.Literal("context-compression"),
  enabled: Schema.optional(Schema.Boolean),
  engine: Schema.optional(Schema.Literal("middle-out"))
})
/**
 * The type that {@link ContextCompressionPlugin} decodes to.
 *
 * @since 0.1.0
 * @category plugins
 */
export interface ContextCompressionPlugin extends Schema.Schema.Type<typeof ContextCompressionPlugin> {}

/**
 * Plugin `pareto-router`: pick a model on the price/quality frontier.
 *
 * @since 0.1.0
 * @category plugins
 */
export const ParetoRouterPlugin = Obj("ParetoRouterPlugin", {
  id: Schema.Literal("pareto-router"),
  enabled: Schema.optional(Schema.Boolean),
  max_price: Schema.optional(Schema.Number.pipe(Schema.greaterThanOrEqualTo(0))),
  min_coding_score: Schema.optional(between(0, 1)),
  price_source: Schema.optional(Schema.Literal("prompt", "weighted_avg"))
})
/**
 * The type that {@link ParetoRouterPlugin} decodes to.
 *
 * @since 0.1.0
 * @category plugins
 */
export interface ParetoRouterPlugin extends Schema.Schema.Type<typeof ParetoRouterPlugin> {}

/**
 * Plugin `fusion`: answer with several models and fuse the results.
 *
 * @since 0.1.0
 * @category plugins
 */
export const FusionPlugin = Obj("FusionPlugin", {
  id: Schema.Literal("fusion"),
  enabled: Schema.optional(Schema.Boolean),
  analysis_models: Schema.optional(Schema.Array(Schema.String).pipe(Schema.minItems(1), Schema.maxItems(8))),
  max_tool_calls: Schema.optional(intBetween(1, 16)),
  model: Schema.optional(Schema.String),
  preset: Schema.optional(Schema.Literal("general-high", "general-budget", "general-fast")),
  tools: Schema.optional(Schema.Array(NestedServerTool).pipe(Schema.maxItems(8)))
})
/**
 * The type that {@link FusionPlugin} decodes to.
 *
 * @since 0.1.0
 * @category plugins
 */
export interface FusionPlugin extends Schema.Schema.Type<typeof FusionPlugin> {}

const knownPlugins = [
  AutoRouterPlugin,
  AutoBetaRouterPlugin,
  ModerationPlugin,
  WebSearchPlugin,
  WebFetchPlugin,
  FileParserPlugin,
  ResponseHealingPlugin,
  ContextCompressionPlugin,
  ParetoRouterPlugin,
  FusionPlugin
] as const

const knownPluginIds = knownPlugins.flatMap((member) => member.fields.id.literals as ReadonlyArray<string>)

/**
 * A plugin this version does not know yet: sent as given, so new plugins work before the schema
 * learns them. A known `id` never matches it, so known plugins keep their full validation.
 *
 * @since 0.1.0
 * @category plugins
 */
export const OtherPlugin = Obj("OtherPlugin", { id: otherTag(knownPluginIds) })
/**
 * The type that {@link OtherPlugin} decodes to.
 *
 * @since 0.1.0
 * @category plugins
 */
export interface OtherPlugin extends Schema.Schema.Type<typeof OtherPlugin> {}

/**
 * A plugin and its settings, discriminated by `id`; an `id` this version does not know
 * is sent as given ({@link OtherPlugin}).
 *
 * @since 0.1.0
 * @category plugins
 */
export const Plugin = Schema.Union(...knownPlugins, OtherPlugin)
/**
 * The type that {@link Plugin} decodes to.
 *
 * @since 0.1.0
 * @category plugins
 */
export type Plugin = typeof Plugin.Type

// ---------------------------------------------------------------------------
// request: provider routing
// ---------------------------------------------------------------------------

/**
 * Latency or throughput cutoffs per percentile (`p50`, `p75`, `p90`, `p99`).
 *
 * @since 0.1.0
 * @category routing
 */
export const PercentileCutoffs = Obj("PercentileCutoffs", {
  p50: nullish(Schema.Number),
  p75: nullish(Schema.Number),
  p90: nullish(Schema.Number),
  p99: nullish(Schema.Number)
})
/**
 * The type that {@link PercentileCutoffs} decodes to.
 *
 * @since 0.1.0
 * @category routing
 */
export interface PercentileCutoffs extends Schema.Schema.Type<typeof PercentileCutoffs> {}

const ProviderSort = Schema.Literal("price", "throughput", "latency", "exacto")

/**
 * Sort providers `by` a criterion, within each model or across models (`partition`).
 *
 * @since 0.1.0
 * @category routing
 */
export const ProviderSortConfig = Obj("ProviderSortConfig", {
  by: nullish(ProviderSort),
  partition: nullish(Schema.Literal("model", "none"))
})
/**
 * The type that {@link ProviderSortConfig} decodes to.
 *
 * @since 0.1.0
 * @category routing
 */
export interface ProviderSortConfig extends Schema.Schema.Type<typeof ProviderSortConfig> {}

/**
 * Highest price to pay, in USD per million tokens (per request / per image for those keys).
 * The service accepts numbers or numeric strings.
 *
 * @since 0.1.0
 * @category routing
 */
export const MaxPrice = Obj("MaxPrice", {
  prompt: Schema.optional(Schema.Union(Schema.Number, Schema.String)),
  completion: Schema.optional(Schema.Union(Schema.Number, Schema.String)),
  image: Schema.optional(Schema.Union(Schema.Number, Schema.String)),
  audio: Schema.optional(Schema.Union(Schema.Number, Schema.String)),
  request: Schema.optional(Schema.Union(Schema.Number, Schema.String))
})
/**
 * The type that {@link MaxPrice} decodes to.
 *
 * @since 0.1.0
 * @category routing
 */
export interface MaxPrice extends Schema.Schema.Type<typeof MaxPrice> {}

/**
 * Provider routing preferences (the request's `provider` object). Provider
 * names are plain strings: OpenRouter adds providers faster than any list.
 *
 * @since 0.1.0
 * @category routing
 */
export const ProviderPreferences = Obj("ProviderPreferences", {
  order: nullish(Schema.Array(Schema.String)),
  only: nullish(Schema.Array(Schema.String)),
  ignore: nullish(Schema.Array(Schema.String)),
  allow_fallbacks: nullish(Schema.Boolean),
  require_parameters: nullish(Schema.Boolean),
  data_collection: nullish(Schema.Literal("deny", "allow")),
  zdr: nullish(Schema.Boolean),
  enforce_distillable_text: nullish(Schema.Boolean),
  quantizations: nullish(Schema.Array(Schema.Literal(
    "int4",
    "int8",
    "fp4",
    "mxfp4",
    "nvfp4",
    "fp6",
    "fp8",
    "mxfp8",
    "fp16",
    "bf16",
    "fp32",
    "unknown"
  ))),
  sort: nullish(Schema.Union(ProviderSort, ProviderSortConfig)),
  max_price: Schema.optional(MaxPrice),
  preferred_max_latency: nullish(Schema.Union(Schema.Number, PercentileCutoffs)),
  preferred_min_throughput: nullish(Schema.Union(Schema.Number, PercentileCutoffs))
})
/**
 * The type that {@link ProviderPreferences} decodes to.
 *
 * @since 0.1.0
 * @category routing
 */
export interface ProviderPreferences extends Schema.Schema.Type<typeof ProviderPreferences> {}

// ---------------------------------------------------------------------------
// request: output format, reasoning, misc
// ---------------------------------------------------------------------------

/**
 * A JSON Schema the output must follow (`strict` asks for exact adherence).
 *
 * @since 0.1.0
 * @category request
 */
export const JsonSchemaConfig = Obj("JsonSchemaConfig", {
  name: Schema.String.pipe(Schema.maxLength(64)),
  description: Schema.optional(Schema.String),
  schema: Schema.optional(JsonObject),
  strict: nullish(Schema.Boolean)
})
/**
 * The type that {@link JsonSchemaConfig} decodes to.
 *
 * @since 0.1.0
 * @category request
 */
export interface JsonSchemaConfig extends Schema.Schema.Type<typeof JsonSchemaConfig> {}

/**
 * The output format: `text`, `json_object`, `json_schema`, `grammar` or `python`.
 *
 * @since 0.1.0
 * @category request
 */
export const ResponseFormat = Schema.Union(
  Obj("ResponseFormatText", { type: Schema.Literal("text") }),
  Obj("ResponseFormatJsonObject", { type: Schema.Literal("json_object") }),
  Obj("ResponseFormatJsonSchema", { type: Schema.Literal("json_schema"), json_schema: JsonSchemaConfig }),
  Obj("ResponseFormatGrammar", { type: Schema.Literal("grammar"), grammar: Schema.String }),
  Obj("ResponseFormatPython", { type: Schema.Literal("python") })
)
/**
 * The type that {@link ResponseFormat} decodes to.
 *
 * @since 0.1.0
 * @category request
 */
export type ResponseFormat = typeof ResponseFormat.Type

/**
 * Reasoning settings. `effort` and `summary` are in the spec; `max_tokens`,
 * `exclude` and `enabled` are documented by OpenRouter and accepted by the
 * service. Other fields pass through untouched.
 *
 * @since 0.1.0
 * @category request
 */
export const Reasoning = Obj("Reasoning", {
  effort: nullish(ReasoningEffort),
  summary: nullish(Schema.Literal("auto", "concise", "detailed")),
  max_tokens: nullish(Schema.Int),
  exclude: nullish(Schema.Boolean),
  enabled: nullish(Schema.Boolean)
})
/**
 * The type that {@link Reasoning} decodes to.
 *
 * @since 0.1.0
 * @category request
 */
export interface Reasoning extends Schema.Schema.Type<typeof Reasoning> {}

/**
 * Predicted output, to speed up responses that mostly repeat known text.
 *
 * @since 0.1.0
 * @category request
 */
export const Prediction = Obj("Prediction", {
  type: Schema.Literal("content"),
  content: Schema.Union(
    Schema.String,
    Schema.Array(Obj("PredictionText", { type: Schema.Literal("text"), text: Schema.String }))
  )
})
/**
 * The type that {@link Prediction} decodes to.
 *
 * @since 0.1.0
 * @category request
 */
export interface Prediction extends Schema.Schema.Type<typeof Prediction> {}

/**
 * Observability trace settings (forwarded to tracing integrations).
 *
 * @since 0.1.0
 * @category request
 */
export const TraceConfig = Obj("TraceConfig", {
  trace_id: Schema.optional(Schema.String),
  trace_name: Schema.optional(Schema.String),
  span_name: Schema.optional(Schema.String),
  generation_name: Schema.optional(Schema.String),
  parent_span_id: Schema.optional(Schema.String)
})
/**
 * The type that {@link TraceConfig} decodes to.
 *
 * @since 0.1.0
 * @category request
 */
export interface TraceConfig extends Schema.Schema.Type<typeof TraceConfig> {}

/**
 * Request metadata: at most 16 string pairs, keys up to 64 characters,
 * values up to 512.
 *
 * @since 0.1.0
 * @category request
 */
export const RequestMetadata = Schema.Record({
  key: Schema.String,
  value: Schema.String.pipe(Schema.maxLength(512))
}).pipe(
  Schema.filter((record) => {
    const keys = Object.keys(record)
    if (keys.length > 16) return `at most 16 metadata pairs, got ${keys.length}`
    const long = keys.find((key) => key.length > 64)
    return long === undefined || `metadata keys are at most 64 characters, got ${JSON.stringify(long)}`
  }),
  Schema.annotations({ identifier: "RequestMetadata" })
)
/**
 * The type that {@link RequestMetadata} decodes to.
 *
 * @since 0.1.0
 * @category request
 */
export type RequestMetadata = typeof RequestMetadata.Type

/**
 * The chat completions request body. Only `messages` is required; unknown
 * fields (top-level or nested) are kept when decoding and encoding.
 *
 * @since 0.1.0
 * @category request
 */
export const ChatRequest = Obj("ChatRequest", {
  messages: Schema.Array(Message).pipe(Schema.minItems(1)),
  model: Schema.optional(Schema.String),
  models: Schema.optional(Schema.Array(Schema.String)),
  provider: nullish(ProviderPreferences),
  plugins: Schema.optional(Schema.Array(Plugin)),
  route: nullish(Schema.Literal("fallback", "sort")),
  tools: Schema.optional(Schema.Array(Tool)),
  tool_choice: Schema.optional(ToolChoice),
  parallel_tool_calls: nullish(Schema.Boolean),
  stop_server_tools_when: Schema.optional(Schema.Array(StopServerToolsCondition).pipe(Schema.minItems(1))),
  response_format: Schema.optional(ResponseFormat),
  reasoning: Schema.optional(Reasoning),
  reasoning_effort: nullish(ReasoningEffort),
  temperature: nullish(between(0, 2)),
  top_p: nullish(between(0, 1)),
  top_k: nullish(Schema.Int.pipe(Schema.nonNegative())),
  min_p: nullish(between(0, 1)),
  top_a: nullish(between(0, 1)),
  frequency_penalty: nullish(between(-2, 2)),
  presence_penalty: nullish(between(-2, 2)),
  repetition_penalty: nullish(Schema.Number),
  seed: nullish(Schema.Int),
  stop: nullish(Schema.Union(Schema.String, Schema.Array(Schema.String).pipe(Schema.maxItems(4)))),
  max_tokens: nullish(Schema.Int),
  max_completion_tokens: nullish(Schema.Int),
  logit_bias: nullish(Schema.Record({ key: Schema.String, value: Schema.Number })),
  logprobs: nullish(Schema.Boolean),
  top_logprobs: nullish(intBetween(0, 20)),
  stream: Schema.optional(Schema.Boolean),
  stream_options: nullish(Obj("StreamOptions", { include_usage: Schema.optional(Schema.Boolean) })),
  user: Schema.optional(Schema.String),
  session_id: Schema.optional(Schema.String.pipe(Schema.maxLength(256))),
  metadata: Schema.optional(RequestMetadata),
  prediction: nullish(Prediction),
  modalities: Schema.optional(Schema.Array(Schema.Literal("text", "image", "audio"))),
  image_config: Schema.optional(Schema.Record({
    key: Schema.String,
    value: Schema.Union(Schema.String, Schema.Number, Schema.Array(Schema.Unknown))
  })),
  service_tier: nullish(Schema.Literal("auto", "default", "fast", "flex", "priority", "scale")),
  cache_control: Schema.optional(CacheControl),
  prompt_cache_key: nullish(Schema.String),
  prompt_cache_options: nullish(Obj("PromptCacheOptions", {
    mode: Schema.Literal("explicit"),
    ttl: nullish(Schema.String)
  })),
  trace: Schema.optional(TraceConfig),
  debug: Schema.optional(Obj("DebugOptions", { echo_upstream_body: Schema.optional(Schema.Boolean) }))
})
/**
 * The type that {@link ChatRequest} decodes to.
 *
 * @since 0.1.0
 * @category request
 */
export interface ChatRequest extends Schema.Schema.Type<typeof ChatRequest> {}

// ---------------------------------------------------------------------------
// errors
// ---------------------------------------------------------------------------

const codeSchema = Schema.Union(Schema.Number, Schema.String)

/**
 * One failed attempt of an availability error (`metadata.previous_errors[]`).
 *
 * @since 0.1.0
 * @category errors
 */
export const PreviousError = Obj("PreviousError", {
  provider: nullish(Schema.String),
  code: nullish(codeSchema),
  status: nullish(Schema.Number)
})
/**
 * The type that {@link PreviousError} decodes to.
 *
 * @since 0.1.0
 * @category errors
 */
export interface PreviousError extends Schema.Schema.Type<typeof PreviousError> {}

/**
 * `error.metadata`: free-form, with the fields documented for provider,
 * moderation, guardrail, availability, limit and mid-stream errors typed
 * (`limit_source`, `remedy_hint`, `resets_at`, `available_providers` since 0.2.0). Use
 * {@link ModerationErrorMetadata}, {@link GuardrailErrorMetadata} and
 * {@link ProviderErrorMetadata} to tell the kinds apart.
 *
 * @since 0.1.0
 * @category errors
 */
export const ErrorMetadata = Obj("ErrorMetadata", {
  error_type: nullish(Schema.String),
  provider_code: nullish(codeSchema),
  provider_name: nullish(Schema.String),
  raw: Schema.optional(Schema.Unknown),
  reasons: nullish(Schema.Array(Schema.String)),
  flagged_input: nullish(Schema.String),
  model_slug: nullish(Schema.String),
  patterns: nullish(Schema.Array(Schema.String)),
  previous_errors: nullish(Schema.Array(PreviousError)),
  /** Whether the request used the caller's own provider key. */
  is_byok: nullish(Schema.Boolean),
  /** Which limit was hit (e.g. an in-flight spending budget, or a provider's shared pool). */
  limit_source: nullish(Schema.String),
  /** What the caller can do about it, in OpenRouter's words. */
  remedy_hint: nullish(Schema.String),
  /** When the limit resets (as sent: a timestamp string or a number). */
  resets_at: nullish(Schema.Union(Schema.String, Schema.Number)),
  /** The providers that could serve the model (routing errors). */
  available_providers: nullish(Schema.Array(Schema.String)),
  /** The providers the request allowed (routing errors). */
  requested_providers: nullish(Schema.Array(Schema.String))
})
/**
 * The type that {@link ErrorMetadata} decodes to.
 *
 * @since 0.1.0
 * @category errors
 */
export interface ErrorMetadata extends Schema.Schema.Type<typeof ErrorMetadata> {}

/**
 * Metadata of an error raised by the upstream provider: its name and its raw
 * error (often a JSON string).
 *
 * @since 0.1.0
 * @category errors
 */
export const ProviderErrorMetadata = Obj("ProviderErrorMetadata", {
  provider_name: Schema.String,
  raw: Schema.optional(Schema.Unknown)
})
/**
 * The type that {@link ProviderErrorMetadata} decodes to.
 *
 * @since 0.1.0
 * @category errors
 */
export interface ProviderErrorMetadata extends Schema.Schema.Type<typeof ProviderErrorMetadata> {}

/**
 * Metadata of a moderation refusal (403): why, and the flagged input (at most 100 characters).
 * Check it before {@link ProviderErrorMetadata}: it also carries `provider_name`.
 *
 * @since 0.1.0
 * @category errors
 */
export const ModerationErrorMetadata = Obj("ModerationErrorMetadata", {
  reasons: Schema.Array(Schema.String),
  flagged_input: Schema.String,
  provider_name: nullish(Schema.String),
  model_slug: nullish(Schema.String)
})
/**
 * The type that {@link ModerationErrorMetadata} decodes to.
 *
 * @since 0.1.0
 * @category errors
 */
export interface ModerationErrorMetadata extends Schema.Schema.Type<typeof ModerationErrorMetadata> {}

/**
 * Metadata of a request blocked by a guardrail (403): the patterns that matched.
 *
 * @since 0.1.0
 * @category errors
 */
export const GuardrailErrorMetadata = Obj("GuardrailErrorMetadata", {
  patterns: Schema.Array(Schema.String)
})
/**
 * The type that {@link GuardrailErrorMetadata} decodes to.
 *
 * @since 0.1.0
 * @category errors
 */
export interface GuardrailErrorMetadata extends Schema.Schema.Type<typeof GuardrailErrorMetadata> {}

/**
 * Why no model or provider could serve the request. `code` is an open set:
 * model_not_found, wrong_endpoint, no_endpoints, model_deprecated,
 * model_unavailable_upstream, capacity_exhausted, temporarily_unavailable,
 * region_restricted, privacy_restricted, constraint_filtered, free_variant_ended.
 *
 * @since 0.1.0
 * @category errors
 */
export const Availability = Obj("Availability", {
  code: openEnum(
    "model_not_found",
    "wrong_endpoint",
    "no_endpoints",
    "model_deprecated",
    "model_unavailable_upstream",
    "capacity_exhausted",
    "temporarily_unavailable",
    "region_restricted",
    "privacy_restricted",
    "constraint_filtered",
    "free_variant_ended"
  ),
  retryable: nullish(Schema.Boolean),
  retry_after: nullish(Schema.Number),
  requested_models: nullish(Schema.Array(Schema.String)),
  affected_providers: nullish(Schema.Array(Schema.String)),
  fallback_models: nullish(Schema.Array(Schema.String)),
  docs_url: nullish(Schema.String)
})
/**
 * The type that {@link Availability} decodes to.
 *
 * @since 0.1.0
 * @category errors
 */
export interface Availability extends Schema.Schema.Type<typeof Availability> {}

/**
 * The `error` object of an error body, a mid-stream error chunk or an errored
 * choice. `code` is usually an HTTP-like number, sometimes a string.
 *
 * @since 0.1.0
 * @category errors
 */
export const ErrorDetail = Obj("ErrorDetail", {
  code: nullish(codeSchema),
  message: Schema.String,
  metadata: nullish(ErrorMetadata),
  error_type: nullish(Schema.String),
  http_status: nullish(Schema.Number),
  availability: nullish(Availability)
})
/**
 * The type that {@link ErrorDetail} decodes to.
 *
 * @since 0.1.0
 * @category errors
 */
export interface ErrorDetail extends Schema.Schema.Type<typeof ErrorDetail> {}

// ---------------------------------------------------------------------------
// response: routing metadata
// ---------------------------------------------------------------------------

/**
 * One stage of OpenRouter's request pipeline (guardrail, plugin, server tools, ...).
 *
 * @since 0.1.0
 * @category response
 */
export const PipelineStage = Obj("PipelineStage", {
  type: nullish(openEnum("guardrail", "plugin", "server_tools", "response_healing", "context_compression")),
  name: nullish(Schema.String),
  summary: nullish(Schema.String),
  guardrail_id: nullish(Schema.String),
  guardrail_scope: nullish(Schema.String),
  cost_usd: nullish(Schema.Number),
  data: nullish(JsonObject)
})
/**
 * The type that {@link PipelineStage} decodes to.
 *
 * @since 0.1.0
 * @category response
 */
export interface PipelineStage extends Schema.Schema.Type<typeof PipelineStage> {}

/**
 * Routing metadata (`openrouter_metadata`), sent when the request has the
 * header `X-OpenRouter-Metadata: enabled`.
 *
 * @since 0.1.0
 * @category response
 */
export const OpenRouterMetadata = Obj("OpenRouterMetadata", {
  requested: nullish(Schema.String),
  strategy: nullish(openEnum(
    "direct",
    "auto",
    "free",
    "latest",
    "alias",
    "fallback",
    "pareto",
    "bodybuilder",
    "fusion"
  )),
  region: nullish(Schema.String),
  summary: nullish(Schema.String),
  attempt: nullish(Schema.Number),
  attempts: nullish(Schema.Array(Obj("RouterAttempt", {
    provider: nullish(Schema.String),
    model: nullish(Schema.String),
    status: nullish(Schema.Number)
  }))),
  is_byok: nullish(Schema.Boolean),
  endpoints: nullish(Obj("EndpointsMetadata", {
    total: nullish(Schema.Number),
    available: nullish(Schema.Array(Obj("EndpointInfo", {
      provider: nullish(Schema.String),
      model: nullish(Schema.String),
      selected: nullish(Schema.Boolean)
    })))
  })),
  params: nullish(Obj("RouterParams", {
    quality_floor: nullish(Schema.Number),
    throughput_floor: nullish(Schema.Number),
    version_group: nullish(Schema.String)
  })),
  pipeline: nullish(Schema.Array(PipelineStage))
})
/**
 * The type that {@link OpenRouterMetadata} decodes to.
 *
 * @since 0.1.0
 * @category response
 */
export interface OpenRouterMetadata extends Schema.Schema.Type<typeof OpenRouterMetadata> {}

/**
 * The error body of a non-2xx response (and of a 200 that failed):
 * `{error: {code, message, metadata?, ...}, openrouter_metadata?, user_id?}`.
 *
 * @since 0.1.0
 * @category errors
 */
export const ErrorResponse = Obj("ErrorResponse", {
  error: ErrorDetail,
  openrouter_metadata: nullish(OpenRouterMetadata),
  user_id: nullish(Schema.String)
})
/**
 * The type that {@link ErrorResponse} decodes to.
 *
 * @since 0.1.0
 * @category errors
 */
export interface ErrorResponse extends Schema.Schema.Type<typeof ErrorResponse> {}

// ---------------------------------------------------------------------------
// response
// ---------------------------------------------------------------------------

/**
 * Why the generation stopped. An open set: `stop`, `length`, `tool_calls`,
 * `content_filter`, `error`, and values nobody has listed yet (kept as sent).
 *
 * @since 0.1.0
 * @category response
 */
export const FinishReason = openEnum("stop", "length", "tool_calls", "content_filter", "error")
/**
 * The type that {@link FinishReason} decodes to.
 *
 * @since 0.1.0
 * @category response
 */
export type FinishReason = typeof FinishReason.Type

const tokenCounts = {
  token: nullish(Schema.String),
  logprob: nullish(Schema.Number),
  bytes: nullish(Schema.Array(Schema.Number))
}

/**
 * The log probability of one output token, with the most likely alternatives.
 *
 * @since 0.1.0
 * @category response
 */
export const TokenLogprob = Obj("TokenLogprob", {
  ...tokenCounts,
  top_logprobs: nullish(Schema.Array(Obj("TopLogprob", tokenCounts)))
})
/**
 * The type that {@link TokenLogprob} decodes to.
 *
 * @since 0.1.0
 * @category response
 */
export interface TokenLogprob extends Schema.Schema.Type<typeof TokenLogprob> {}

/**
 * Log probabilities of a choice (requested with `logprobs: true`).
 *
 * @since 0.1.0
 * @category response
 */
export const Logprobs = Obj("Logprobs", {
  content: nullish(Schema.Array(TokenLogprob)),
  refusal: nullish(Schema.Array(TokenLogprob))
})
/**
 * The type that {@link Logprobs} decodes to.
 *
 * @since 0.1.0
 * @category response
 */
export interface Logprobs extends Schema.Schema.Type<typeof Logprobs> {}

/**
 * A citation or file annotation attached to the output (e.g. by web search).
 *
 * @since 0.1.0
 * @category response
 */
export const Annotation = Obj("Annotation", {
  type: nullish(openEnum("url_citation", "file")),
  url_citation: nullish(Obj("UrlCitation", {
    url: nullish(Schema.String),
    title: nullish(Schema.String),
    content: nullish(Schema.String),
    start_index: nullish(Schema.Number),
    end_index: nullish(Schema.Number)
  })),
  file: Schema.optional(Schema.Unknown)
})
/**
 * The type that {@link Annotation} decodes to.
 *
 * @since 0.1.0
 * @category response
 */
export interface Annotation extends Schema.Schema.Type<typeof Annotation> {}

/**
 * A function call requested by the model in a non-streaming response.
 *
 * @since 0.1.0
 * @category response
 */
export const ResponseToolCall = Obj("ResponseToolCall", {
  id: nullish(Schema.String),
  type: nullish(Schema.String),
  function: nullish(Obj("ResponseToolCallFunction", {
    name: nullish(Schema.String),
    arguments: nullish(Schema.String)
  })),
  index: nullish(Schema.Number)
})
/**
 * The type that {@link ResponseToolCall} decodes to.
 *
 * @since 0.1.0
 * @category response
 */
export interface ResponseToolCall extends Schema.Schema.Type<typeof ResponseToolCall> {}

/**
 * A content part of a type this library does not know yet (e.g. OpenAI's
 * `refusal` part): kept as received.
 *
 * @since 0.1.0
 * @category response
 */
export const OtherContentPart = Obj("OtherContentPart", { type: otherTag(knownContentPartTypes) })
/**
 * The type that {@link OtherContentPart} decodes to.
 *
 * @since 0.1.0
 * @category response
 */
export interface OtherContentPart extends Schema.Schema.Type<typeof OtherContentPart> {}

/**
 * A content part of a response message (rare: content is usually a string).
 * Known types decode as {@link ContentPart}, others as {@link OtherContentPart}.
 *
 * @since 0.1.0
 * @category response
 */
export const ResponseContentPart = Schema.Union(...ContentPart.members, OtherContentPart)
/**
 * The type that {@link ResponseContentPart} decodes to.
 *
 * @since 0.1.0
 * @category response
 */
export type ResponseContentPart = typeof ResponseContentPart.Type

const outputFields = {
  role: nullish(Schema.String),
  reasoning: nullish(Schema.String),
  reasoning_details: nullish(Schema.Array(ReasoningDetail)),
  refusal: nullish(Schema.String),
  images: nullish(Schema.Array(GeneratedImage)),
  audio: nullish(AudioOutput),
  annotations: nullish(Schema.Array(Annotation))
}

/**
 * The message of a non-streaming choice. `content` is a string or `null`
 * (some models return content parts instead).
 *
 * @since 0.1.0
 * @category response
 */
export const ChatMessage = Obj("ChatMessage", {
  ...outputFields,
  content: nullish(Schema.Union(Schema.String, Schema.Array(ResponseContentPart))),
  tool_calls: nullish(Schema.Array(ResponseToolCall)),
  name: nullish(Schema.String),
  model: nullish(Schema.String)
})
/**
 * The type that {@link ChatMessage} decodes to.
 *
 * @since 0.1.0
 * @category response
 */
export interface ChatMessage extends Schema.Schema.Type<typeof ChatMessage> {}

/**
 * One choice of a non-streaming response.
 *
 * @since 0.1.0
 * @category response
 */
export const ChatChoice = Obj("ChatChoice", {
  index: nullish(Schema.Number),
  message: nullish(ChatMessage),
  finish_reason: nullish(FinishReason),
  native_finish_reason: nullish(Schema.String),
  logprobs: nullish(Logprobs),
  error: nullish(ErrorDetail)
})
/**
 * The type that {@link ChatChoice} decodes to.
 *
 * @since 0.1.0
 * @category response
 */
export interface ChatChoice extends Schema.Schema.Type<typeof ChatChoice> {}

const nullableNumber = nullish(Schema.Number)

/**
 * Token counts and cost. `cost` is in credits (USD).
 *
 * @since 0.1.0
 * @category usage
 */
export const Usage = Obj("Usage", {
  prompt_tokens: nullableNumber,
  completion_tokens: nullableNumber,
  total_tokens: nullableNumber,
  cost: nullableNumber,
  is_byok: nullish(Schema.Boolean),
  prompt_tokens_details: nullish(Obj("PromptTokensDetails", {
    cached_tokens: nullableNumber,
    cache_write_tokens: nullableNumber,
    audio_tokens: nullableNumber,
    video_tokens: nullableNumber
  })),
  completion_tokens_details: nullish(Obj("CompletionTokensDetails", {
    reasoning_tokens: nullableNumber,
    audio_tokens: nullableNumber,
    image_tokens: nullableNumber,
    accepted_prediction_tokens: nullableNumber,
    rejected_prediction_tokens: nullableNumber
  })),
  cost_details: nullish(Obj("CostDetails", {
    upstream_inference_cost: nullableNumber,
    upstream_inference_prompt_cost: nullableNumber,
    upstream_inference_completions_cost: nullableNumber
  })),
  server_tool_use_details: nullish(Obj("ServerToolUseDetails", {
    web_search_requests: nullableNumber,
    tool_calls_requested: nullableNumber,
    tool_calls_executed: nullableNumber
  }))
})
/**
 * The type that {@link Usage} decodes to.
 *
 * @since 0.1.0
 * @category usage
 */
export interface Usage extends Schema.Schema.Type<typeof Usage> {}

/**
 * A field of a response or stream chunk whose value did not have the type this library expects (a
 * choice's `logprobs` sent as a bare number, say). It is taken out of its place, so every typed field
 * can be trusted, and kept here as it arrived; see {@link decodeChatResponse} for which fields are
 * essential instead (a mismatch there still fails the call).
 *
 * @since 0.3.0
 * @category decoding
 */
export const InvalidField = Obj("InvalidField", {
  /** Where the field was, from the top of the body (`["choices", 0, "logprobs"]`). */
  path: Schema.Array(Schema.Union(Schema.String, Schema.Number)),
  /** The type this library expected there. */
  expected: Schema.String,
  /** The value as it arrived. */
  value: Schema.optional(Schema.Unknown)
})
/**
 * The type that {@link InvalidField} decodes to.
 *
 * @since 0.3.0
 * @category decoding
 */
export interface InvalidField extends Schema.Schema.Type<typeof InvalidField> {}

const envelopeFields = {
  id: nullish(Schema.String),
  object: nullish(Schema.String),
  created: nullableNumber,
  model: nullish(Schema.String),
  provider: nullish(Schema.String),
  system_fingerprint: nullish(Schema.String),
  service_tier: nullish(Schema.String),
  usage: nullish(Usage),
  openrouter_metadata: nullish(OpenRouterMetadata),
  /**
   * Not a wire field (hence its spelling): the fields of the body that did not have the expected type,
   * taken out of their place and kept here as they arrived (absent when there were none).
   */
  invalidFields: Schema.optional(Schema.Array(InvalidField))
}

/**
 * The body of a successful non-streaming response. Only `choices` is
 * required: a 200 body without it is an error body (see {@link ErrorResponse}).
 *
 * @since 0.1.0
 * @category response
 */
export const ChatResponse = Obj("ChatResponse", {
  ...envelopeFields,
  choices: Schema.Array(ChatChoice)
})
/**
 * The type that {@link ChatResponse} decodes to.
 *
 * @since 0.1.0
 * @category response
 */
export interface ChatResponse extends Schema.Schema.Type<typeof ChatResponse> {}

// ---------------------------------------------------------------------------
// streaming
// ---------------------------------------------------------------------------

/**
 * A piece of a tool call. The first piece of a call carries `id`, `type` and
 * `function.name`; later pieces append to `function.arguments`. Pieces are
 * keyed by `index`.
 *
 * @since 0.1.0
 * @category streaming
 */
export const ToolCallDelta = Obj("ToolCallDelta", {
  index: nullableNumber,
  id: nullish(Schema.String),
  type: nullish(Schema.String),
  function: nullish(Obj("ToolCallDeltaFunction", {
    name: nullish(Schema.String),
    arguments: nullish(Schema.String)
  }))
})
/**
 * The type that {@link ToolCallDelta} decodes to.
 *
 * @since 0.1.0
 * @category streaming
 */
export interface ToolCallDelta extends Schema.Schema.Type<typeof ToolCallDelta> {}

/**
 * What a stream chunk adds to a choice. Any field may be missing.
 *
 * @since 0.1.0
 * @category streaming
 */
export const Delta = Obj("Delta", {
  ...outputFields,
  content: nullish(Schema.String),
  tool_calls: nullish(Schema.Array(ToolCallDelta))
})
/**
 * The type that {@link Delta} decodes to.
 *
 * @since 0.1.0
 * @category streaming
 */
export interface Delta extends Schema.Schema.Type<typeof Delta> {}

/**
 * One choice of a stream chunk. Older traffic reports a mid-stream error here
 * (`error`) instead of on the chunk.
 *
 * @since 0.1.0
 * @category streaming
 */
export const StreamChoice = Obj("StreamChoice", {
  index: nullableNumber,
  delta: nullish(Delta),
  finish_reason: nullish(FinishReason),
  native_finish_reason: nullish(Schema.String),
  logprobs: nullish(Logprobs),
  error: nullish(ErrorDetail)
})
/**
 * The type that {@link StreamChoice} decodes to.
 *
 * @since 0.1.0
 * @category streaming
 */
export interface StreamChoice extends Schema.Schema.Type<typeof StreamChoice> {}

/**
 * One `data:` event of a stream. `choices` is required but may be empty (the
 * usage chunk, the debug chunk). A mid-stream failure arrives as a chunk with
 * `error` set and `finish_reason: "error"`.
 *
 * @since 0.1.0
 * @category streaming
 */
export const ChatStreamChunk = Obj("ChatStreamChunk", {
  ...envelopeFields,
  choices: Schema.Array(StreamChoice),
  error: nullish(ErrorDetail),
  debug: Schema.optional(Schema.Unknown)
})
/**
 * The type that {@link ChatStreamChunk} decodes to.
 *
 * @since 0.1.0
 * @category streaming
 */
export interface ChatStreamChunk extends Schema.Schema.Type<typeof ChatStreamChunk> {}

// ---------------------------------------------------------------------------
// generations (`GET /generation?id=`)
// ---------------------------------------------------------------------------

const nullableInt = nullish(Schema.Number)
const nullableText = nullish(Schema.String)

/**
 * What OpenRouter recorded about one generation (`GET /generation?id=`, the spec's
 * `GenerationResponse.data`): exact cost, native token counts, timings, whether it was streamed or
 * cancelled. Decoded tolerantly: only `id` is required, every other field may be missing or `null`,
 * open enums keep unknown values, unknown fields are kept.
 *
 * @since 0.2.0
 * @category generations
 */
export const Generation = Obj("Generation", {
  id: Schema.String,
  upstream_id: nullableText,
  /** The total cost in credits (USD). */
  total_cost: nullableNumber,
  cache_discount: nullableNumber,
  upstream_inference_cost: nullableNumber,
  /** ISO 8601 timestamp. */
  created_at: nullableText,
  model: nullableText,
  app_id: nullableInt,
  streamed: nullish(Schema.Boolean),
  /** Whether the caller stopped the generation early (a stream closed before its end). */
  cancelled: nullish(Schema.Boolean),
  provider_name: nullableText,
  /** Milliseconds to the first token. */
  latency: nullableNumber,
  moderation_latency: nullableNumber,
  /** Milliseconds the generation took. */
  generation_time: nullableNumber,
  finish_reason: nullableText,
  native_finish_reason: nullableText,
  service_tier: nullableText,
  tokens_prompt: nullableInt,
  tokens_completion: nullableInt,
  native_tokens_prompt: nullableInt,
  native_tokens_completion: nullableInt,
  native_tokens_completion_images: nullableInt,
  native_tokens_reasoning: nullableInt,
  native_tokens_cached: nullableInt,
  num_media_prompt: nullableInt,
  num_input_audio_prompt: nullableInt,
  num_media_completion: nullableInt,
  num_search_results: nullableInt,
  num_fetches: nullableInt,
  web_search_engine: nullableText,
  origin: nullableText,
  usage: nullableNumber,
  is_byok: nullish(Schema.Boolean),
  external_user: nullableText,
  api_type: nullish(openEnum("completions", "embeddings", "rerank", "tts", "stt", "video", "image")),
  preset_id: nullableText,
  router: nullableText,
  provider_responses: nullish(Schema.Array(Schema.Unknown)),
  user_agent: nullableText,
  http_referer: nullableText,
  data_region: nullish(openEnum("global", "europe", "us")),
  workspace_id: nullableText,
  request_id: nullableText,
  response_cache_source_id: nullableText,
  session_id: nullableText
})
/**
 * What OpenRouter recorded about one generation (see the schema of the same name).
 *
 * @since 0.2.0
 * @category generations
 */
export interface Generation extends Schema.Schema.Type<typeof Generation> {}

/**
 * The body of `GET /generation?id=`: `{data: Generation}`.
 *
 * @since 0.2.0
 * @category generations
 */
export const GenerationResponse = Obj("GenerationResponse", {
  data: Generation
})
/**
 * The body of `GET /generation?id=` (see the schema of the same name).
 *
 * @since 0.2.0
 * @category generations
 */
export interface GenerationResponse extends Schema.Schema.Type<typeof GenerationResponse> {}

// ---------------------------------------------------------------------------
// decoding
// ---------------------------------------------------------------------------

/**
 * The fields of a response body without which there is no answer to give: a mismatch in one of them
 * (or in a field that holds one) fails the call with `ResponseDecodeError`. Array positions are `*`.
 *
 * - `choices`: the answers themselves (a body without them is an error body).
 * - `choices.*.message` and its `content` and `refusal`: the text of the answer. Taking a text of an
 *   unexpected type out would turn the answer into an empty one that looks successful.
 * - `choices.*.message.tool_calls` with each call's `id`, `function.name` and `function.arguments`:
 *   a call the caller is asked to run (and answer by its id) cannot be half-read.
 * - `choices.*.error`: a choice that says it failed must not pass as a success.
 *
 * Everything else can be done without, and is kept as it arrived in `invalidFields` when its type
 * is unexpected: `id` (the `X-Generation-Id` header carries it too), `model`, `created`, `provider`,
 * `object`, `usage` (field by field: a cost that is not a number leaves the token counts),
 * `message.role` (always the assistant's), `finish_reason`, `native_finish_reason`, `logprobs`,
 * `index`, `reasoning`, `reasoning_details` (block by block, field by field), `images`, `audio`,
 * `annotations`, a call's `type` and `index`, `openrouter_metadata`.
 *
 * @since 0.3.0
 * @category decoding
 */
export const essentialResponseFields: ReadonlyArray<string> = Essentials.essentialResponseFields

/**
 * The fields of a stream chunk a mismatch in which fails the stream (see {@link essentialResponseFields}
 * for the reasons): `choices`, each choice's `delta` with its `content`, `refusal` and each tool-call
 * fragment's `id`, `function.name` and `function.arguments`, and the `error` of the chunk or of a
 * choice. A fragment's `index` is not essential: a fragment without one continues the call in progress.
 *
 * @since 0.3.0
 * @category decoding
 */
export const essentialChunkFields: ReadonlyArray<string> = Essentials.essentialChunkFields

// A value whose fields cannot be read (a Proxy whose traps throw, a getter that throws) is a failure of
// the result, never a throw; the issue does not show the value, so printing it reads nothing.
const neverThrows = <A>(
  decode: (u: unknown) => Either.Either<A, ParseResult.ParseError>
): (u: unknown) => Either.Either<A, ParseResult.ParseError> =>
(u) => {
  try {
    return decode(u)
  } catch (e) {
    return Either.left(
      new ParseResult.ParseError({
        issue: new ParseResult.Type(Schema.Unknown.ast, u, `reading the value threw: ${describeThrown(e)}`)
      })
    )
  }
}

/**
 * Decodes a parsed JSON value as a non-streaming response body. Fast: a valid
 * body is checked by a guard compiled from {@link ChatResponse} and returned
 * as is (the same object, unknown fields included; do not mutate it); the
 * schema decoder only runs when the guard says no.
 *
 * Tolerant: a billed answer is not thrown away over a field the caller can do
 * without. When a field other than the {@link essentialResponseFields} has a
 * value of an unexpected type (a choice's `logprobs` sent as a bare number),
 * it is taken out of its place and listed, as it arrived, in the result's
 * `invalidFields` (see {@link InvalidField}); the rest decodes as usual. A
 * mismatch in an essential field (or a missing `choices`) is still a failure.
 *
 * It never throws: a value whose fields cannot be read (a getter that throws, a `Proxy` whose traps
 * throw) is a failure whose message says what threw (`reading the value threw: ...`). So do the other
 * decoders of this module.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeChatResponse: (u: unknown) => Either.Either<ChatResponse, ParseResult.ParseError> = neverThrows(
  Decode.tolerantDecoder(ChatResponse, essentialResponseFields)
)

/**
 * Decodes a parsed `data:` event as a stream chunk; same fast path and the
 * same tolerance as {@link decodeChatResponse}, with the
 * {@link essentialChunkFields} as the fields that must match.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeChatStreamChunk: (u: unknown) => Either.Either<ChatStreamChunk, ParseResult.ParseError> =
  neverThrows(
    Decode.tolerantDecoder(ChatStreamChunk, essentialChunkFields)
  )

/**
 * Decodes an error body; same fast path as {@link decodeChatResponse}.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeErrorResponse: (u: unknown) => Either.Either<ErrorResponse, ParseResult.ParseError> = neverThrows(
  Decode.fastDecoder(ErrorResponse)
)

/**
 * Validates a request body against the spec's constraints. Unknown fields,
 * top-level or nested, are kept in the result. A value whose fields cannot be
 * read is a failure, never a throw (see {@link decodeChatResponse}).
 *
 * @since 0.1.0
 * @category decoding
 */
export const validateRequest: (u: unknown) => Either.Either<ChatRequest, ParseResult.ParseError> = neverThrows(
  Decode.fastDecoder(ChatRequest)
)

/**
 * Decodes the body of `GET /generation?id=`; same fast path as {@link decodeChatResponse}.
 *
 * @since 0.2.0
 * @category decoding
 */
export const decodeGenerationResponse: (u: unknown) => Either.Either<GenerationResponse, ParseResult.ParseError> =
  neverThrows(
    Decode.fastDecoder(GenerationResponse)
  )
