/**
 * Llama — an `effect/ai` `LanguageModel` over a local GGUF model run by node-llama-cpp (CPU by
 * default, prebuilt binary, nothing compiled or downloaded unless a model URI is given).
 *
 * Resources are scoped: {@link loadModel} acquires the llama runtime and the model with
 * `Effect.acquireRelease` and {@link make} adds one context (one sequence); closing the scope
 * disposes context, model and runtime in reverse order.
 *
 * One context has one sequence, so requests are served one at a time (a semaphore of 1 permit);
 * each request runs node-llama-cpp's `LlamaChat` over the cleared sequence with the whole prompt
 * as its history, so requests never see each other's history. Structured output (`responseFormat: json`) becomes a
 * node-llama-cpp JSON-schema grammar: the JSON schema of the request's `Schema` (effect's default
 * codec transformer) narrowed to what the grammar compiler accepts ({@link toGbnfJsonSchema}).
 * The grammar only shapes the text; `LanguageModel.generateObject` still decodes it with `Schema`
 * (numeric bounds, for instance, are not in the grammar and are checked there).
 *
 * **Function calling.** A request with tools (an `effect/ai` toolkit) offers them to the model as
 * node-llama-cpp functions (`LlamaChat.generateResponse({ functions })`: name, description, and
 * the tool's parameter JSON schema narrowed by {@link toGbnfJsonSchema}) when the model's chat
 * wrapper supports function calling ({@link supportsFunctionCalling}: a wrapper with its own
 * function-call syntax, such as Llama 3.1, Qwen, Mistral or Functionary, or a Jinja template whose
 * tool syntax node-llama-cpp recognised). The calls come back un-run (`tool-call` parts with ids
 * `llama-call-<n>`, finish reason `tool-calls`); in the prompt, an assistant message's tool calls
 * and the tool messages answering them become one model response with function calls and their
 * results, and a prompt ending with tool results continues that response. A wrapper without
 * function calling (the generic syntax only: every model with no chat template, like the tiny test
 * models) gets no functions: the toolkit is ignored and the text comes back as usual, so the
 * caller's meta tokens remain the way to ask for memory. Tools are not offered with structured
 * output (the JSON grammar shapes the whole answer), nor with `toolChoice: "none"`; any other
 * tool choice lets the model decide (node-llama-cpp cannot force a call).
 *
 * **Model URIs fail fast offline.** A URI (`hf:…`, `https://…`) is resolved by node-llama-cpp:
 * when its file is already in the models directory it is used without the network; otherwise the
 * resolution (which may download) is bounded by `resolveTimeoutMs` (default
 * {@link DEFAULT_RESOLVE_TIMEOUT_MS}, 10 s) while nothing has been received, so an unreachable
 * network gives the one-line `ModelLoadError` (`ResolveFailed`) within that time instead of
 * hanging for minutes; a download that makes progress is not cut.
 *
 * Failures:
 * - building: {@link ModelLoadError} — `NotFound` (model or LoRA file missing), `ResolveFailed`
 *   (a model URI could not be resolved/downloaded), `LoadFailed` (runtime, model or context could
 *   not be created, e.g. the file is not GGUF);
 * - generating: `AiError` — `InvalidUserInputError` (files in the prompt, a prompt ending with
 *   neither a user message nor tool results), `UnsupportedSchemaError` (the grammar compiler refused the schema),
 *   `UnknownError` (the native generation threw).
 *
 * Threads: pass `threads` explicitly (default 2). node-llama-cpp's own default (4 on a 2-core
 * machine) ran about 30× slower here.
 *
 * @since 0.1.0
 */
