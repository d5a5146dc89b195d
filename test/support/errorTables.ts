/**
 * The tables of the "errors that say what to do" tests, shared by both editions (Effect-free): what an
 * `InvalidRequestError` says about a bad request field (`test/request-issues.test.ts`,
 * `effect4/test/request-issues.test.ts`) and the base URLs a `ConfigError` must refuse
 * (`test/config.test.ts`, `effect4/test/config.test.ts`).
 */

/** The one message of the requests below. */
export const user = { role: "user", content: "Hi" }

/** [what is wrong, the request, the issues expected (path: message), in order]. */
export const requestIssueTable: ReadonlyArray<readonly [string, unknown, ReadonlyArray<string>]> = [
  ["a number given as a string", { messages: [user], temperature: "0.7" }, [
    `temperature: expected a number or null, got "0.7"`
  ]],
  ["a number out of its range", { messages: [user], temperature: 5 }, [
    "temperature: expected a number between 0 and 2, got 5"
  ]],
  ["a fraction where an integer goes", { messages: [user], top_k: 1.5 }, ["top_k: expected an integer, got 1.5"]],
  ["a number for a nullable boolean", { messages: [user], logprobs: 1 }, [
    "logprobs: expected a boolean or null, got 1"
  ]],
  ["an unknown literal", { messages: [user], route: "x" }, [`route: expected "fallback", "sort" or null, got "x"`]],
  ["a number for a literal enum", { messages: [user], service_tier: 3 }, [
    `service_tier: expected "auto", "default", "fast", "flex", "priority", "scale" or null, got 3`
  ]],
  ["an unknown literal in an array", { messages: [user], modalities: ["video"] }, [
    `modalities.0: expected "text", "image" or "audio", got "video"`
  ]],
  ["a model that is not a string", { messages: [user], model: 3 }, ["model: expected a string, got 3"]],
  ["an unknown role", { messages: [{ role: "usr", content: "Hi" }] }, [
    `messages.0.role: expected "system", "developer", "user", "assistant" or "tool", got "usr"`
  ]],
  ["a message without a role", { messages: [{ content: "Hi" }] }, ["messages.0.role: is missing"]],
  ["a message that is not an object", { messages: ["Hi"] }, [`messages.0: expected an object, got "Hi"`]],
  ["a tool message without its call id", { messages: [user, { role: "tool", content: "42" }] }, [
    "messages.1.tool_call_id: is missing"
  ]],
  ["user content of the wrong kind", { messages: [{ role: "user", content: 3 }] }, [
    "messages.0.content: expected a string or an array, got 3"
  ]],
  ["assistant content of the wrong kind", { messages: [user, { role: "assistant", content: 5 }] }, [
    "messages.1.content: expected a string, an array or null, got 5"
  ]],
  ["an unknown content part type", { messages: [{ role: "user", content: [{ type: "txt", text: "Hi" }] }] }, [
    `messages.0.content.0.type: expected "text", "image_url", "input_audio", "video_url", "input_video" or "file", got "txt"`
  ]],
  ["a text part without text", { messages: [{ role: "user", content: [{ type: "text" }] }] }, [
    "messages.0.content.0.text: is missing"
  ]],
  ["an unknown tool_choice", { messages: [user], tool_choice: "always" }, [
    `tool_choice: expected "none", "auto", "required" or an object, got "always"`
  ]],
  ["a tool_choice object whose type is not a string", { messages: [user], tool_choice: { type: 3 } }, [
    `tool_choice.type: expected "function" or a string, got 3`
  ]],
  ["stop of the wrong kind", { messages: [user], stop: 3 }, ["stop: expected a string, an array or null, got 3"]],
  ["too many stop sequences", { messages: [user], stop: ["a", "b", "c", "d", "e"] }, [
    `stop: expected an array of at most 4 item(s), got ["a","b","c","d","e"]`
  ]],
  ["an unknown provider sort", { messages: [user], provider: { sort: "fastest" } }, [
    `provider.sort: expected "price", "throughput", "latency", "exacto", an object or null, got "fastest"`
  ]],
  ["no messages", { messages: [] }, ["messages: expected an array of at least 1 item(s), got []"]],
  ["a request that is not an object", 3, ["(request): expected an object, got 3"]]
]

/** [an OPENROUTER_BASE_URL, the problem its message names first]. */
export const invalidBaseUrls: ReadonlyArray<readonly [string, string]> = [
  ["localhost:8787/api/v1", "only http: and https: URLs are supported"],
  ["ftp://example.com/api/v1", "only http: and https: URLs are supported, got ftp:"],
  ["not a url", "not an absolute URL"],
  ["https://user:pw-very-secret@example.com/api/v1", "must not contain credentials"],
  ["https://example.com/api/v1?x=1", "must not have a query or a fragment"]
]

/**
 * [what is wrong, per-call options, the issue expected]: how an option check shows the value it got
 * (the shared `snapshot.ts` `shownValue`: a string quoted and cut after 40 characters, another
 * primitive as it is, anything else by its kind). Read by both editions' `hostile.test.ts`.
 */
export const optionValueMessages: ReadonlyArray<
  readonly [string, unknown, { readonly path: string; readonly message: string }]
> = [
  ["a string", { metadata: "yes" }, { path: "metadata", message: `expected a boolean, got "yes"` }],
  ["a long string, cut", { metadata: "y".repeat(50) }, {
    path: "metadata",
    message: `expected a boolean, got "${"y".repeat(40)}…"`
  }],
  ["a number", { headers: 42 }, { path: "headers", message: "expected a record of header names to values, got 42" }],
  ["a bigint", { metadata: 5n }, { path: "metadata", message: "expected a boolean, got 5n" }],
  ["null", { metadata: null }, { path: "metadata", message: "expected a boolean, got null" }],
  ["an array", { headers: ["x-a", "1"] }, {
    path: "headers",
    message: "expected a record of header names to values, got an array"
  }],
  ["a function", { metadata: () => true }, { path: "metadata", message: "expected a boolean, got a function" }],
  ["a symbol", { metadata: Symbol("yes") }, { path: "metadata", message: "expected a boolean, got a symbol" }],
  ["an object", { retry: { times: 3 } }, {
    path: "retry",
    message: "expected false or a Retry.Policy (Retry.backoff(...) or Retry.fromSchedule(...))"
  }],
  ["a string for a duration", { timeout: "banana" }, {
    path: "timeout",
    message: `not a duration (a Duration, a number of milliseconds, or a string such as "30 seconds"), got "banana"`
  }],
  ["a string for a policy", { retry: "yes" }, {
    path: "retry",
    message: `expected false or a Retry.Policy (Retry.backoff(...) or Retry.fromSchedule(...)), got "yes"`
  }]
]
