/**
 * OpenAiChat — an `effect/ai` `LanguageModel` over any OpenAI-compatible
 * `POST {baseUrl}/v1/chat/completions` endpoint (OpenAI, llama.cpp server, vLLM, Ollama, LM
 * Studio…), written over effect's `HttpClient` (the published `@effect/ai-openai*` packages do
 * not load on effect 4.1).
 *
 * Request: `{ model, messages, temperature?, seed?, max_tokens? }`, bearer key when one is given.
 * Structured output (`responseFormat: json`) adds
 * `response_format: { type: "json_schema", json_schema: { name, schema, strict: true } }`, the
 * schema made by effect's `OpenAiStructuredOutput.toCodecOpenAI` (which is also this model's
 * codec transformer, so `generateObject` decodes with the matching codec).
 * Response, decoded with `Schema`: `{ choices: [{ message: { content, tool_calls? }, finish_reason }], usage? }`.
 * `streamText` sends `stream: true` and reads the server-sent events (`data: {choices: [{ delta:
 * { content, tool_calls? } }]}` … `data: [DONE]`).
 *
 * **Tools.** A request with a toolkit sends `tools: [{ type: "function", function: { name,
 * description, parameters } }]` (`parameters`: the JSON schema of the tool's parameter `Schema`,
 * `Tool.getJsonSchema`) and `tool_choice` (`"auto"` by default; `"none"`, `"required"` and
 * `{ tool }` map to OpenAI's forms). The answer's `message.tool_calls` (`{ id, type: "function",
 * function: { name, arguments } }`, `arguments` a JSON string) become `tool-call` response parts
 * with the parsed arguments as `params`; arguments that are not valid JSON are passed on as the
 * raw string (the caller's validation reports them; with effect's default strict validation the
 * response fails to decode). Streaming accumulates `delta.tool_calls` by `index` (the id and name
 * come in the first chunk, the arguments in pieces) and emits `tool-params-start` / `-delta` /
 * `-end` and one `tool-call` part per call at the end. In the prompt, assistant `tool-call` parts
 * are sent as `assistant.tool_calls` and `tool-result` parts as `{ role: "tool", tool_call_id,
 * content }` messages (see `Messages`).
 *
 * **Timeouts (fail fast).** Every request is bounded: `requestTimeout` (default
 * {@link DEFAULT_REQUEST_TIMEOUT_MS}, 120 s) bounds a non-streaming request from sending to the
 * last byte of the body, and a streaming request's wait for the headers and for each next event;
 * past it the call fails with `NetworkError` ("no answer within …"). Connecting is bounded by the
 * HTTP client's dispatcher: {@link httpClientLayer} builds undici's agent with `connectTimeout`
 * (default {@link DEFAULT_CONNECT_TIMEOUT_MS}, 10 s), so a blackholed address fails with
 * `NetworkError` too, and a refused connection fails at once.
 *
 * Failures are `AiError`s whose `reason` says what went wrong:
 * - endpoint unreachable (connection refused, DNS, bad URL, connect or request timeout) → `NetworkError`
 * - HTTP 401 / 403 → `AuthenticationError` (`InvalidKey` / `InsufficientPermissions`)
 * - other non-2xx → `AiError.reasonFromHttpStatus` (`InvalidRequestError`, `RateLimitError`, …)
 * - a 2xx body (or event) that is not the schema → `InvalidResponseError`
 * - a refusal (`message.refusal`) → `ContentPolicyError`
 * - files in the prompt → `InvalidUserInputError`
 *
 * @since 0.1.0
 */