import { Effect, Queue, Schema, type Scope, Semaphore, Stream } from "effect"
import { AiError, LanguageModel, type Response, Tool } from "effect/ai"
import type {
  ChatHistoryItem,
  ChatModelFunctionCall,
  ChatModelFunctions,
  ChatWrapper,
  GbnfJsonSchema,
  Llama,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel
} from "node-llama-cpp"
import * as NodeFs from "node:fs/promises"
import * as NodePath from "node:path"
import { type Message, toMessages } from "./Messages.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * Why a local model could not be made ready.
 * @since 0.1.0
 */
export const ModelLoadErrorReason = Schema.Literals(["NotFound", "ResolveFailed", "LoadFailed"])
export type ModelLoadErrorReason = typeof ModelLoadErrorReason.Type

/**
 * The typed failure of building a node-llama-cpp model (language or embedding).
 * @since 0.1.0
 */
export class ModelLoadError extends Schema.TaggedError<ModelLoadError>()("ModelLoadError", {
  reason: ModelLoadErrorReason,
  /** The path or URI that was asked for. */
  model: Schema.String,
  message: Schema.String
}) {}

/** A LoRA adapter file and its scale (default 1). */
export interface LoraAdapter {
  readonly filePath: string
  readonly scale?: number | undefined
}

/** Where the model comes from and how the runtime runs it. */
export interface LoadOptions {
  /** A GGUF file path, or a node-llama-cpp model URI (`hf:user/repo/file.gguf`, `https://…`). */
  readonly modelPath: string
  /** Where a model URI is downloaded to (node-llama-cpp's default models folder when absent). */
  readonly modelsDirectory?: string | undefined
  /** `false` (default): CPU only; `"auto"`: let node-llama-cpp pick a GPU backend. */
  readonly gpu?: false | "auto" | undefined
  /**
   * Most milliseconds resolving a model URI may go without receiving anything (default
   * {@link DEFAULT_RESOLVE_TIMEOUT_MS}); see the module header.
   */
  readonly resolveTimeoutMs?: number | undefined
}

/** Options of {@link make}. */
export interface Options extends LoadOptions {
  /** CPU threads of the context (default 2). */
  readonly threads?: number | undefined
  /** Context size in tokens (default 2048, capped by node-llama-cpp to what fits). */
  readonly contextSize?: number | undefined
  /** A LoRA adapter (path, or path and scale) applied to the context. */
  readonly lora?: string | LoraAdapter | undefined
  /** Most tokens generated per request (default 1024). */
  readonly maxTokens?: number | undefined
  /** Sampling temperature (default 0: greedy, deterministic). */
  readonly temperature?: number | undefined
  /** Sampling seed (only matters when `temperature > 0`). */
  readonly seed?: number | undefined
}

/** Default CPU threads. @since 0.1.0 */
export const DEFAULT_THREADS = 2
/** Default context size. @since 0.1.0 */
export const DEFAULT_CONTEXT_SIZE = 2048
/** Default most tokens per request. @since 0.1.0 */
export const DEFAULT_MAX_TOKENS = 1024
/** Default bound of a model URI's resolution while nothing is received, in milliseconds. @since 0.1.0 */
export const DEFAULT_RESOLVE_TIMEOUT_MS = 10_000

/** A loaded runtime and model, alive for the scope that loaded them. */
export interface Loaded {
  readonly llama: Llama
  readonly model: LlamaModel
  /** The resolved file path. */
  readonly path: string
}

// ── loading ───────────────────────────────────────────────────────────────────

const URI = /^(hf:|huggingface:|https?:\/\/)/i

const describe = (cause: unknown): string => cause instanceof Error ? cause.message : String(cause)

/** Why a URI's resolution was given up: nothing was received for too long. */
class Stalled extends Error {}

/**
 * The file of `modelPath`: a URI is resolved (downloaded if need be) by node-llama-cpp, within
 * `resolveTimeoutMs` of silence (see the module header); a path must exist and be a file.
 *
 * Laws: a URI fails with `ResolveFailed` no later than `resolveTimeoutMs` after the last progress
 * (the resolution is aborted then).
 * @complexity one `stat` for a path; a download for an uncached URI
 */
