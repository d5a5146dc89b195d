/**
 * The body of the spec drift test, shared by both editions (`test/spec.test.ts`,
 * `effect4/test/spec.test.ts`): our schemas against OpenRouter's OpenAPI document (a verbatim copy
 * in spec/chat-completions.openapi.json). When the spec adds a property, an enum value, a union
 * member or an example our schemas do not accept, a test fails and names it. Effect-free: each
 * edition passes its vitest functions, its schemas, its comparison (`openapiEffect3.ts` /
 * `openapiEffect4.ts`) and whether its decoders accept a value.
 */
import { readFileSync } from "node:fs"
import { examplesOf, type Finding, format, type OpenApiDocument, resolve, type SpecSchema } from "./openapi.js"

/** What the suite needs of an edition. */
export interface Edition<Schema> {
  readonly describe: (name: string, body: () => void) => unknown
  readonly it: (name: string, body: () => void) => unknown
  readonly expect: (value: unknown) => {
    readonly toBe: (expected: unknown) => void
    readonly toBeGreaterThan: (n: number) => void
    readonly toContain: (item: unknown) => void
  }
  readonly compare: (doc: OpenApiDocument, spec: SpecSchema, ours: Schema, root: string) => Array<Finding>
  readonly schemas: {
    readonly ChatRequest: Schema
    readonly ChatResponse: Schema
    readonly ChatStreamChunk: Schema
    readonly ErrorResponse: Schema
  }
  /** Whether each decoder of the edition's `Schema` module accepts a value. */
  readonly accepts: {
    readonly request: (u: unknown) => boolean
    readonly response: (u: unknown) => boolean
    readonly chunk: (u: unknown) => boolean
    readonly error: (u: unknown) => boolean
  }
}

interface MediaType {
  readonly schema: SpecSchema
  readonly example?: unknown
  readonly examples?: unknown
}

interface Operation {
  readonly requestBody: { readonly content: Readonly<Record<string, MediaType>> }
  readonly responses: Readonly<Record<string, { readonly content: Readonly<Record<string, MediaType>> }>>
}

const doc = JSON.parse(
  readFileSync(new URL("../../spec/chat-completions.openapi.json", import.meta.url), "utf8")
) as OpenApiDocument

const operation = doc.paths["/chat/completions"]!["post"] as Operation
const requestMedia = operation.requestBody.content["application/json"]!
const okJson = operation.responses["200"]!.content["application/json"]!
const okStream = operation.responses["200"]!.content["text/event-stream"]!
const errorStatuses = Object.keys(operation.responses).filter((status) => status !== "200")

const component = (name: string): SpecSchema => {
  const schema = doc.components.schemas[name]
  if (schema === undefined) throw new Error(`the spec has no component ${name}`)
  return schema
}

/** The spec wraps each event in `{data: <chunk>}`; the chunk schema is the `data` property. */
const streamChunkSpec = resolve(doc, resolve(doc, okStream.schema).properties!["data"]!)

/** Registers the suite with the edition's vitest. */
export const specSuite = <Schema>(edition: Edition<Schema>): void => {
  const { accepts, compare, describe, expect, it, schemas: S } = edition

  describe("spec: the schemas cover the OpenAPI document", () => {
    it("the request schema knows every property, enum value and union member of ChatRequest", () => {
      expect(resolve(doc, requestMedia.schema)).toBe(component("ChatRequest"))
      expect(format(compare(doc, requestMedia.schema, S.ChatRequest, "ChatRequest"))).toBe("")
    })

    it("the response schema knows every property of ChatResult", () => {
      expect(resolve(doc, okJson.schema)).toBe(component("ChatResult"))
      expect(format(compare(doc, okJson.schema, S.ChatResponse, "ChatResponse"))).toBe("")
    })

    it("the stream chunk schema knows every property of ChatStreamChunk", () => {
      expect(streamChunkSpec).toBe(component("ChatStreamChunk"))
      expect(format(compare(doc, streamChunkSpec, S.ChatStreamChunk, "ChatStreamChunk"))).toBe("")
    })

    for (const status of errorStatuses) {
      it(`the error schema knows every property of the ${status} error body`, () => {
        const media = operation.responses[status]!.content["application/json"]!
        expect(format(compare(doc, media.schema, S.ErrorResponse, `ErrorResponse(${status})`))).toBe("")
      })
    }
  })

  describe("spec: the operation's examples decode", () => {
    it("decodes the request example", () => {
      const examples = examplesOf(requestMedia)
      expect(examples.length).toBeGreaterThan(0)
      for (const example of examples) expect(accepts.request(example)).toBe(true)
    })

    it("decodes the JSON response example", () => {
      const examples = examplesOf(okJson)
      expect(examples.length).toBeGreaterThan(0)
      for (const example of examples) expect(accepts.response(example)).toBe(true)
    })

    it("decodes the data of the event-stream example", () => {
      const examples = examplesOf(okStream) as ReadonlyArray<{ readonly data: unknown }>
      expect(examples.length).toBeGreaterThan(0)
      for (const example of examples) expect(accepts.chunk(example.data)).toBe(true)
    })

    for (const status of errorStatuses) {
      it(`decodes the ${status} error examples`, () => {
        const examples = examplesOf(operation.responses[status]!.content["application/json"]!)
        expect(examples.length).toBeGreaterThan(0)
        for (const example of examples) expect(accepts.error(example)).toBe(true)
      })
    }
  })

  describe("spec: the comparison itself", () => {
    const withDeltaProperty = (name: string): OpenApiDocument => {
      const delta = component("ChatStreamDelta")
      return {
        ...doc,
        components: {
          schemas: {
            ...doc.components.schemas,
            ChatStreamDelta: { ...delta, properties: { ...delta.properties, [name]: { type: "string" } } }
          }
        }
      }
    }

    it("names a property the spec adds to a nested schema", () => {
      const changed = withDeltaProperty("future_field")
      const findings = compare(changed, component("ChatStreamChunk"), S.ChatStreamChunk, "ChatStreamChunk")
      expect(format(findings)).toBe(`ChatStreamChunk.choices[].delta: unknown property "future_field"`)
    })

    it("names a union member the spec adds", () => {
      const plugins = component("ChatRequest").properties!["plugins"]!
      const changed: OpenApiDocument = {
        ...doc,
        components: {
          schemas: {
            ...doc.components.schemas,
            FuturePlugin: { type: "object", properties: { id: { type: "string", enum: ["future"] } } },
            ChatRequest: {
              ...component("ChatRequest"),
              properties: {
                ...component("ChatRequest").properties,
                plugins: {
                  ...plugins,
                  items: {
                    ...plugins.items,
                    oneOf: [...plugins.items!.oneOf!, { $ref: "#/components/schemas/FuturePlugin" }]
                  }
                }
              }
            }
          }
        }
      }
      const findings = compare(changed, changed.components.schemas["ChatRequest"]!, S.ChatRequest, "ChatRequest")
      expect(findings.map((f) => `${f.path}: ${f.problem}`)).toContain(
        `ChatRequest.plugins[]: no member with id: "future"`
      )
    })
  })
}
