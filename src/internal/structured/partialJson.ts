/**
 * An incremental JSON parser for values that arrive in pieces (a model's JSON answer, streamed):
 * feed it text as it comes, and at any point read the partial value parsed so far.
 *
 * Rules of the partial value, so that every partial value is consistent with the final one:
 * - a string being read shows the characters read so far (a prefix of the final string), less a
 *   trailing high surrogate whose low half has not arrived yet;
 * - a number, `true`, `false` or `null` shows only once it is complete (`12` could still become `123`);
 * - an object shows a key once its value has started (a string, an object or an array) or is complete;
 * - an array shows its elements in the same way.
 *
 * - objects and arrays nest at most `MAX_DEPTH` levels: one more and the input is refused.
 *
 * Cost: every character is examined once (runs of plain string characters are copied with one
 * `slice`), so parsing is linear in the size of the input however it is split. A snapshot copies
 * only the containers still open (the path from the root to the value being read); completed
 * values are shared between snapshots and never copied again.
 *
 * No Effect imports: this file is reused as it is by other editions.
 */
import { MAX_DEPTH, TOO_DEEP } from "../transport/json.js"
import {
  ENTRY,
  type EntryNames,
  force,
  type PartialField,
  type PartialPlan,
  pickArray,
  pickObject,
  tupleArray,
  type TuplePlan,
  tupleSlot
} from "./partialPlan.js"

/** A tuple frame's fields are shown as they were completed (each frame shapes its own value). */
const shown = (value: unknown): unknown => value

/** Where the parser is, between two characters. */
const enum Mode {
  /** Expecting a value. */
  Value,
  /** Expecting a key (a string) or `}` right after `{`. */
  KeyOrEnd,
  /** Expecting a key after `,` in an object. */
  Key,
  /** Inside a key string. */
  KeyString,
  /** Expecting `:` after a key. */
  Colon,
  /** Inside a string value. */
  String,
  /** Inside a number or a literal (`true`, `false`, `null`). */
  Atom,
  /** After a value inside a container: expecting `,` or the closing bracket. */
  AfterValue,
  /** After an element or `[`: expecting a value or `]`. */
  ValueOrEnd,
  /** The root value is complete; only whitespace may follow. */
  Done,
  /** The input is not JSON. */
  Failed
}

/**
 * An open object. With a plan, `fields` says which `null`s mean "absent" and the plans of the
 * values; for an object in a union, the member is picked from the keys read so far.
 */
interface ObjectFrame {
  readonly kind: "object"
  readonly value: Record<string, unknown>
  /** The key whose value is being read, if any. */
  key: string | undefined
  fields: ReadonlyMap<string, PartialField> | undefined
  readonly union: ReadonlyArray<PartialPlan> | undefined
  /** The root travels as `{ value }`: show what is under `value`. */
  readonly unwrap: boolean
}

interface ArrayFrame {
  readonly kind: "array"
  readonly value: Array<unknown>
  readonly item: PartialPlan
}

/** An array of entries on the wire (named by `names`), shown as the record it stands for. */
interface RecordFrame {
  readonly kind: "record"
  readonly value: Record<string, unknown>
  readonly item: PartialPlan
  readonly names: EntryNames
}

/** One entry of a record, as read so far (`value` holds its key and value whatever their wire names). */
interface EntryFrame {
  readonly kind: "entry"
  readonly value: { key?: unknown; value?: unknown }
  /** The wire name of the field being read. */
  key: string | undefined
  readonly item: PartialPlan
  readonly names: EntryNames
}

/** A tuple's wire object (see `TuplePlan`), shown as the array it stands for. */
interface TupleFrame {
  readonly kind: "tuple"
  /** The wire fields read so far, each already in its shown form. */
  readonly value: Record<string, unknown>
  key: string | undefined
  readonly plan: TuplePlan
}

type Frame = ObjectFrame | ArrayFrame | RecordFrame | EntryFrame | TupleFrame

/** What the next value inside a frame is: its plan, or an entry of that record. */
type Slot = PartialPlan | RecordFrame

const isEntrySlot = (slot: Slot): slot is RecordFrame => slot !== undefined && "kind" in slot

