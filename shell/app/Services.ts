/**
 * Services — the layers a `mags` command runs on, built from its `Settings`, with every build
 * failure turned into an `AppFailure` (see `Failure.ts`).
 *
 * - {@link storeLayer}: the memory store: SQLite at `<home>/mags.db`, or the PostgreSQL database
 *   of `MAGS_STORE` / `--store`;
 * - {@link openMemory}: the memory of the settings' id (user / agent / session), opened strictly:
 *   a corrupt journal fails with `CorruptJournal` before anything is read or written;
 * - {@link embedderLayer}: GloVe (default), OpenAI-compatible, GGUF, or the test embedder;
 * - {@link pathModelsLayer}: the ask and write models (`PathModels`), each the path's GGUF model
 *   (with its LoRA), OpenAI-compatible chat model, or no-LLM template (`TemplateModel.ts`); the
 *   same model on both paths is loaded once (see `Config.ts`, "Per-path models"). A real model is wrapped so that its
 *   last `AiError` is kept in {@link ModelErrors}: the loop folds model failures into a
 *   `MagsError` message, and the CLI reads the kept error to tell an unreachable endpoint from a
 *   refused key;
 * - {@link extractorLayer}: the rule extractor, or the model-backed one;
 * - {@link controllerLayer}: the memory controller (a trained policy file, or the hand-written
 *   rules), under which {@link withMemory} and {@link withLoop} run.
 *
 * Model files are checked (and models loaded) when these layers are BUILT, which commands do
 * before they open the memory or read their input.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option, Redacted, Ref, type Scope } from "effect"
import { type AiError, LanguageModel } from "effect/ai"
import { Embedder, type Provided as EmbedderProvided } from "../embeddings/Embedder.ts"
import * as LlamaEmbeddings from "../embeddings/LlamaEmbeddings.ts"
import { Extractor } from "../extract/Extractor.ts"
import * as LlmExtractor from "../extract/LlmExtractor.ts"
import { ActiveMemory } from "../loop/ActiveMemory.ts"
import * as MemoryController from "../loop/MemoryController.ts"
import { Mags, type MagsError, type Options as LoopOptions } from "../loop/Mags.ts"
import { Router } from "../loop/Router.ts"
import * as PathModels from "../loop/PathModels.ts"
import { type AskModel, WriteModel } from "../loop/PathModels.ts"
import * as Models from "../model/Models.ts"
import { type Fence, type Memory, MemoryId, MemoryStore } from "../store/MemoryStore.ts"
import * as Config from "./Config.ts"
import type { Settings } from "./Config.ts"
import { type AppFailure, fail, fromAiError, fromGloveError, fromModelLoadError, fromStoreError } from "./Failure.ts"
import { Memories } from "./Memories.ts"
import * as TemplateModel from "./TemplateModel.ts"

// ── helpers ───────────────────────────────────────────────────────────────────

/**
 * `layer` with its build failure mapped by `f` (the services and their lifetimes are those of
 * `layer`).
 * @complexity O(1) over building `layer`
 */
export const mapLayerError = <A, E, R, E2>(layer: Layer.Layer<A, E, R>, f: (e: E) => E2): Layer.Layer<A, E2, Exclude<R, Scope.Scope>> =>
  Layer.effectContext(Effect.mapError(Layer.build(layer), f))

// ── store ─────────────────────────────────────────────────────────────────────

/** How a command opens the store. */
export interface StoreAccess {
  /**
   * Open the database read only (default false): nothing is created or written, and reads
   * work on a read-only database and home (see `Sqlite.ts`). For commands that only read.
   */
  readonly readOnly?: boolean
  /** A cluster runner's fencing (PostgreSQL only; see `PostgresOptions.fence`). */
  readonly fence?: Fence | undefined
}

/** The store of the settings: SQLite at the home, or PostgreSQL. @complexity opening the database (file or connection) */
export const storeLayer = (s: Settings, access: StoreAccess = {}): Layer.Layer<MemoryStore, AppFailure> =>
  mapLayerError(
    s.store._tag === "Postgres"
      ? MemoryStore.layerPostgres({
        url: Redacted.value(s.store.url),
        readOnly: access.readOnly === true,
        ...(access.fence === undefined ? {} : { fence: access.fence })
      })
      : MemoryStore.layerSqlite({ home: s.home, readOnly: access.readOnly === true }),
    fromStoreError
  )