export const resolvePath = Effect.fnUntraced(function*(options: LoadOptions): Effect.fn.Return<string, ModelLoadError> {
  const model = options.modelPath
  if (URI.test(model)) {
    const { resolveModelFile } = yield* importLlamaCpp(model)
    const quiet = options.resolveTimeoutMs ?? DEFAULT_RESOLVE_TIMEOUT_MS
    return yield* Effect.tryPromise({
      try: (signal) => {
        const controller = new AbortController()
        const onAbort = () => controller.abort(signal.reason)
        signal.addEventListener("abort", onAbort)
        let timer: ReturnType<typeof setTimeout> | undefined
        let giveUp: (e: Stalled) => void = () => {}
        const stalled = new Promise<never>((_, reject) => (giveUp = reject))
        const arm = () => {
          clearTimeout(timer)
          timer = setTimeout(() => {
            const e = new Stalled(`nothing received for ${quiet / 1000} s (is the network reachable? a model file already in the models directory is used offline)`)
            controller.abort(e)
            giveUp(e)
          }, quiet)
        }
        let received = 0
        arm()
        const resolving = resolveModelFile(model, {
          cli: false,
          signal: controller.signal,
          onProgress: ({ downloadedSize }) => {
            if (downloadedSize > received) {
              received = downloadedSize
              arm()
            }
          },
          ...(options.modelsDirectory === undefined ? {} : { directory: options.modelsDirectory })
        })
        resolving.catch(() => {}) // settled by the race below; a late rejection is not unhandled
        // the race: a resolution that ignores the abort still gives up on time
        return Promise.race([resolving, stalled]).finally(() => {
          clearTimeout(timer)
          signal.removeEventListener("abort", onAbort)
        })
      },
      catch: (cause) =>
        new ModelLoadError({ reason: "ResolveFailed", model, message: `could not resolve model URI ${model}: ${describe(cause)}` })
    })
  }
  return yield* checkFile(model, "model file")
})

const checkFile = (file: string, what: string): Effect.Effect<string, ModelLoadError> => {
  const absolute = NodePath.resolve(file)
  return Effect.tryPromise({
    try: () => NodeFs.stat(absolute),
    catch: () => new ModelLoadError({ reason: "NotFound", model: file, message: `${what} not found: ${absolute}` })
  }).pipe(Effect.flatMap((stat) =>
    stat.isFile()
      ? Effect.succeed(absolute)
      : Effect.fail(new ModelLoadError({ reason: "NotFound", model: file, message: `${what} is not a file: ${absolute}` }))
  ))
}

// node-llama-cpp is loaded lazily so that importing this module (e.g. for its types or for the
// OpenAI provider through `Models`) never loads the native addon.
const importLlamaCpp = (model: string) =>
  Effect.tryPromise({
    try: () => import("node-llama-cpp"),
    catch: (cause) => new ModelLoadError({ reason: "LoadFailed", model, message: `node-llama-cpp could not be loaded: ${describe(cause)}` })
  })

/**
 * The llama runtime and the model, released (model, then runtime) when the scope closes.
 *
 * Laws: fails with `NotFound` before starting the runtime when the file is missing.
 * @complexity loads the weights: ~0.2–0.6 s for the tiny test models here
 */
export const loadModel = Effect.fnUntraced(function*(options: LoadOptions): Effect.fn.Return<Loaded, ModelLoadError, Scope.Scope> {
  const path = yield* resolvePath(options)
  const { getLlama, LlamaLogLevel } = yield* importLlamaCpp(options.modelPath)
  const llama = yield* Effect.acquireRelease(
    Effect.tryPromise({
      try: () => getLlama({ gpu: options.gpu ?? false, build: "never", logLevel: LlamaLogLevel.error }),
      catch: (cause) =>
        new ModelLoadError({ reason: "LoadFailed", model: options.modelPath, message: `llama runtime failed to start: ${describe(cause)}` })
    }),
    (llama) => Effect.promise(() => llama.dispose())
  )
  const model = yield* Effect.acquireRelease(
    Effect.tryPromise({
      try: () => llama.loadModel({ modelPath: path }),
      catch: (cause) =>
        new ModelLoadError({ reason: "LoadFailed", model: options.modelPath, message: `could not load ${path}: ${describe(cause)}` })
    }),
    (model) => Effect.promise(() => model.dispose())
  )
  return { llama, model, path }
})

