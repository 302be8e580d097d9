/**
 * OpenAiChat — an `effect/ai` `LanguageModel` over any OpenAI-compatible
 * `POST {baseUrl}/v1/chat/completions` endpoint (OpenAI, llama.cpp server, vLLM, Ollama, LM
 * Studio…), written over effect's `HttpClient` (the published `@effect/ai-openai*` packages do
 * not load on effect 4.1).
 *
 * Request: `{ model, messages: [{ role, content }], temperature?, seed?, max_tokens? }`, bearer key
 * when one is given. Structured output (`responseFormat: json`) adds
 * `response_format: { type: "json_schema", json_schema: { name, schema, strict: true } }`, the
 * schema made by effect's `OpenAiStructuredOutput.toCodecOpenAI` (which is also this model's
 * codec transformer, so `generateObject` decodes with the matching codec).
 * Response, decoded with `Schema`: `{ choices: [{ message: { content }, finish_reason }], usage? }`.
 * `streamText` sends `stream: true` and reads the server-sent events (`data: {choices: [{ delta:
 * { content } }]}` … `data: [DONE]`).
 *
 * Failures are `AiError`s whose `reason` says what went wrong:
 * - endpoint unreachable (connection refused, DNS, bad URL) → `NetworkError`
 * - HTTP 401 / 403 → `AuthenticationError` (`InvalidKey` / `InsufficientPermissions`)
 * - other non-2xx → `AiError.reasonFromHttpStatus` (`InvalidRequestError`, `RateLimitError`, …)
 * - a 2xx body (or event) that is not the schema → `InvalidResponseError`
 * - a refusal (`message.refusal`) → `ContentPolicyError`
 * - files or tools in the prompt → `InvalidUserInputError`
 *
 * @since 0.1.0
 */
import { Effect, type Redacted, Schema, Stream } from "effect"
import { AiError, LanguageModel, OpenAiStructuredOutput, type Response } from "effect/ai"
import { HttpClient, type HttpClientError, HttpClientRequest, type HttpClientResponse } from "effect/http"
import { toMessages } from "./Messages.ts"

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
}

/** The non-streaming response body, as far as we read it (extra fields are ignored). */
export const ChatCompletion = Schema.Struct({
  id: Schema.optional(Schema.String),
  model: Schema.optional(Schema.String),
  choices: Schema.NonEmptyArray(Schema.Struct({
    message: Schema.Struct({
      content: Schema.NullOr(Schema.String),
      refusal: Schema.optional(Schema.NullOr(Schema.String))
    }),
    finish_reason: Schema.optional(Schema.NullOr(Schema.String))
  })),
  usage: Schema.optional(Schema.NullOr(Schema.Struct({
    prompt_tokens: Schema.optional(Schema.Int),
    completion_tokens: Schema.optional(Schema.Int)
  })))
})

/** One server-sent event of a streaming response. */
export const ChatCompletionChunk = Schema.Struct({
  choices: Schema.Array(Schema.Struct({
    delta: Schema.optional(Schema.Struct({ content: Schema.optional(Schema.NullOr(Schema.String)) })),
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
 * response is the first choice's `content`.
 * @complexity one HTTP round trip per call
 */
export const make = Effect.fn("OpenAiChat.make")(function*(options: Options) {
  const client = yield* HttpClient.HttpClient
  const url = endpoint(options.baseUrl)

  const fail = (method: string, reason: AiError.AiErrorReason) => Effect.fail(AiError.make({ module: MODULE, method, reason }))
  const malformed = (method: string, status: number, description: string) =>
    fail(method, new AiError.InvalidResponseError({ description, http: { response: { status, headers: {} } } }))

  const body = (method: string, provider: LanguageModel.ProviderOptions, stream: boolean) =>
    Effect.gen(function*() {
      if (provider.tools.length > 0) {
        return yield* fail(method, new AiError.InvalidUserInputError({ description: "tools are not supported by the OpenAI-compatible provider here" }))
      }
      const messages = yield* toMessages(provider.prompt, MODULE, method)
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
      return {
        model: options.model,
        messages,
        temperature: options.temperature ?? 0,
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(options.maxTokens === undefined ? {} : { max_tokens: options.maxTokens }),
        ...(responseFormat === undefined ? {} : { response_format: responseFormat }),
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
      const response: HttpClientResponse.HttpClientResponse = yield* send(method, payload)
      const text = yield* response.text.pipe(Effect.catchTag("HttpClientError", transportError(method)))
      const completion = yield* decodeCompletion(text).pipe(
        Effect.catchTag("SchemaError", (e) =>
          malformed(method, response.status, `POST ${url}: the body is not a chat completion: ${describeSchemaError(e)}`))
      )
      const choice = completion.choices[0]
      if (choice.message.content === null) {
        return yield* choice.message.refusal
          ? fail(method, new AiError.ContentPolicyError({ description: `the model refused: ${choice.message.refusal}` }))
          : malformed(method, response.status, `POST ${url}: the first choice has no content`)
      }
      const parts: Array<Response.PartEncoded> = [
        { type: "response-metadata", ...(completion.model === undefined ? {} : { modelId: completion.model }) },
        { type: "text", text: choice.message.content },
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
      const response = yield* send(method, payload)
      const id = "0"
      let reason: Response.FinishReason = "unknown"
      const events = response.stream.pipe(
        Stream.mapError((e) => AiError.make({ module: MODULE, method, reason: transportReason(e) })),
        Stream.decodeText(),
        Stream.splitLines,
        Stream.map((line) => line.trim()),
        Stream.filter((line) => line.startsWith("data:")),
        Stream.map((line) => line.slice(5).trim()),
        Stream.takeWhile((data) => data !== "[DONE]"),
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