/** The memory id of the settings. @complexity O(1) */
export const memoryId = (s: Settings): MemoryId => MemoryId.fromParts({ user: s.user, agent: s.agent, session: s.session })

/**
 * Opens the settings' memory for the scope (creating it when absent); a bad journal record
 * fails with `CorruptJournal`.
 * @complexity O(snapshot + tail)
 */
export const openMemory = (s: Settings): Effect.Effect<Memory, AppFailure, MemoryStore | Scope.Scope> =>
  MemoryStore.use((store) => store.open(memoryId(s))).pipe(Effect.mapError(fromStoreError))

// ── embeddings ────────────────────────────────────────────────────────────────

/** The embedder of the settings. @complexity GloVe: one cache read (first run builds it: seconds) */
export const embedderLayer = (s: Settings): Layer.Layer<EmbedderProvided, AppFailure> => {
  const e = s.embeddings
  switch (e._tag) {
    case "Glove":
      return mapLayerError(Embedder.layerGlove({ cacheDir: e.cacheDir }), fromGloveError)
    case "Test":
      return Embedder.layerTest
    case "OpenAi":
      return mapLayerError(
        Embedder.layerOpenAi({
          baseUrl: e.endpoint.baseUrl,
          model: e.endpoint.model,
          ...(e.endpoint.apiKey === undefined ? {} : { apiKey: e.endpoint.apiKey })
        }),
        (err) => fromAiError(err, "embeddings")
      )
    case "Llama":
      return mapLayerError(LlamaEmbeddings.layer({ modelPath: e.modelPath, threads: e.threads }), fromModelLoadError)
  }
}

// ── language models ───────────────────────────────────────────────────────────

/** The last failure of the configured language model (undefined: none yet, or no model). */
export class ModelErrors extends Context.Service<ModelErrors, Ref.Ref<AiError.AiError | undefined>>()(
  "mags/shell/cli/ModelErrors"
) {}

/**
 * `model` with every `generateText` / `generateObject` failure recorded in `ref` (behaviour
 * otherwise unchanged).
 * @complexity O(1) per call
 */
export const watch = (model: LanguageModel.LanguageModel, ref: Ref.Ref<AiError.AiError | undefined>): LanguageModel.LanguageModel => {
  const record = (e: unknown) => Ref.set(ref, e as AiError.AiError)
  // The wrapped methods keep the originals' calls and results; their overloaded generic
  // signatures cannot be restated for a pass-through, hence the casts (no behaviour changes).
  type AnyEffect = Effect.Effect<unknown, unknown, unknown>
  const generateText = ((options: never) =>
    Effect.tapError(model.generateText(options) as AnyEffect, record)) as unknown as LanguageModel.LanguageModel["generateText"]
  const generateObject = ((options: never) =>
    Effect.tapError(model.generateObject(options) as AnyEffect, record)) as unknown as LanguageModel.LanguageModel["generateObject"]
  return { ...model, generateText, generateObject }
}

/**
 * The model of one setting as a `LanguageModel` layer (a GGUF model with its LoRA, or an
 * OpenAI-compatible one), watched into {@link ModelErrors}; undefined for no model.
 */
const realModel = (m: Settings["model"]): Layer.Layer<LanguageModel.LanguageModel, AppFailure, ModelErrors> | undefined => {
  const base = m._tag === "None"
    ? undefined
    : m._tag === "Llama"
    ? mapLayerError(
      Models.layerLlama({ modelPath: m.modelPath, threads: m.threads, ...(m.lora === undefined ? {} : { lora: m.lora }) }),
      fromModelLoadError
    )
    : Models.layerOpenAi({
      baseUrl: m.endpoint.baseUrl,
      model: m.endpoint.model,
      ...(m.endpoint.apiKey === undefined ? {} : { apiKey: m.endpoint.apiKey })
    })
  return base === undefined ? undefined : Layer.effect(
    LanguageModel.LanguageModel,
    Effect.gen(function*() {
      return watch(yield* LanguageModel.LanguageModel, yield* ModelErrors)
    })
  ).pipe(Layer.provide(base))
}