// ── JSON schema → grammar schema ──────────────────────────────────────────────

type Json = { readonly [key: string]: unknown }

const isObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

const PRIMITIVE_TYPES = new Set(["string", "number", "integer", "boolean", "null"])
const STRING_FORMATS = new Set(["date-time", "time", "date"])

const ANY_VALUE: Json = {
  oneOf: [
    { type: ["string", "number", "boolean", "null"] },
    { type: "array" },
    { type: "object", additionalProperties: true }
  ]
}

const isPrimitive = (u: unknown): u is string | number | boolean | null =>
  u === null || typeof u === "string" || typeof u === "number" || typeof u === "boolean"

/**
 * A JSON schema (draft 2020-12, as effect's `Schema.toJsonSchemaDocument` writes it) narrowed to
 * the subset node-llama-cpp compiles into a grammar.
 *
 * Kept: `type`, `const`, `enum`, `anyOf`/`oneOf` (as `oneOf`), `allOf` fragments (merged into the
 * parent), string `minLength`/`maxLength`/`format` (date-time, time, date), object `properties`/
 * `required`, array `items`/`prefixItems`/`minItems`/`maxItems`, `$ref`/`$defs`, `description`.
 * Dropped (still enforced by the `Schema` decode): numeric bounds, patterns, other formats.
 * `additionalProperties: true` on an object with declared properties becomes `false` (the model
 * is not invited to invent keys a decoder would ignore); an empty schema allows any JSON value.
 *
 * Laws: every value the grammar allows is valid JSON; the result only narrows `schema`'s
 * structure where noted above.
 * @complexity O(|schema|)
 * @example
 * ```ts
 * toGbnfJsonSchema({ type: "object", properties: { a: { type: "integer", minimum: 0 } }, required: ["a"], additionalProperties: true })
 * // { type: "object", properties: { a: { type: "integer" } }, required: ["a"], additionalProperties: false }
 * ```
 */
export const toGbnfJsonSchema = (schema: unknown): GbnfJsonSchema => narrow(schema) as GbnfJsonSchema

