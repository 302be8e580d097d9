/**
 * OpenAiEmbeddings — an `effect/ai` `EmbeddingModel` over any OpenAI-compatible
 * `POST {baseUrl}/v1/embeddings` endpoint (OpenAI, llama.cpp server, vLLM, Ollama, LM Studio…),
 * written over effect's `HttpClient` (the published `@effect/ai-openai*` packages do not load on
 * effect 4.1).
 *
 * Request: `{ model, input: string[], encoding_format: "float" }`, bearer key when one is given.
 * Response, decoded with `Schema`: `{ data: [{ index, embedding: number[] }], usage? }`;
 * vectors are put back in input order by `index`.
 *
 * Failures are `AiError`s (the `EmbeddingModel` contract) whose `reason` says what went wrong:
 * - endpoint unreachable (connection refused, DNS, bad URL) → `NetworkError`
 * - HTTP 401 / 403 (bad or missing key) → `AuthenticationError` (`InvalidKey` / `InsufficientPermissions`)
 * - other non-2xx → `AiError.reasonFromHttpStatus` (`RateLimitError`, `InternalProviderError`, …)
 * - a 2xx body that is not the schema, misses an index, or has vectors of the wrong length
 *   → `InvalidResponseError`
 * {@link classify} folds these into the three cases the CLI reports.
 *
 * @since 0.1.0
 */
import { Effect, type Redacted, Schema } from "effect"
import { AiError, EmbeddingModel } from "effect/ai"
import { HttpClient, HttpClientRequest } from "effect/http"

// ── model ─────────────────────────────────────────────────────────────────────

/** Where and how to call the endpoint. */
export interface Options {
  /** e.g. `http://127.0.0.1:8080` or `https://api.openai.com`; a trailing `/v1` is accepted. */
  readonly baseUrl: string
  /** Sent as `Authorization: Bearer …`; omit for local servers that take none. */
  readonly apiKey?: Redacted.Redacted<string> | undefined
  /** The model name the server expects. */
  readonly model: string
  /** Inputs per HTTP request (default 128; OpenAI accepts up to 2048). */
  readonly batchSize?: number | undefined
  /** Expected vector length; every response is checked against it when given. */
  readonly dimensions?: number | undefined
}

/** The `/v1/embeddings` response body, as far as we read it (extra fields are ignored). */
export const EmbeddingsResponse = Schema.Struct({
  data: Schema.Array(Schema.Struct({ index: Schema.Int, embedding: Schema.Array(Schema.Finite) })),
  usage: Schema.optional(Schema.Struct({ prompt_tokens: Schema.optional(Schema.Finite) }))
})

const decodeBody = Schema.decodeUnknownEffect(Schema.fromJsonString(EmbeddingsResponse))

/** The three failures a user must be told apart, and everything else. */
export type FailureKind = "Unreachable" | "BadKey" | "Malformed" | "Other"

// ── helpers ───────────────────────────────────────────────────────────────────

/**
 * `{baseUrl}/v1/embeddings`, tolerating a trailing slash or a trailing `/v1` on `baseUrl`.
 * @example endpoint("http://h:1/v1/") // "http://h:1/v1/embeddings"
 */
export const endpoint = (baseUrl: string): string => `${baseUrl.replace(/\/+$/, "").replace(/\/v1$/, "")}/v1/embeddings`

/**
 * Which of the user-facing failure cases an `AiError` is.
 * @complexity O(1)
 */
export const classify = (error: AiError.AiError): FailureKind => {
  switch (error.reason._tag) {
    case "NetworkError":
      return "Unreachable"
    case "AuthenticationError":
      return "BadKey"
    case "InvalidResponseError":
    case "InvalidOutputError":
      return "Malformed"
    default:
      return "Other"
  }
}

const fail = (reason: AiError.AiErrorReason) => Effect.fail(AiError.make({ module: "OpenAiEmbeddings", method: "embedMany", reason }))