/** One path's model: its real model, else that path's template (`TemplateModel.ts`). */
const pathModel = (m: Settings["model"], path: Config.PathName): Layer.Layer<LanguageModel.LanguageModel, AppFailure, ModelErrors> =>
  realModel(m) ?? Layer.effect(LanguageModel.LanguageModel, path === "ask" ? TemplateModel.askModel : TemplateModel.writeModel)

/**
 * The language model services of a command: the two path models (`PathModels`), the
 * `LanguageModel` of a model-backed extractor (the write path's model), and {@link ModelErrors}
 * (one for both paths).
 *
 * Two paths with the same model (`Config.sameModel`: same GGUF file and LoRA, or same endpoint
 * model) share ONE loaded model (`PathModels.layerShared`); otherwise each path builds its own
 * (`PathModels.layerSplit`), a path with no model getting its template.
 * @complexity building loads each distinct GGUF model once (sub-second for small ones)
 */
export const pathModelsLayer = (
  s: Settings
): Layer.Layer<AskModel | WriteModel | ModelErrors | LanguageModel.LanguageModel, AppFailure> => {
  const paths: Layer.Layer<AskModel | WriteModel, AppFailure, ModelErrors> = s.askModel._tag !== "None" && Config.sameModel(s.askModel, s.writeModel)
    ? PathModels.layerShared.pipe(Layer.provide(pathModel(s.askModel, "ask")))
    : PathModels.layerSplit(pathModel(s.askModel, "ask"), pathModel(s.writeModel, "write"))
  const extractorModel = Layer.effect(LanguageModel.LanguageModel, Effect.service(WriteModel))
  return extractorModel.pipe(
    Layer.provideMerge(paths),
    Layer.provideMerge(Layer.effect(ModelErrors, Ref.make<AiError.AiError | undefined>(undefined)))
  )
}

/**
 * The model of the write path alone, as the `LanguageModel` of a model-backed extractor, with
 * {@link ModelErrors} (`ingest`, `serve` and `mcp` load no ask model).
 * @complexity building loads the write path's model
 */
export const writeModelLayer = (s: Settings): Layer.Layer<ModelErrors | LanguageModel.LanguageModel, AppFailure> =>
  pathModel(s.writeModel, "write").pipe(
    Layer.provideMerge(Layer.effect(ModelErrors, Ref.make<AiError.AiError | undefined>(undefined)))
  )

/**
 * What answers on each path, for `ask --json`.
 * @complexity O(1)
 */
export const pathModelIdentities = (s: Settings): { readonly ask: Config.ModelIdentity; readonly write: Config.ModelIdentity } => ({
  ask: Config.identity(s.askModel),
  write: Config.identity(s.writeModel)
})

// ── extractor ─────────────────────────────────────────────────────────────────

/** The extractor of the settings (the model one reads the `LanguageModel` in context). @complexity O(1) */
export const extractorLayer = (s: Settings): Layer.Layer<Extractor, never, LanguageModel.LanguageModel> =>
  s.extractor === "model" ? LlmExtractor.layer() : Extractor.layerRules

/**
 * The failure a model error kept in {@link ModelErrors} stands for, if any.
 * @complexity O(1)
 */
export const lastModelFailure: Effect.Effect<AppFailure | undefined, never, ModelErrors> = ModelErrors.use((ref) =>
  Effect.map(Ref.get(ref), (e) => (e === undefined ? undefined : fromAiError(e, "model")))
)

// ── memory controller ─────────────────────────────────────────────────────────

/**
 * The memory controller of the settings: the policy file of `--policy` / `MAGS_POLICY`, else the
 * hand-written rules; a policy file that cannot be read or is not a policy fails the build with
 * `BadInput` (one line naming the file).
 * @complexity O(policy file size)
 */
export const controllerLayer = (s: Settings): Layer.Layer<MemoryController.MemoryController, AppFailure> =>
  s.policy === undefined
    ? MemoryController.layerHand
    : mapLayerError(MemoryController.layer(s.policy), (e) => fail("BadInput", e.message))

// ── running ───────────────────────────────────────────────────────────────────