const narrow = (schema: unknown): Json => {
  if (schema === true || !isObject(schema)) return ANY_VALUE
  let s: Json = schema
  if (Array.isArray(s.allOf)) {
    const merged: Record<string, unknown> = { ...s }
    delete merged.allOf
    for (const part of s.allOf) if (isObject(part)) for (const [k, v] of Object.entries(part)) if (!(k in merged)) merged[k] = v
    s = merged
  }
  const description = typeof s.description === "string" ? { description: s.description } : {}
  const defs = isObject(s.$defs)
    ? { $defs: Object.fromEntries(Object.entries(s.$defs).map(([k, v]) => [k, narrow(v)])) }
    : {}
  if (typeof s.$ref === "string") return { $ref: s.$ref, ...description, ...defs }
  if ("const" in s && isPrimitive(s.const)) return { const: s.const, ...description }
  if (Array.isArray(s.enum)) return { enum: s.enum.filter(isPrimitive), ...description }
  const alternatives = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined
  if (alternatives !== undefined) return { oneOf: alternatives.map(narrow), ...description, ...defs }

  const type = s.type ?? (isObject(s.properties) ? "object" : s.items !== undefined || s.prefixItems !== undefined ? "array" : undefined)
  if (Array.isArray(type)) {
    const types = type.filter((t): t is string => typeof t === "string")
    if (types.every((t) => PRIMITIVE_TYPES.has(t))) return { type: types , ...description }
    return { oneOf: types.map((t) => narrow({ ...s, type: t })), ...description }
  }
  switch (type) {
    case "string": {
      if (typeof s.format === "string" && STRING_FORMATS.has(s.format)) {
        return { type: "string", format: s.format, ...description }
      }
      return {
        type: "string",
        ...(typeof s.minLength === "number" ? { minLength: s.minLength } : {}),
        ...(typeof s.maxLength === "number" ? { maxLength: s.maxLength } : {}),
        ...description
      }
    }
    case "number":
    case "integer":
    case "boolean":
    case "null":
      return { type, ...description }
    case "object": {
      const properties = isObject(s.properties) ? s.properties : {}
      const keys = Object.keys(properties)
      const additional = s.additionalProperties
      return {
        type: "object",
        properties: Object.fromEntries(keys.map((k) => [k, narrow(properties[k])])),
        required: Array.isArray(s.required) ? s.required.filter((k): k is string => typeof k === "string") : [],
        additionalProperties: isObject(additional) ? narrow(additional) : additional === false ? false : keys.length === 0,
        ...description,
        ...defs
      }
    }
    case "array":
      return {
        type: "array",
        ...(s.items !== undefined && s.items !== false ? { items: narrow(s.items) } : {}),
        ...(Array.isArray(s.prefixItems) ? { prefixItems: s.prefixItems.map(narrow) } : {}),
        ...(typeof s.minItems === "number" ? { minItems: s.minItems } : {}),
        ...(typeof s.maxItems === "number" ? { maxItems: s.maxItems } : {}),
        ...description,
        ...defs
      }
    default:
      return ANY_VALUE
  }
}

// ── the language model ────────────────────────────────────────────────────────

const MODULE = "Llama"

const failWith = (method: string, reason: AiError.AiErrorReason) => AiError.make({ module: MODULE, method, reason })

const finishReason = (stop: string): Response.FinishReason => {
  switch (stop) {
    case "maxTokens":
      return "length"
    case "eogToken":
    case "stopGenerationTrigger":
    case "customStopTrigger":
      return "stop"
    case "functionCalls":
      return "tool-calls"
    case "abort":
      return "other"
    default:
      return "unknown"
  }
}

/**
 * Whether a chat wrapper supports function calling: a Jinja template wrapper when node-llama-cpp
 * recognised the template's tool syntax, any other wrapper when it has a function-call syntax of
 * its own (its `settings.functions` is not `generic`, the base wrapper's default syntax, which no
 * model was trained on).
 * @complexity O(1)
 */
export const supportsFunctionCalling = (wrapper: ChatWrapper, generic: ChatWrapper["settings"]["functions"]): boolean => {
  const jinja: unknown = (wrapper as { readonly usingJinjaFunctionCallTemplate?: unknown }).usingJinjaFunctionCallTemplate
  return typeof jinja === "boolean" ? jinja : wrapper.settings.functions !== generic
}

/**
 * The tools as node-llama-cpp functions: name → description and the parameters' JSON schema
 * narrowed for the grammar ({@link toGbnfJsonSchema}).
 * @complexity O(Σ |schema|)
 */
export const toFunctions = (tools: ReadonlyArray<Tool.Any>): ChatModelFunctions =>
  Object.fromEntries(tools.map((tool) => {
    const description = Tool.getDescription(tool)
    return [tool.name, { ...(description === undefined ? {} : { description }), params: toGbnfJsonSchema(Tool.getJsonSchema(tool)) }]
  }))

/**
 * The prompt's messages as node-llama-cpp chat history, ending with the model response to
 * generate: a new empty one after a final user message, or — after final tool results — the
 * model response holding the calls and their results, which generation continues. An assistant
 * message's tool calls become `functionCall` items of its model response, each with the result
 * of the tool message carrying its id (`undefined` when none does).
 *
 * Laws: a prompt of text messages ending with a user message maps one to one, plus `{ type:
 * "model", response: [] }`; fails when the prompt ends otherwise.
 * @complexity O(messages)
 */