import { Duration, Effect, type Layer, type Redacted, Schema, Stream } from "effect"
import { AiError, LanguageModel, OpenAiStructuredOutput, type Response, Tool } from "effect/ai"
import { HttpClient, type HttpClientError, HttpClientRequest, type HttpClientResponse } from "effect/http"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { argumentsText, type Message, toMessages } from "./Messages.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** Where and how to call the endpoint. */
export interface Options {
  /** e.g. `http://127.0.0.1:8080` or `https://api.openai.com`; a trailing `/v1` is accepted. */
  readonly baseUrl: string
  /** Sent as `Authorization: Bearer …`; omit for local servers that take none. */
  readonly apiKey?: Redacted.Redacted<string> | undefined
  /** The model name the server expects. */
  readonly model: string
  /** Sampling temperature (default 0). */
  readonly temperature?: number | undefined
  /** Sampling seed, sent when given. */
  readonly seed?: number | undefined
  /** `max_tokens`, sent when given. */
  readonly maxTokens?: number | undefined
  /** Most milliseconds a request may wait for its answer (see the module header; default 120 000). */
  readonly requestTimeoutMs?: number | undefined
  /**
   * Most milliseconds connecting may take (default 10 000). Used by the HTTP client's layer
   * ({@link httpClientLayer}, which `Models.layerOpenAi` builds from these options), not by {@link make}.
   */
  readonly connectTimeoutMs?: number | undefined
}

/** Default bound of a request, in milliseconds (2 minutes: a slow local model still answers). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000
/** Default bound of connecting to the endpoint, in milliseconds. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000

/** A tool call of a response (`message.tool_calls[i]`). */
const ToolCallJson = Schema.Struct({
  id: Schema.String,
  type: Schema.optional(Schema.String),
  function: Schema.Struct({ name: Schema.String, arguments: Schema.optional(Schema.NullOr(Schema.String)) })
})

/** The non-streaming response body, as far as we read it (extra fields are ignored). */
export const ChatCompletion = Schema.Struct({
  id: Schema.optional(Schema.String),
  model: Schema.optional(Schema.String),
  choices: Schema.NonEmptyArray(Schema.Struct({
    message: Schema.Struct({
      content: Schema.optional(Schema.NullOr(Schema.String)),
      refusal: Schema.optional(Schema.NullOr(Schema.String)),
      tool_calls: Schema.optional(Schema.NullOr(Schema.Array(ToolCallJson)))
    }),
    finish_reason: Schema.optional(Schema.NullOr(Schema.String))
  })),
  usage: Schema.optional(Schema.NullOr(Schema.Struct({
    prompt_tokens: Schema.optional(Schema.Int),
    completion_tokens: Schema.optional(Schema.Int)
  })))
})

/** A piece of a tool call in a streamed delta (`delta.tool_calls[i]`). */
const ToolCallDeltaJson = Schema.Struct({
  index: Schema.optional(Schema.Int),
  id: Schema.optional(Schema.NullOr(Schema.String)),
  type: Schema.optional(Schema.NullOr(Schema.String)),
  function: Schema.optional(Schema.NullOr(Schema.Struct({
    name: Schema.optional(Schema.NullOr(Schema.String)),
    arguments: Schema.optional(Schema.NullOr(Schema.String))
  })))
})

/** One server-sent event of a streaming response. */
export const ChatCompletionChunk = Schema.Struct({
  choices: Schema.Array(Schema.Struct({
    delta: Schema.optional(Schema.Struct({
      content: Schema.optional(Schema.NullOr(Schema.String)),
      tool_calls: Schema.optional(Schema.NullOr(Schema.Array(ToolCallDeltaJson)))
    })),
    finish_reason: Schema.optional(Schema.NullOr(Schema.String))
  }))
})

const decodeCompletion = Schema.decodeUnknownEffect(Schema.fromJsonString(ChatCompletion))
const decodeChunk = Schema.decodeUnknownEffect(Schema.fromJsonString(ChatCompletionChunk))

// ── helpers ───────────────────────────────────────────────────────────────────

/**
 * `{baseUrl}/v1/chat/completions`, tolerating a trailing slash or a trailing `/v1` on `baseUrl`.
 * @example endpoint("http://h:1/v1/") // "http://h:1/v1/chat/completions"
 */
export const endpoint = (baseUrl: string): string =>
  `${baseUrl.replace(/\/+$/, "").replace(/\/v1$/, "")}/v1/chat/completions`

/**
 * A `json_schema.name` the API accepts (`[a-zA-Z0-9_-]{1,64}`).
 * @example schemaName("launch plan!") // "launch_plan_"
 */
export const schemaName = (objectName: string): string =>
  objectName.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64) || "output"