const objectFrame = (slot: Slot, root: boolean): ObjectFrame | EntryFrame | TupleFrame => {
  if (isEntrySlot(slot)) return { kind: "entry", value: {}, key: undefined, item: slot.item, names: slot.names }
  const plan = force(slot)
  if (plan?._tag === "Tuple") return { kind: "tuple", value: {}, key: undefined, plan }
  if (plan?._tag === "Wrapped" && root) {
    return {
      kind: "object",
      value: {},
      key: undefined,
      fields: new Map([["value", { nullMeansAbsent: false, plan: plan.value }]]),
      union: undefined,
      unwrap: true
    }
  }
  return {
    kind: "object",
    value: {},
    key: undefined,
    fields: plan?._tag === "Object" ? plan.fields : undefined,
    union: plan?._tag === "Union" ? plan.members : undefined,
    unwrap: false
  }
}

const arrayFrame = (slot: Slot): ArrayFrame | RecordFrame => {
  let plan = isEntrySlot(slot) ? undefined : force(slot)
  if (plan?._tag === "Union") plan = pickArray(plan.members)
  if (plan?._tag === "Record") return { kind: "record", value: {}, item: plan.value, names: plan.names ?? ENTRY }
  return { kind: "array", value: [], item: plan?._tag === "Array" ? plan.item : undefined }
}

/** The plan of the value under `key` in an object frame (picking a union's member by the keys so far). */
const fieldOf = (frame: ObjectFrame, key: string): PartialField | undefined => {
  if (frame.union !== undefined && (frame.fields === undefined || !frame.fields.has(key))) {
    frame.fields = pickObject(frame.union, frame.value, key)
  }
  return frame.fields?.get(key)
}

const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

const ESCAPES: Record<string, string> = {
  "\"": "\"",
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t"
}

/**
 * A string being read, without a trailing high surrogate: the low half of the pair (`\ud83d` then
 * `\ude00`, split across chunks) may still come, and a UI printing the lone half would show a
 * replacement character. A string that ends with a lone high surrogate keeps it once complete.
 */
const withoutOpenPair = (text: string): string => {
  const last = text.charCodeAt(text.length - 1)
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, -1) : text
}

/** Sets a key as an own property, `__proto__` included (an assignment would set the prototype). */
const setKey = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    target[key] = value
  }
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/** The incremental parser. */
export interface PartialJsonParser {
  /** Feeds the next piece of text. Returns `false` once the input is known not to be JSON. */
  readonly push: (text: string) => boolean
  /** Ends the input: completes a trailing number at the root. Returns whether the input was one JSON value. */
  readonly end: () => boolean
  /** The partial value parsed so far (`undefined` before anything showable). See the module's rules. */
  readonly snapshot: () => unknown
  /** Whether the last pushes changed what {@link snapshot} would return. Reset by {@link snapshot}. */
  readonly changed: () => boolean
  /** Why the input is not JSON, once it is known not to be. */
  readonly error: () => string | undefined
  /** How many characters have been examined (for the linearity tests). */
  readonly examined: () => number
}

/**
 * Makes a parser for one JSON document. With a plan (see `partialPlan.ts`), partial values take the
 * shape of the Schema's encoded side as they are built: a `null` that stands for an absent field is
 * left out, `{ key, value }` entries become a record, a wrapped root is unwrapped.
 */