export const toChatHistory = (messages: ReadonlyArray<Message>): ChatHistoryItem[] | undefined => {
  const history: Array<ChatHistoryItem> = []
  const pending = new Map<string, ChatModelFunctionCall>()
  for (const m of messages) {
    switch (m.role) {
      case "system":
        history.push({ type: "system", text: m.content })
        break
      case "user":
        history.push({ type: "user", text: m.content })
        break
      case "assistant": {
        const response: Array<string | ChatModelFunctionCall> = m.content.length > 0 ? [m.content] : []
        for (const call of m.toolCalls) {
          const item: ChatModelFunctionCall = { type: "functionCall", name: call.name, params: call.params, result: undefined }
          pending.set(call.id, item)
          response.push(item)
        }
        history.push({ type: "model", response })
        break
      }
      case "tool": {
        const call = pending.get(m.toolCallId)
        if (call !== undefined) call.result = m.isFailure ? { error: m.content } : m.content
        break
      }
    }
  }
  const last = messages.at(-1)
  if (last?.role === "user") history.push({ type: "model", response: [] })
  else if (last?.role !== "tool" || history.at(-1)?.type !== "model") return undefined
  return history
}

/**
 * A `LanguageModel` over the GGUF model of `options`, alive for the scope.
 *
 * Laws: with `temperature` 0 (the default) the same prompt gives the same text; requests are
 * served one at a time; a request with `responseFormat: json` yields text the JSON-schema grammar
 * accepts (unless cut by `maxTokens`, finish reason `length`).
 * @complexity per request: prompt evaluation + one forward pass per generated token
 */
