/**
 * MetaTokens — the model's requests for memory, read from its output (MISSION feature 12).
 *
 * A model asks for memory in one of two ways:
 *
 * 1. **Meta tokens** in its text, like the seeds' `<thinking>`-style tokens:
 *    - `<recall>query</recall>`: recall what memory holds about `query`;
 *    - `<engram>subject | relation | object</engram>`: learn a triple (exactly three non-empty
 *      parts separated by `|`);
 *    - `<engram>{"subject": "…", "relation": "…", "object": "…", "negated"?: bool,
 *      "confidence"?: 0..1}</engram>`: the JSON form (decoded with `Schema`); a JSON array of such
 *      objects learns several triples;
 *    - `<connect>A | B</connect>`: how two entities are connected (exactly two non-empty parts),
 *      the `connect` tool's request for models without tools.
 *    Tag names are case-insensitive; the content is trimmed.
 * 2. **Tool calls** (`effect/ai` `Tool` / `Toolkit`): {@link MemoryToolkit} declares the tools
 *    `recall` (`{ query }`), `engram` (`{ subject, relation, object, negated?, confidence? }`)
 *    and `connect` (`{ from, to }`: how two entities are connected, read-only). The loop passes
 *    the toolkit with `disableToolCallResolution: true` and `toolCallValidation: "deferred"`, so
 *    the calls come back un-run and unvalidated, and {@link readToolCall} turns each into the
 *    same requests or an error: the loop, not a tool handler, runs them, because every memory
 *    change must become an event, and an invalid call must be reported, not fail the turn.
 *    A provider passes arguments it could not parse as JSON as the raw string; such a call is
 *    reported as "arguments are not valid JSON".
 *
 * Parsing never guesses: anything that is not exactly one of these forms is reported as a
 * {@link Malformed} entry (with its position) and not executed — a nested tag (the whole outer
 * tag is dropped), a closing tag that does not match the open one, a stray closing tag, an
 * unclosed tag (the rest of the text is dropped from the answer), empty content, an engram with
 * other than three parts, invalid JSON or a JSON value failing the schema, a call to an unknown
 * tool or with parameters failing its schema.
 *
 * The visible answer (`text`) is the output with every tag and its content removed.
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema } from "effect"
import { Tool, Toolkit } from "effect/ai"

// ── model ─────────────────────────────────────────────────────────────────────

const Label = Schema.String.check(Schema.isTrimmed(), Schema.isNonEmpty())

/**
 * A triple the model asks memory to learn (the JSON form of `<engram>` and the `engram` tool).
 * @since 0.1.0
 */
export const EngramTriple = Schema.Struct({
  subject: Label,
  relation: Label,
  object: Label,
  negated: Schema.optionalKey(Schema.Boolean),
  confidence: Schema.optionalKey(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })))
})
export type EngramTriple = typeof EngramTriple.Type

/**
 * Parameters of the `recall` tool.
 * @since 0.1.0
 */
export const RecallParams = Schema.Struct({ query: Label })
export type RecallParams = typeof RecallParams.Type

/** A request to recall. */
export interface RecallRequest {
  readonly _tag: "Recall"
  readonly query: string
}

/** A request to learn a triple. */
export interface EngramRequest {
  readonly _tag: "Engram"
  readonly triple: EngramTriple
}

/** A request for the path between two entities (the `connect` tool; read-only). */
export interface ConnectRequest {
  readonly _tag: "Connect"
  readonly from: string
  readonly to: string
}

/** A request for memory, from a tag or a tool call. */
export type Request = RecallRequest | EngramRequest | ConnectRequest

/** Something in the output that looked like a request but was not a valid one. */
export interface Malformed {
  /** Character offset in the output (for tool calls: the call's index). */
  readonly position: number
  readonly message: string
}

/** What {@link parse} read from one output. */
export interface Parsed {
  /** The output with every meta tag (and its content) removed, trimmed. */
  readonly text: string
  /** Valid requests, in the order they appear. */
  readonly requests: ReadonlyArray<Request>
  readonly malformed: ReadonlyArray<Malformed>
}

// ── tools ─────────────────────────────────────────────────────────────────────

/**
 * The `recall` tool.
 * @since 0.1.0
 */
export const RecallTool = Tool.make("recall", {
  description: "Recall what memory holds about a query; the facts come back with the paths that justify them.",
  parameters: RecallParams,
  success: Schema.String
})

/**
 * The `engram` tool.
 * @since 0.1.0
 */
export const EngramTool = Tool.make("engram", {
  description: "Store a subject-relation-object fact in memory.",
  parameters: EngramTriple,
  success: Schema.String
})

