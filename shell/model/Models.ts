/**
 * Models — layers that provide `effect/ai`'s `LanguageModel`, and {@link generateObject}, the one
 * way MAGS asks a model for data.
 *
 * Layers:
 * - {@link layerLlama}: a local GGUF model through node-llama-cpp (see `Llama.ts`); fails to
 *   build with a typed `ModelLoadError` (missing file, bad file), never a crash;
 * - {@link layerOpenAi}: any OpenAI-compatible `/v1/chat/completions` endpoint over
 *   `@effect/platform-node`'s undici `HttpClient` (see `OpenAiChat.ts`);
 * - {@link layerTest}: a RECORDED model that replays the given outputs in order, one per request
 *   (for determinism tests: the same recording gives the same run).
 *
 * {@link generateObject} asks for JSON under the JSON schema of a `Schema` (grammar locally,
 * `response_format` over HTTP), decodes it with that `Schema`, and when the output does not decode
 * asks ONCE more, showing the model its invalid answer and the decode error. A second invalid
 * output fails with the `AiError` (`StructuredOutputError`); nothing is repaired or guessed.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Ref, type Schema, Stream } from "effect"
import { AiError, LanguageModel, Prompt, type Response } from "effect/ai"
import * as Llama from "./Llama.ts"
import * as OpenAiChat from "./OpenAiChat.ts"

// ── layers ────────────────────────────────────────────────────────────────────

/** Options of {@link layerLlama} (see `Llama.Options`: `threads` defaults to 2, `temperature` to 0). */
export type LlamaOptions = Llama.Options

/** Options of {@link layerOpenAi} (see `OpenAiChat.Options`). */
export type OpenAiOptions = OpenAiChat.Options

/**
 * A local GGUF model (path or node-llama-cpp URI); the runtime, model and context live as long
 * as the layer.
 * @complexity building loads the weights (~0.3–0.6 s for the tiny test models)
 */
export const layerLlama = (options: LlamaOptions): Layer.Layer<LanguageModel.LanguageModel, Llama.ModelLoadError> =>
  Layer.effect(LanguageModel.LanguageModel, Llama.make(options))

/**
 * An OpenAI-compatible chat endpoint. Building never fails and makes no request: an unreachable
 * endpoint or a bad key surfaces on the first call as an `AiError` (`NetworkError`,
 * `AuthenticationError`). It runs on undici with the options' connect timeout
 * (`OpenAiChat.httpClientLayer`), so an unreachable host fails within it.
 * @complexity O(1) to build
 */
export const layerOpenAi = (options: OpenAiOptions): Layer.Layer<LanguageModel.LanguageModel> =>
  Layer.effect(LanguageModel.LanguageModel, OpenAiChat.make(options)).pipe(Layer.provide(OpenAiChat.httpClientLayer(options.connectTimeoutMs)))

/**
 * A recorded model: the n-th request (`generateText`, `generateObject` or `streamText`, counted
 * together) answers `recorded[n]` as its text, whatever the prompt; a request past the end fails
 * with an `AiError` (`UnknownError`) that says so. When `log` is given, each request's prompt is
 * appended to it (tests read what was asked).
 *
 * Laws: deterministic; answers are consumed in order, one per request, never reused.
 * @complexity O(1) per request
 */
export const recordedModel = (
  recorded: ReadonlyArray<string>,
  log?: Array<Prompt.Prompt>
): Effect.Effect<LanguageModel.LanguageModel> =>
  Effect.gen(function*() {
    const next = yield* Ref.make(0)
    const take = (method: string, provider: LanguageModel.ProviderOptions) =>
      Effect.sync(() => log?.push(provider.prompt)).pipe(Effect.andThen(Ref.getAndUpdate(next, (n) => n + 1)), Effect.flatMap((n) =>
        n < recorded.length
          ? Effect.succeed(recorded[n]!)
          : Effect.fail(AiError.make({
            module: "RecordedModel",
            method,
            reason: new AiError.UnknownError({ description: `request ${n + 1} but only ${recorded.length} outputs were recorded` })
          }))
      ))
    const usage = { inputTokens: {}, outputTokens: {} }
    return yield* LanguageModel.make({
      generateText: (provider) =>
        Effect.map(take("generateText", provider), (text): Array<Response.PartEncoded> => [
          { type: "text", text },
          { type: "finish", reason: "stop", usage }
        ]),
      streamText: (provider) =>
        Stream.unwrap(Effect.map(take("streamText", provider), (text) =>
          Stream.fromIterable<Response.StreamPartEncoded>([
            { type: "text-start", id: "0" },
            { type: "text-delta", id: "0", delta: text },
            { type: "text-end", id: "0" },
            { type: "finish", reason: "stop", usage }
          ])))
    })
  })

/** A {@link recordedModel} as a layer (fresh counter per build). */
export const layerTest = (
  recorded: ReadonlyArray<string>,
  log?: Array<Prompt.Prompt>
): Layer.Layer<LanguageModel.LanguageModel> => Layer.effect(LanguageModel.LanguageModel, recordedModel(recorded, log))

// ── structured output ─────────────────────────────────────────────────────────

/** Options of {@link generateObject}. */
export interface GenerateObjectOptions {
  /** Names the object for the provider (`json_schema.name`); defaults to the schema's identifier. */
  readonly objectName?: string | undefined
}

/**
 * Whether an `AiError` means "the model answered, but not with a value of the schema" — the only
 * failure {@link generateObject} retries.
 * @complexity O(1)
 */
export const isInvalidOutput = (error: AiError.AiError): boolean =>
  error.reason._tag === "StructuredOutputError" || error.reason._tag === "InvalidOutputError"

const feedback = (error: AiError.AiError): Prompt.RawInput => {
  const reason = error.reason
  const answer = reason._tag === "StructuredOutputError" ? reason.responseText : ""
  const problem = "description" in reason && typeof reason.description === "string" ? reason.description : error.message
  return [
    { role: "assistant", content: [{ type: "text", text: answer }] },
    {
      role: "user",
      content: [{
        type: "text",
        text: `That answer is not valid: ${problem}\nAnswer again with only a JSON value that fits the schema.`
      }]
    }
  ]
}

/**
 * Ask the `LanguageModel` for a value of `schema`: JSON under the schema's JSON schema, decoded
 * with `schema`; on an output that does not decode, one retry with the invalid answer and the
 * error appended to the prompt.
 *
 * Laws: at most two model requests; succeeds only with a value `schema` decoded from the model's
 * own text; other `AiError`s (network, key, …) are not retried.
 * @complexity ≤ 2 model requests
 * @example
 * ```ts
 * const Person = Schema.Struct({ name: Schema.String })
 * const person = yield* Models.generateObject(Person, "Who wrote Hamlet?")
 * ```
 */
export const generateObject = <S extends Schema.Encoder<Record<string, any>, unknown>>(
  schema: S,
  prompt: Prompt.RawInput,
  options: GenerateObjectOptions = {}
): Effect.Effect<S["Type"], AiError.AiError, LanguageModel.LanguageModel | S["DecodingServices"]> =>
  Effect.gen(function*() {
    const model = yield* LanguageModel.LanguageModel
    const ask = (input: Prompt.RawInput) =>
      Effect.map(model.generateObject({ prompt: input, schema, objectName: options.objectName }), (r) => r.value)
    return yield* ask(prompt).pipe(
      Effect.catchIf(isInvalidOutput, (error) => ask(Prompt.concat(Prompt.make(prompt), feedback(error))))
    )
  })