export const make = Effect.fnUntraced(function*(options: Options): Effect.fn.Return<LanguageModel.LanguageModel, ModelLoadError, Scope.Scope> {
  const { llama, model } = yield* loadModel(options)
  const { ChatWrapper, LlamaChat } = yield* importLlamaCpp(options.modelPath)
  const lora = options.lora === undefined
    ? undefined
    : typeof options.lora === "string"
    ? { filePath: options.lora, scale: undefined }
    : options.lora
  const loraPath = lora === undefined ? undefined : yield* checkFile(lora.filePath, "LoRA adapter")
  const context = yield* Effect.acquireRelease(
    Effect.tryPromise({
      try: () =>
        model.createContext({
          contextSize: { max: options.contextSize ?? DEFAULT_CONTEXT_SIZE },
          threads: options.threads ?? DEFAULT_THREADS,
          ...(loraPath === undefined ? {} : { lora: { adapters: [{ filePath: loraPath, ...(lora?.scale === undefined ? {} : { scale: lora.scale }) }] } })
        }),
      catch: (cause) =>
        new ModelLoadError({ reason: "LoadFailed", model: options.modelPath, message: `could not create a context: ${describe(cause)}` })
    }),
    (context) => Effect.promise(() => context.dispose())
  )
  const sequence: LlamaContextSequence = context.getSequence()
  const lock = yield* Semaphore.make(1)
  const grammars = new Map<string, LlamaGrammar>()

  const grammarFor = (method: string, format: LanguageModel.ProviderOptions["responseFormat"]) => {
    if (format.type === "text") return Effect.succeed(undefined)
    return Effect.gen(function*() {
      const jsonSchema = yield* Effect.try({
        try: () => toGbnfJsonSchema(LanguageModel.defaultCodecTransformer(format.schema).jsonSchema),
        catch: (cause) => failWith(method, new AiError.UnsupportedSchemaError({ description: describe(cause) }))
      })
      const key = JSON.stringify(jsonSchema)
      const cached = grammars.get(key)
      if (cached !== undefined) return cached
      const grammar = yield* Effect.tryPromise({
        try: () => llama.createGrammarForJsonSchema<GbnfJsonSchema>(jsonSchema),
        catch: (cause) =>
          failWith(method, new AiError.UnsupportedSchemaError({ description: `the grammar compiler refused the schema: ${describe(cause)}` }))
      })
      grammars.set(key, grammar)
      return grammar
    })
  }

  const chat = new LlamaChat({ contextSequence: sequence, autoDisposeSequence: false })
  yield* Effect.addFinalizer(() => Effect.sync(() => chat.dispose({ disposeSequence: false })))
  const functionCalling = supportsFunctionCalling(chat.chatWrapper, ChatWrapper.defaultSettings.functions)
  let calls = 0

  /** Runs one request on the (single) sequence; `onText` sees each decoded chunk. */
  const run = (method: string, provider: LanguageModel.ProviderOptions, onText?: (text: string) => void) =>
    Effect.gen(function*() {
      const messages = yield* toMessages(provider.prompt, MODULE, method)
      const history = toChatHistory(messages)
      if (history === undefined) {
        return yield* failWith(method, new AiError.InvalidUserInputError({ description: "the prompt must end with a user message or tool results" }))
      }
      const grammar = yield* grammarFor(method, provider.responseFormat)
      // tools only where the chat wrapper has a function-call syntax, and never with a JSON grammar
      const functions = functionCalling && grammar === undefined && provider.tools.length > 0 && provider.toolChoice !== "none"
        ? toFunctions(provider.tools)
        : undefined
      const result = yield* Effect.tryPromise({
        try: async (signal) => {
          await sequence.clearHistory()
          const common = {
            maxTokens: options.maxTokens ?? DEFAULT_MAX_TOKENS,
            temperature: options.temperature ?? 0,
            ...(options.seed === undefined ? {} : { seed: options.seed }),
            ...(onText === undefined ? {} : { onTextChunk: onText }),
            signal
          }
          // node-llama-cpp takes either a grammar or functions
          return functions === undefined
            ? await chat.generateResponse(history, { ...common, ...(grammar === undefined ? {} : { grammar }) })
            : await chat.generateResponse(history, { ...common, functions })
        },
        catch: (cause) => failWith(method, new AiError.UnknownError({ description: `generation failed: ${describe(cause)}` }))
      })
      const toolCalls = (result.functionCalls ?? []).map((c) => ({ id: `llama-call-${++calls}`, name: c.functionName, params: c.params as unknown }))
      return { text: result.response, toolCalls, stopReason: result.metadata.stopReason }
    }).pipe(lock.withPermit)

  const usage = { inputTokens: {}, outputTokens: {} }

  return yield* LanguageModel.make({
    generateText: (provider) =>
      Effect.map(run("generateText", provider), (result): Array<Response.PartEncoded> => [
        { type: "text", text: result.text },
        ...result.toolCalls.map((c): Response.PartEncoded => ({ type: "tool-call", ...c })),
        { type: "finish", reason: finishReason(result.stopReason), usage }
      ]),
    streamText: (provider) =>
      Stream.callback<Response.StreamPartEncoded, AiError.AiError>((queue) => {
        const id = "0"
        Queue.offerUnsafe(queue, { type: "text-start", id })
        // An error of `run` fails the stream (Stream.callback puts it into the queue).
        return run("streamText", provider, (delta) => Queue.offerUnsafe(queue, { type: "text-delta", id, delta })).pipe(
          Effect.tap((result) =>
            Effect.sync(() => {
              Queue.offerUnsafe(queue, { type: "text-end", id })
              for (const c of result.toolCalls) Queue.offerUnsafe(queue, { type: "tool-call", ...c })
              Queue.offerUnsafe(queue, { type: "finish", reason: finishReason(result.stopReason), usage })
              Queue.endUnsafe(queue)
            })
          )
        )
      })
  })
})