/**
 * Parameters of the `connect` tool.
 * @since 0.1.0
 */
export const ConnectParams = Schema.Struct({ from: Label, to: Label })
export type ConnectParams = typeof ConnectParams.Type

/**
 * The `connect` tool (read-only: it changes nothing in memory).
 * @since 0.1.0
 */
export const ConnectTool = Tool.make("connect", {
  description: "Find how two entities are connected in memory: the strongest path of facts between them.",
  parameters: ConnectParams,
  success: Schema.String
})

/**
 * The toolkit of memory tools (`recall`, `engram`, `connect`).
 * @since 0.1.0
 */
export const MemoryToolkit = Toolkit.make(RecallTool, EngramTool, ConnectTool)

/**
 * The toolkit with handlers that never run: the loop passes it with
 * `disableToolCallResolution: true` and runs the calls itself.
 * @since 0.1.0
 */
export const memoryToolkitUnresolved: Effect.Effect<Toolkit.WithHandler<typeof MemoryToolkit.tools>> = MemoryToolkit.pipe(
  Effect.provide(MemoryToolkit.toLayer({
    recall: () => Effect.die("MetaTokens: recall tool calls are run by the loop, not by a handler"),
    engram: () => Effect.die("MetaTokens: engram tool calls are run by the loop, not by a handler"),
    connect: () => Effect.die("MetaTokens: connect tool calls are run by the loop, not by a handler")
  }))
)

// ── parsing ───────────────────────────────────────────────────────────────────

const TAG = /<(\/?)(recall|engram|connect)\s*>/gi

const decodeTriple = Schema.decodeUnknownResult(EngramTriple)
const decodeRecall = Schema.decodeUnknownResult(RecallParams)
const decodeConnect = Schema.decodeUnknownResult(ConnectParams)

const PIPE_PARTS = 3

/** A schema error as one line (reports end up in one-line JSON and in tool messages). */
const oneLine = (error: unknown): string => String(error).replace(/\s*\n\s*/g, " ")

/** The requests of one engram tag's content, or why it is malformed. */
const engramContent = (content: string): Result.Result<Array<EngramRequest>, string> => {
  if (content.startsWith("{") || content.startsWith("[")) {
    let json: unknown
    try {
      json = JSON.parse(content)
    } catch (e) {
      return Result.fail(`engram: invalid JSON (${e instanceof Error ? e.message : String(e)})`)
    }
    const items = Array.isArray(json) ? json : [json]
    if (items.length === 0) return Result.fail("engram: empty JSON array")
    const out: Array<EngramRequest> = []
    for (const item of items) {
      const decoded = decodeTriple(item)
      if (Result.isFailure(decoded)) return Result.fail(`engram: ${oneLine(decoded.failure)}`)
      out.push({ _tag: "Engram", triple: decoded.success })
    }
    return Result.succeed(out)
  }
  const parts = content.split("|").map((p) => p.trim())
  if (parts.length !== PIPE_PARTS) {
    return Result.fail(`engram: expected "subject | relation | object", got ${parts.length} part(s)`)
  }
  if (parts.some((p) => p.length === 0)) return Result.fail("engram: empty subject, relation or object")
  return Result.succeed([{ _tag: "Engram", triple: { subject: parts[0]!, relation: parts[1]!, object: parts[2]! } }])
}

/**
 * Reads the meta tags of a model's output (see the module header for the forms and the errors).
 *
 * Laws:
 * - an output without `<recall>`/`<engram>`/`<connect>` tags parses to `{ text: output.trim(), requests: [],
 *   malformed: [] }`;
 * - every tag is either one or more requests or one malformed entry, never both;
 * - `text` contains no meta tag.
 * @complexity O(|output|)
 * @example
 * ```ts
 * MetaTokens.parse("Let me check. <recall>Alice</recall>").requests // [{ _tag: "Recall", query: "Alice" }]
 * ```
 */