/**
 * A tool call's `arguments` text as `params`: the parsed JSON, or the raw text when it is not JSON
 * (empty or missing arguments read as `{}`).
 * @example parseArguments('{"query":"a"}') // { query: "a" }
 * @example parseArguments("{bad") // "{bad"
 */
export const parseArguments = (text: string | null | undefined): unknown => {
  if (text === null || text === undefined || text.trim().length === 0) return {}
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** The OpenAI form of one tool (`tools[i]`). */
export const toolJson = (tool: Tool.Any): object => {
  const description = Tool.getDescription(tool)
  return {
    type: "function",
    function: { name: tool.name, ...(description === undefined ? {} : { description }), parameters: Tool.getJsonSchema(tool) }
  }
}

/** The OpenAI form of the request's tool choice. */
export const toolChoiceJson = (choice: LanguageModel.ProviderOptions["toolChoice"]): unknown => {
  if (typeof choice === "string") return choice
  if ("tool" in choice) return { type: "function", function: { name: choice.tool } }
  // `oneOf`: the provider options' `tools` already hold only those tools
  return choice.mode === "required" ? "required" : "auto"
}

/**
 * The chat messages in OpenAI's form: `{ role, content }`, an assistant message with tool calls
 * as `{ role: "assistant", content: text | null, tool_calls }`, a tool result as
 * `{ role: "tool", tool_call_id, content }`.
 */
export const toOpenAiMessages = (messages: ReadonlyArray<Message>): Array<object> =>
  messages.map((m) => {
    switch (m.role) {
      case "system":
      case "user":
        return { role: m.role, content: m.content }
      case "assistant":
        return m.toolCalls.length === 0 ? { role: "assistant", content: m.content } : {
          role: "assistant",
          content: m.content.length > 0 ? m.content : null,
          tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: argumentsText(c.params) } }))
        }
      case "tool":
        return { role: "tool", tool_call_id: m.toolCallId, content: m.content }
    }
  })

/**
 * The HTTP client the provider runs on: undici with `connectTimeoutMs` (default
 * {@link DEFAULT_CONNECT_TIMEOUT_MS}) as its connect timeout.
 * @complexity O(1) to build
 */
export const httpClientLayer = (connectTimeoutMs: number = DEFAULT_CONNECT_TIMEOUT_MS): Layer.Layer<HttpClient.HttpClient> =>
  NodeHttpClient.layerUndiciOptions({ connect: { timeout: connectTimeoutMs } })

const MODULE = "OpenAiChat"

const finishReason = (reason: string | null | undefined): Response.FinishReason => {
  switch (reason) {
    case "stop":
      return "stop"
    case "length":
      return "length"
    case "content_filter":
      return "content-filter"
    case "tool_calls":
    case "function_call":
      return "tool-calls"
    default:
      return "unknown"
  }
}

const describeSchemaError = (error: Schema.SchemaError): string => error.message

// ── constructor ───────────────────────────────────────────────────────────────

/**
 * A `LanguageModel` calling the endpoint through the `HttpClient` in context.
 *
 * Laws: one HTTP request per `generateText`/`generateObject`/`streamText` call; the text of the
 * response is the first choice's `content`, its tool calls the first choice's `tool_calls`;
 * every call ends (answer or `AiError`) within the request timeout, plus connecting.
 * @complexity one HTTP round trip per call
 */