export const makePartialJsonParser = (plan?: PartialPlan): PartialJsonParser => {
  const stack: Array<Frame> = []
  let mode: Mode = Mode.Value
  let root: unknown = undefined
  let hasRoot = false
  /** The string (value or key) being read. */
  let text = ""
  /** A `\` escape split across pushes: the characters after the backslash read so far. */
  let escape: string | undefined
  let atom = ""
  let failure: string | undefined
  let dirty = false
  let examined = 0

  const fail = (message: string): false => {
    mode = Mode.Failed
    failure = message
    return false
  }

  /** What the next value of the innermost frame is. */
  const slot = (): Slot => {
    const top = stack[stack.length - 1]
    if (top === undefined) return plan
    switch (top.kind) {
      case "object":
        return top.key === undefined ? undefined : fieldOf(top, top.key)?.plan
      case "array":
        return top.item
      case "record":
        return top
      case "entry":
        return top.key === top.names[1] ? top.item : undefined
      case "tuple":
        return top.key === undefined ? undefined : tupleSlot(top.plan, top.key)
    }
  }

  /** Puts a completed value where it belongs. */
  const complete = (value: unknown): void => {
    const top = stack[stack.length - 1]
    if (top === undefined) {
      root = value
      hasRoot = true
      dirty = true
      mode = Mode.Done
      return
    }
    mode = Mode.AfterValue
    switch (top.kind) {
      case "object": {
        const key = top.key!
        top.key = undefined
        // An optional field sent as null: absent, and nothing to show.
        if (value === null && fieldOf(top, key)?.nullMeansAbsent === true) return
        setKey(top.value, key, value)
        dirty = true
        return
      }
      case "array":
        top.value.push(value)
        dirty = true
        return
      case "record": {
        const entry = value as { key?: unknown; value?: unknown }
        if (typeof entry.key === "string" && "value" in entry) {
          setKey(top.value, entry.key, entry.value)
          dirty = true
        }
        return
      }
      case "entry": {
        const key = top.key!
        top.key = undefined
        if (key === top.names[0]) top.value.key = value
        else if (key === top.names[1]) top.value.value = value
        if (typeof top.value.key === "string" && "value" in top.value) dirty = true
        return
      }
      case "tuple": {
        setKey(top.value, top.key!, value)
        top.key = undefined
        dirty = true
        return
      }
    }
  }

  const open = (frame: Frame): boolean => {
    // Past the bound the partial values stop (each snapshot and comparison walks the open path); the
    // final decode refuses the answer with a typed error.
    if (stack.length >= MAX_DEPTH) return fail(TOO_DEEP)
    if (frame.kind !== "entry" && stack[stack.length - 1]?.kind !== "entry") dirty = true
    stack.push(frame)
    return true
  }

  const close = (): void => {
    const frame = stack.pop()!
    if (frame.kind === "object" && frame.unwrap) {
      complete(frame.value.value)
      return
    }
    complete(frame.kind === "tuple" ? tupleArray(frame.value, frame.plan, shown) : frame.value)
  }

  const finishAtom = (): boolean => {
    const token = atom
    atom = ""
    if (token === "true") complete(true)
    else if (token === "false") complete(false)
    else if (token === "null") complete(null)
    else if (NUMBER.test(token)) complete(Number(token))
    else return fail(`unexpected token ${JSON.stringify(token)}`)
    return true
  }

  /** Reads string characters from `input` at `i`; returns the index after the closing quote, or -1 if not closed. */
  const readString = (input: string, start: number): number => {
    const shows = mode === Mode.String && showsPending()
    let i = start
    const n = input.length
    while (i < n) {
      if (escape !== undefined) {
        if (escape === "") {
          const c = input[i]!
          i++
          if (c === "u") {
            escape = "u"
            continue
          }
          const decoded = ESCAPES[c]
          if (decoded === undefined) {
            fail(`invalid escape \\${c}`)
            return -2
          }
          text += decoded
          escape = undefined
          if (mode === Mode.String && shows) dirty = true
          continue
        }
        // \uXXXX, possibly split across pushes
        while (escape.length < 5 && i < n) {
          escape += input[i]
          i++
        }
        if (escape.length < 5) return -1
        const hex = escape.slice(1)
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          fail(`invalid escape \\u${hex}`)
          return -2
        }
        text += String.fromCharCode(parseInt(hex, 16))
        escape = undefined
        if (mode === Mode.String && shows) dirty = true
        continue
      }
      // The fast path: copy the run up to the next quote or backslash in one slice.
      let j = i
      while (j < n) {
        const c = input.charCodeAt(j)
        if (c === 0x22 || c === 0x5c) break
        if (c < 0x20) {
          fail("a control character in a string")
          return -2
        }
        j++
      }
      if (j > i) {
        text += input.slice(i, j)
        // A key shows nothing until its value starts.
        if (mode === Mode.String && shows) dirty = true
      }
      if (j === n) return -1
      if (input.charCodeAt(j) === 0x22) return j + 1
      escape = ""
      i = j + 1
    }
    return -1
  }

  const push = (input: string): boolean => {
    if (mode === Mode.Failed) return false
    const n = input.length
    let i = 0
    while (i < n) {
      switch (mode) {
        case Mode.String:
        case Mode.KeyString: {
          const next = readString(input, i)
          if (next === -2) return false
          examined += (next === -1 ? n : next) - i
          if (next === -1) return true
          i = next
          const value = text
          text = ""
          if (mode === Mode.KeyString) {
            ;(stack[stack.length - 1] as ObjectFrame | EntryFrame | TupleFrame).key = value
            mode = Mode.Colon
          } else {
            complete(value)
          }
          continue
        }
        case Mode.Atom: {
          const c = input.charCodeAt(i)
          if (c === 0x2c || c === 0x7d || c === 0x5d || isWhitespace(c)) {
            if (!finishAtom()) return false
            continue // the delimiter is handled in the next mode
          }
          atom += input[i]
          examined++
          i++
          if (atom.length > 512) return fail("a number or literal too long")
          continue
        }
        case Mode.Done: {
          const c = input.charCodeAt(i)
          examined++
          i++
          if (!isWhitespace(c)) return fail("text after the JSON value")
          continue
        }
      }
      const c = input.charCodeAt(i)
      examined++
      i++
      if (isWhitespace(c)) continue
      switch (mode) {
        case Mode.Value:
        case Mode.ValueOrEnd: {
          if (c === 0x5d && mode === Mode.ValueOrEnd) {
            close()
            continue
          }
          if (c === 0x7b) {
            if (!open(objectFrame(slot(), stack.length === 0))) return false
            mode = Mode.KeyOrEnd
          } else if (c === 0x5b) {
            if (!open(arrayFrame(slot()))) return false
            mode = Mode.ValueOrEnd
          } else if (c === 0x22) {
            mode = Mode.String
            text = ""
            if (showsPending()) dirty = true
          } else if (c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e) {
            mode = Mode.Atom
            atom = String.fromCharCode(c)
          } else {
            return fail(`unexpected character ${JSON.stringify(String.fromCharCode(c))}`)
          }
          continue
        }
        case Mode.KeyOrEnd:
        case Mode.Key: {
          if (c === 0x7d && mode === Mode.KeyOrEnd) {
            close()
            continue
          }
          if (c !== 0x22) return fail(`expected a key, got ${JSON.stringify(String.fromCharCode(c))}`)
          mode = Mode.KeyString
          text = ""
          continue
        }
        case Mode.Colon: {
          if (c !== 0x3a) return fail(`expected ':', got ${JSON.stringify(String.fromCharCode(c))}`)
          mode = Mode.Value
          continue
        }
        case Mode.AfterValue: {
          const top = stack[stack.length - 1]!
          const isObject = top.kind === "object" || top.kind === "entry" || top.kind === "tuple"
          if (c === 0x2c) {
            mode = isObject ? Mode.Key : Mode.Value
          } else if ((c === 0x7d && isObject) || (c === 0x5d && !isObject)) {
            close()
          } else {
            return fail(`expected ',' or a closing bracket, got ${JSON.stringify(String.fromCharCode(c))}`)
          }
          continue
        }
      }
    }
    return true
  }

  const end = (): boolean => {
    if (mode === Mode.Atom && stack.length === 0) finishAtom()
    if (mode === Mode.Failed) return false
    if (mode !== Mode.Done) return fail("the JSON value is not complete")
    return true
  }

  /** Whether a string being read as a value shows in the partial value (not a record entry's key). */
  const showsPending = (): boolean => {
    const top = stack[stack.length - 1]
    return top === undefined || top.kind !== "entry" || top.key === top.names[1]
  }

  const snapshot = (): unknown => {
    dirty = false
    if (hasRoot) return root
    let has = mode === Mode.String && showsPending()
    let inner: unknown = has ? withoutOpenPair(text) : undefined
    for (let k = stack.length - 1; k >= 0; k--) {
      const frame = stack[k]!
      switch (frame.kind) {
        case "object": {
          const copy: Record<string, unknown> = { ...frame.value }
          if (has && frame.key !== undefined) setKey(copy, frame.key, inner)
          if (frame.unwrap) {
            has = "value" in copy
            inner = copy.value
          } else {
            has = true
            inner = copy
          }
          break
        }
        case "array": {
          const copy = frame.value.slice()
          if (has) copy.push(inner)
          has = true
          inner = copy
          break
        }
        case "record": {
          const copy: Record<string, unknown> = { ...frame.value }
          const entry = inner as { key?: unknown; value?: unknown } | undefined
          if (has && typeof entry?.key === "string" && "value" in entry) setKey(copy, entry.key, entry.value)
          has = true
          inner = copy
          break
        }
        case "entry": {
          const copy: { key?: unknown; value?: unknown } = { ...frame.value }
          if (has && frame.key === frame.names[1]) copy.value = inner
          has = true
          inner = copy
          break
        }
        case "tuple": {
          const copy: Record<string, unknown> = { ...frame.value }
          if (has && frame.key !== undefined) setKey(copy, frame.key, inner)
          has = true
          inner = tupleArray(copy, frame.plan, shown)
          break
        }
      }
    }
    return has ? inner : undefined
  }

  return {
    push,
    end,
    snapshot,
    changed: () => dirty,
    error: () => failure,
    examined: () => examined
  }
}