export const parse = (output: string): Parsed => {
  const requests: Array<Request> = []
  const malformed: Array<Malformed> = []
  const visible: Array<string> = []
  let cursor = 0 // start of the text not yet copied to `visible`
  let open: { name: string; start: number; contentStart: number; nested: boolean } | undefined
  let depth = 0
  for (const m of output.matchAll(TAG)) {
    const closing = m[1] === "/"
    const name = m[2]!.toLowerCase()
    const at = m.index
    if (!closing) {
      if (open === undefined) {
        visible.push(output.slice(cursor, at))
        open = { name, start: at, contentStart: at + m[0].length, nested: false }
        depth = 1
      } else {
        if (!open.nested) malformed.push({ position: at, message: `<${name}> nested inside <${open.name}>` })
        open.nested = true
        depth++
      }
      continue
    }
    if (open === undefined) {
      malformed.push({ position: at, message: `stray </${name}> without an opening tag` })
      visible.push(output.slice(cursor, at))
      cursor = at + m[0].length
      continue
    }
    depth--
    if (depth > 0) continue
    const end = at + m[0].length
    if (!open.nested) {
      if (name !== open.name) {
        malformed.push({ position: at, message: `</${name}> closes <${open.name}>` })
      } else {
        const content = output.slice(open.contentStart, at).trim()
        if (content.length === 0) malformed.push({ position: open.start, message: `empty <${name}>` })
        else if (name === "recall") requests.push({ _tag: "Recall", query: content })
        else if (name === "connect") {
          const parts = content.split("|").map((p) => p.trim())
          if (parts.length !== 2 || parts.some((p) => p.length === 0)) {
            malformed.push({ position: open.start, message: `connect: expected "A | B", got ${JSON.stringify(content.slice(0, 80))}` })
          } else requests.push({ _tag: "Connect", from: parts[0]!, to: parts[1]! })
        } else {
          const read = engramContent(content)
          if (Result.isFailure(read)) malformed.push({ position: open.start, message: read.failure })
          else requests.push(...read.success)
        }
      }
    }
    cursor = end
    open = undefined
  }
  if (open !== undefined) {
    malformed.push({ position: open.start, message: `unclosed <${open.name}>` })
    cursor = output.length
  }
  visible.push(output.slice(cursor))
  return { text: visible.join("").replace(/[ \t]+\n/g, "\n").replace(/[ \t]{2,}/g, " ").trim(), requests, malformed }
}

/** A tool call as `effect/ai` returns it (name and still-encoded parameters). */
export interface ToolCallLike {
  readonly name: string
  readonly params: unknown
}

/**
 * The request of one tool call, or why it is invalid: an unknown tool, arguments that are not
 * JSON (a string the provider could not parse), parameters failing the tool's schema.
 *
 * Laws: never guesses; a call is a request iff its name is a memory tool and its parameters
 * decode with that tool's schema.
 * @complexity O(|params|)
 * @example
 * ```ts
 * MetaTokens.readToolCall({ name: "recall", params: { query: "Alice" } }) // Result.succeed({ _tag: "Recall", query: "Alice" })
 * ```
 */
export const readToolCall = (call: ToolCallLike): Result.Result<Request, string> => {
  let params = call.params
  if (typeof call.params === "string") {
    const raw = call.params
    try {
      params = JSON.parse(raw)
    } catch {
      return Result.fail(`${call.name} tool: arguments are not valid JSON: ${JSON.stringify(raw.slice(0, 80))}`)
    }
  }
  switch (call.name) {
    case RecallTool.name: {
      const decoded = decodeRecall(params)
      return Result.isFailure(decoded)
        ? Result.fail(`recall tool: ${oneLine(decoded.failure)}`)
        : Result.succeed({ _tag: "Recall", query: decoded.success.query })
    }
    case EngramTool.name: {
      const decoded = decodeTriple(params)
      return Result.isFailure(decoded) ? Result.fail(`engram tool: ${oneLine(decoded.failure)}`) : Result.succeed({ _tag: "Engram", triple: decoded.success })
    }
    case ConnectTool.name: {
      const decoded = decodeConnect(params)
      return Result.isFailure(decoded)
        ? Result.fail(`connect tool: ${oneLine(decoded.failure)}`)
        : Result.succeed({ _tag: "Connect", from: decoded.success.from, to: decoded.success.to })
    }
    default:
      return Result.fail(`unknown tool ${JSON.stringify(call.name)}`)
  }
}

/**
 * The requests of a response's tool calls; invalid calls (see {@link readToolCall}) are reported
 * (`position` is the call's index), never guessed.
 *
 * Laws: one request or one malformed entry per call, in order.
 * @complexity O(Σ |params|)
 */
export const fromToolCalls = (calls: ReadonlyArray<ToolCallLike>): { readonly requests: ReadonlyArray<Request>; readonly malformed: ReadonlyArray<Malformed> } => {
  const requests: Array<Request> = []
  const malformed: Array<Malformed> = []
  calls.forEach((call, position) => {
    const read = readToolCall(call)
    if (Result.isFailure(read)) malformed.push({ position, message: read.failure })
    else requests.push(read.success)
  })
  return { requests, malformed }
}