export const make = Effect.fn("OpenAiChat.make")(function*(options: Options) {
  const client = yield* HttpClient.HttpClient
  const url = endpoint(options.baseUrl)
  const requestTimeout = Duration.millis(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS)

  const fail = (method: string, reason: AiError.AiErrorReason) => Effect.fail(AiError.make({ module: MODULE, method, reason }))
  const malformed = (method: string, status: number, description: string) =>
    fail(method, new AiError.InvalidResponseError({ description, http: { response: { status, headers: {} } } }))
  const timedOut = (method: string) =>
    AiError.make({
      module: MODULE,
      method,
      reason: new AiError.NetworkError({
        reason: "TransportError",
        method: "POST",
        url,
        description: `no answer from ${url} within ${Duration.format(requestTimeout)}`
      })
    })
  /** `effect` bounded by the request timeout. */
  const bounded = <A, R>(method: string, effect: Effect.Effect<A, AiError.AiError, R>) =>
    Effect.timeoutOrElse(effect, { duration: requestTimeout, orElse: () => Effect.fail(timedOut(method)) })

  const body = (method: string, provider: LanguageModel.ProviderOptions, stream: boolean) =>
    Effect.gen(function*() {
      const messages = toOpenAiMessages(yield* toMessages(provider.prompt, MODULE, method))
      const format = provider.responseFormat
      const responseFormat = format.type === "text" ? undefined : yield* Effect.try({
        try: () => ({
          type: "json_schema",
          json_schema: {
            name: schemaName(format.objectName),
            // Schema.Top is what ProviderOptions carries; the transformer takes any codec.
            schema: OpenAiStructuredOutput.toCodecOpenAI(format.schema as Schema.Codec<unknown, unknown>).jsonSchema,
            strict: true
          }
        }),
        catch: (cause) =>
          AiError.make({
            module: MODULE,
            method,
            reason: new AiError.UnsupportedSchemaError({ description: cause instanceof Error ? cause.message : String(cause) })
          })
      })
      const tools = provider.tools.length === 0 ? undefined : yield* Effect.try({
        try: () => provider.tools.map(toolJson),
        catch: (cause) =>
          AiError.make({
            module: MODULE,
            method,
            reason: new AiError.UnsupportedSchemaError({ description: cause instanceof Error ? cause.message : String(cause) })
          })
      })
      return {
        model: options.model,
        messages,
        temperature: options.temperature ?? 0,
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(options.maxTokens === undefined ? {} : { max_tokens: options.maxTokens }),
        ...(responseFormat === undefined ? {} : { response_format: responseFormat }),
        ...(tools === undefined ? {} : { tools, tool_choice: toolChoiceJson(provider.toolChoice) }),
        ...(stream ? { stream: true } : {})
      }
    })

  const transportReason = (e: HttpClientError.HttpClientError): AiError.AiErrorReason =>
    e.reason._tag === "TransportError" || e.reason._tag === "EncodeError" || e.reason._tag === "InvalidUrlError"
      ? new AiError.NetworkError({ reason: e.reason._tag, method: "POST", url, description: e.reason.description ?? e.message })
      : new AiError.UnknownError({ description: e.message })
  const transportError = (method: string) => (e: HttpClientError.HttpClientError) => fail(method, transportReason(e))

  /** Sends the request; a non-2xx answer becomes its `AiError`. */
  const send = (method: string, payload: object) =>
    Effect.gen(function*() {
      const base = HttpClientRequest.post(url).pipe(HttpClientRequest.acceptJson, HttpClientRequest.bodyJsonUnsafe(payload))
      const request = options.apiKey === undefined ? base : HttpClientRequest.bearerToken(base, options.apiKey)
      const response = yield* client.execute(request).pipe(Effect.catchTag("HttpClientError", transportError(method)))
      if (response.status >= 200 && response.status < 300) return response
      const text = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
      return yield* fail(method, AiError.reasonFromHttpStatus({
        status: response.status,
        http: { response: { status: response.status, headers: {} }, body: text.slice(0, 2000) },
        description: `POST ${url} answered ${response.status}: ${text.slice(0, 200)}`
      }))
    })

  const generateText = (provider: LanguageModel.ProviderOptions) =>
    Effect.gen(function*() {
      const method = "generateText"
      const payload = yield* body(method, provider, false)
      const { response, text } = yield* bounded(
        method,
        Effect.flatMap(send(method, payload), (response: HttpClientResponse.HttpClientResponse) =>
          Effect.map(response.text.pipe(Effect.catchTag("HttpClientError", transportError(method))), (text) => ({ response, text })))
      )
      const completion = yield* decodeCompletion(text).pipe(
        Effect.catchTag("SchemaError", (e) =>
          malformed(method, response.status, `POST ${url}: the body is not a chat completion: ${describeSchemaError(e)}`))
      )
      const choice = completion.choices[0]
      const content = choice.message.content ?? null
      const calls = choice.message.tool_calls ?? []
      if (content === null && calls.length === 0) {
        return yield* choice.message.refusal
          ? fail(method, new AiError.ContentPolicyError({ description: `the model refused: ${choice.message.refusal}` }))
          : malformed(method, response.status, `POST ${url}: the first choice has no content`)
      }
      const parts: Array<Response.PartEncoded> = [
        { type: "response-metadata", ...(completion.model === undefined ? {} : { modelId: completion.model }) },
        ...(content === null ? [] : [{ type: "text", text: content } as const]),
        ...calls.map((c): Response.PartEncoded => ({
          type: "tool-call",
          id: c.id,
          name: c.function.name,
          params: parseArguments(c.function.arguments)
        })),
        {
          type: "finish",
          reason: finishReason(choice.finish_reason),
          usage: {
            inputTokens: completion.usage?.prompt_tokens === undefined ? {} : { total: completion.usage.prompt_tokens },
            outputTokens: completion.usage?.completion_tokens === undefined ? {} : { total: completion.usage.completion_tokens }
          }
        }
      ]
      return parts
    })

  const streamText = (provider: LanguageModel.ProviderOptions): Stream.Stream<Response.StreamPartEncoded, AiError.AiError> =>
    Stream.unwrap(Effect.gen(function*() {
      const method = "streamText"
      const payload = yield* body(method, provider, true)
      const response = yield* bounded(method, send(method, payload))
      const id = "0"
      let reason: Response.FinishReason = "unknown"
      // tool calls being streamed, by their index: id and name from the first piece, arguments accumulated
      const calls = new Map<number, { id: string; name: string; args: string }>()
      const events = response.stream.pipe(
        Stream.mapError((e) => AiError.make({ module: MODULE, method, reason: transportReason(e) })),
        Stream.decodeText(),
        Stream.splitLines,
        Stream.map((line) => line.trim()),
        Stream.filter((line) => line.startsWith("data:")),
        Stream.map((line) => line.slice(5).trim()),
        Stream.takeWhile((data) => data !== "[DONE]"),
        Stream.timeoutOrElse({ duration: requestTimeout, orElse: () => Stream.fail(timedOut(method)) }),
        Stream.mapEffect((data) =>
          decodeChunk(data).pipe(
            Effect.catchTag("SchemaError", (e) =>
              malformed(method, response.status, `POST ${url}: an event is not a chat completion chunk: ${describeSchemaError(e)}`))
          )
        ),
        Stream.flatMap((chunk) => {
          const out: Array<Response.StreamPartEncoded> = []
          for (const choice of chunk.choices) {
            const delta = choice.delta?.content
            if (typeof delta === "string" && delta.length > 0) out.push({ type: "text-delta", id, delta })
            for (const piece of choice.delta?.tool_calls ?? []) {
              const index = piece.index ?? 0
              let call = calls.get(index)
              if (call === undefined) {
                call = { id: piece.id ?? `call-${index}`, name: piece.function?.name ?? "", args: "" }
                calls.set(index, call)
                out.push({ type: "tool-params-start", id: call.id, name: call.name })
              } else if (piece.function?.name) call.name += piece.function.name
              const args = piece.function?.arguments
              if (typeof args === "string" && args.length > 0) {
                call.args += args
                out.push({ type: "tool-params-delta", id: call.id, delta: args })
              }
            }
            if (choice.finish_reason) reason = finishReason(choice.finish_reason)
          }
          return Stream.fromIterable(out)
        })
      )
      return Stream.concat(
        Stream.concat(Stream.succeed<Response.StreamPartEncoded>({ type: "text-start", id }), events),
        Stream.suspend(() =>
          Stream.fromIterable<Response.StreamPartEncoded>([
            { type: "text-end", id },
            ...[...calls.entries()].sort(([a], [b]) => a - b).flatMap(([, c]): Array<Response.StreamPartEncoded> => [
              { type: "tool-params-end", id: c.id },
              { type: "tool-call", id: c.id, name: c.name, params: parseArguments(c.args) }
            ]),
            { type: "finish", reason, usage: { inputTokens: {}, outputTokens: {} } }
          ])
        )
      )
    }))

  return yield* LanguageModel.make({
    generateText,
    streamText,
    codecTransformer: OpenAiStructuredOutput.toCodecOpenAI
  })
})