const malformed = (status: number, description: string) =>
  fail(new AiError.InvalidResponseError({ description, http: { response: { status, headers: {} } } }))

// ── constructor ───────────────────────────────────────────────────────────────

/**
 * An `EmbeddingModel` calling the endpoint through the `HttpClient` in context.
 *
 * Laws: `embedMany(xs).embeddings.length === xs.length`, in input order; each vector has the
 * same length (and `options.dimensions` when given).
 * @complexity ⌈inputs / batchSize⌉ sequential HTTP requests
 */
export const make = Effect.fn("OpenAiEmbeddings.make")(function*(options: Options) {
  const client = yield* HttpClient.HttpClient
  const url = endpoint(options.baseUrl)
  const batchSize = Math.max(1, options.batchSize ?? 128)
  // The first vector length seen fixes the dimension for the life of the model.
  let dims = options.dimensions

  const request = Effect.fnUntraced(function*(inputs: ReadonlyArray<string>) {
    const base = HttpClientRequest.post(url).pipe(
      HttpClientRequest.acceptJson,
      HttpClientRequest.bodyJsonUnsafe({ model: options.model, input: inputs, encoding_format: "float" })
    )
    const req = options.apiKey === undefined ? base : HttpClientRequest.bearerToken(base, options.apiKey)
    const response = yield* client.execute(req).pipe(
      Effect.catchTag("HttpClientError", (e) =>
        e.reason._tag === "TransportError" || e.reason._tag === "EncodeError" || e.reason._tag === "InvalidUrlError"
          ? fail(new AiError.NetworkError({
            reason: e.reason._tag,
            method: "POST",
            url,
            description: e.reason.description ?? e.message
          }))
          : fail(new AiError.UnknownError({ description: e.message })))
    )
    const text = yield* response.text.pipe(
      Effect.catchTag("HttpClientError", (e) =>
        fail(new AiError.NetworkError({ reason: "TransportError", method: "POST", url, description: e.message })))
    )
    if (response.status < 200 || response.status >= 300) {
      return yield* fail(AiError.reasonFromHttpStatus({
        status: response.status,
        http: { response: { status: response.status, headers: {} }, body: text.slice(0, 2000) },
        description: `POST ${url} answered ${response.status}: ${text.slice(0, 200)}`
      }))
    }
    const body = yield* decodeBody(text).pipe(
      Effect.catchTag("SchemaError", (e) =>
        malformed(response.status, `POST ${url}: the body is not an embeddings response: ${e.message}`))
    )
    const vectors = new Array<Array<number>>(inputs.length)
    for (const item of body.data) {
      if (item.index < 0 || item.index >= inputs.length || vectors[item.index] !== undefined) {
        return yield* malformed(response.status, `POST ${url}: unexpected or repeated index ${item.index}`)
      }
      vectors[item.index] = [...item.embedding]
    }
    const want = dims ?? vectors[0]?.length
    for (let i = 0; i < inputs.length; i++) {
      const v = vectors[i]
      if (v === undefined) return yield* malformed(response.status, `POST ${url}: no embedding for input ${i}`)
      if (v.length !== want || v.length === 0) {
        return yield* malformed(response.status, `POST ${url}: embedding ${i} has ${v.length} values, expected ${want}`)
      }
    }
    dims = want
    return { vectors, tokens: body.usage?.prompt_tokens }
  })

  return yield* EmbeddingModel.make({
    embedMany: Effect.fnUntraced(function*({ inputs }) {
      const results: Array<Array<number>> = []
      let tokens: number | undefined = undefined
      for (let at = 0; at < inputs.length; at += batchSize) {
        const part = yield* request(inputs.slice(at, at + batchSize))
        results.push(...part.vectors)
        if (part.tokens !== undefined) tokens = (tokens ?? 0) + part.tokens
      }
      return { results, usage: { inputTokens: tokens } }
    })
  })
})
