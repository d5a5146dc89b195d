/**
 * An incremental JSON parser for values that arrive in pieces (a model's JSON answer, streamed):
 * feed it text as it comes, and at any point read the partial value parsed so far.
 *
 * Rules of the partial value, so that every partial value is consistent with the final one:
 * - a string being read shows the characters read so far (a prefix of the final string);
 * - a number, `true`, `false` or `null` shows only once it is complete (`12` could still become `123`);
 * - an object shows a key once its value has started (a string, an object or an array) or is complete;
 * - an array shows its elements in the same way.
 *
 * Cost: every character is examined once (runs of plain string characters are copied with one
 * `slice`), so parsing is linear in the size of the input however it is split. A snapshot copies
 * only the containers still open (the path from the root to the value being read); completed
 * values are shared between snapshots and never copied again.
 *
 * No Effect imports: this file is reused as it is by other editions.
 */

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

interface ObjectFrame {
  readonly kind: "object"
  readonly value: Record<string, unknown>
  /** The key whose value is being read, if any. */
  key: string | undefined
}

interface ArrayFrame {
  readonly kind: "array"
  readonly value: Array<unknown>
}

type Frame = ObjectFrame | ArrayFrame

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

/** Makes a parser for one JSON document. */
export const makePartialJsonParser = (): PartialJsonParser => {
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

  /** Puts a completed value where it belongs. */
  const complete = (value: unknown): void => {
    dirty = true
    const top = stack[stack.length - 1]
    if (top === undefined) {
      root = value
      hasRoot = true
      mode = Mode.Done
      return
    }
    if (top.kind === "object") {
      setKey(top.value, top.key!, value)
      top.key = undefined
    } else {
      top.value.push(value)
    }
    mode = Mode.AfterValue
  }

  const open = (frame: Frame): void => {
    dirty = true
    stack.push(frame)
  }

  const close = (): void => {
    const frame = stack.pop()!
    complete(frame.value)
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
          if (mode === Mode.String) dirty = true
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
        if (mode === Mode.String) dirty = true
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
        if (mode === Mode.String) dirty = true
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
            ;(stack[stack.length - 1] as ObjectFrame).key = value
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
            open({ kind: "object", value: {}, key: undefined })
            mode = Mode.KeyOrEnd
          } else if (c === 0x5b) {
            open({ kind: "array", value: [] })
            mode = Mode.ValueOrEnd
          } else if (c === 0x22) {
            mode = Mode.String
            text = ""
            dirty = true
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
          if (c === 0x2c) {
            mode = top.kind === "object" ? Mode.Key : Mode.Value
          } else if ((c === 0x7d && top.kind === "object") || (c === 0x5d && top.kind === "array")) {
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

  /** The value being read in the innermost open position: a string's prefix, if it has one. */
  const pending = (): { readonly has: boolean; readonly value?: unknown } =>
    mode === Mode.String ? { has: true, value: text } : { has: false }

  const snapshot = (): unknown => {
    dirty = false
    if (hasRoot) return root
    let inner = pending()
    for (let k = stack.length - 1; k >= 0; k--) {
      const frame = stack[k]!
      if (frame.kind === "object") {
        const copy: Record<string, unknown> = { ...frame.value }
        if (inner.has && frame.key !== undefined) setKey(copy, frame.key, inner.value)
        inner = { has: true, value: copy }
      } else {
        const copy = frame.value.slice()
        if (inner.has) copy.push(inner.value)
        inner = { has: true, value: copy }
      }
    }
    return inner.has ? inner.value : undefined
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