/**
 * Runs `f` on the settings' memory, opened for the duration of `f` through {@link Memories} (as
 * the servers open theirs) over the SQLite store (the database is closed after); `readOnly` for
 * commands that only read. `f` runs under the settings' memory controller
 * ({@link controllerLayer}), loaded before the memory is opened.
 * @complexity opening the memory + `f`
 */
export const withMemory = <A, E, R>(
  s: Settings,
  f: (memory: Memory) => Effect.Effect<A, E, R>,
  access: StoreAccess = {}
): Effect.Effect<A, E | AppFailure, Exclude<R, Scope.Scope | MemoryStore | Memories>> =>
  Effect.scoped(Effect.flatMap(Memories.use((memories) => memories.get(memoryId(s))), f)).pipe(
    Effect.provide(Memories.layer.pipe(Layer.provide(storeLayer(s, access)))),
    Effect.provide(controllerLayer(s))
  ) as Effect.Effect<A, E | AppFailure, Exclude<R, Scope.Scope | MemoryStore | Memories>>

/**
 * The failure a failed turn stands for: a model failure is classified by the model's own error
 * (unreachable endpoint, refused key), the rest by the turn's reason.
 * @complexity O(1)
 */
export const turnFailure = (e: MagsError): Effect.Effect<AppFailure, never, ModelErrors> =>
  Effect.map(lastModelFailure, (kept) => {
    switch (e.reason) {
      case "Model":
        return kept ?? fail("ModelFailed", `model failed: ${e.message}`)
      case "Embedding":
        return fail("ModelFailed", `embeddings failed: ${e.message}`)
      case "Extraction":
        return fail(kept === undefined ? "BadInput" : kept.kind, `extraction failed: ${e.message}`)
      case "InvalidInput":
        return fail("Usage", e.message)
      case "Memory":
        return fail("Store", e.message)
    }
  })

/**
 * The extractor of the settings as a closed layer: the rule extractor, or the model-backed one
 * over the configured model (loaded only then).
 * @complexity building loads wink-nlp (~0.2 s) or the model
 */
export const extractorFor = (s: Settings): Layer.Layer<Extractor, AppFailure> =>
  s.extractor === "model" ? LlmExtractor.layer().pipe(Layer.provide(writeModelLayer(s))) : Extractor.layerRules

/**
 * Runs `program` with the MAGS loop (`Mags`) over the settings' memory. The models are built
 * first (a missing model file fails before the memory is opened), then the embedder, extractor,
 * router and memory controller ({@link controllerLayer}), then the memory. The loop offers the memory tools unless the settings turn them off. With no model on the ask path the loop answers with
 * `TemplateModel.template` (recalled facts that answer the question, kept out of memory).
 * @complexity building the layers + `program`
 */
export const withLoop = <A, E, R>(
  s: Settings,
  program: Effect.Effect<A, E, R>,
  options: LoopOptions = {}
): Effect.Effect<A, E | AppFailure, Exclude<R, Mags | ModelErrors>> =>
  program.pipe(
    Effect.provide(Mags.layer({ useTools: s.tools, ...(s.askModel._tag === "None" ? { template: TemplateModel.template } : {}), ...options })),
    Effect.provide(Layer.effect(ActiveMemory, openMemory(s)).pipe(Layer.provide(storeLayer(s)))),
    Effect.provide(Layer.mergeAll(Router.layerRules, embedderLayer(s), extractorLayer(s), controllerLayer(s))),
    Effect.provide(pathModelsLayer(s))
  ) as Effect.Effect<A, E | AppFailure, Exclude<R, Mags | ModelErrors>>

/** The default prompt budget (estimated tokens). */
export const DEFAULT_BUDGET = 2048
/** The default prompt budget with a local GGUF model (small contexts, and small vocabularies spend more tokens per character). */
export const DEFAULT_LLAMA_BUDGET = 512

/**
 * The prompt budget: the flag's, else {@link DEFAULT_LLAMA_BUDGET} when either path has a GGUF model, else
 * {@link DEFAULT_BUDGET}.
 * @complexity O(1)
 */
export const promptBudget = (s: Settings, flag: Option.Option<number>): number =>
  Option.getOrElse(flag, () => (s.askModel._tag === "Llama" || s.writeModel._tag === "Llama" ? DEFAULT_LLAMA_BUDGET : DEFAULT_BUDGET))
