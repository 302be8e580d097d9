/**
 * PathModels — the language model of each path of the loop (MISSION feature 13).
 *
 * The ask (recall) path and the write (engram) path each get their own `effect/ai`
 * `LanguageModel`, under their own service tag, so a user can run a small model (or a LoRA
 * adapter of it) specialised for each job, as the seeds planned. When both paths share one model,
 * {@link layerShared} takes the ambient `LanguageModel.LanguageModel` for both. A request routed
 * `"both"` is answered by the ask model (the answer answers its question).
 *
 * The CLI reaches both layers through `Services.pathModelsLayer`: `--ask-model` / `--write-model`
 * (`MAGS_ASK_MODEL` / `MAGS_WRITE_MODEL`: `openai:<name>` or a GGUF) and `--ask-lora` /
 * `--write-lora` pick each path's model (see `shell/app/Config.ts`); the same GGUF file and LoRA
 * on both paths goes through {@link layerShared} (loaded once), anything else through
 * {@link layerSplit}.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import { LanguageModel } from "effect/ai"

/** The model of the ask (recall) path. */
export class AskModel extends Context.Service<AskModel, LanguageModel.LanguageModel>()("mags/shell/loop/AskModel") {}

/** The model of the write (engram) path. */
export class WriteModel extends Context.Service<WriteModel, LanguageModel.LanguageModel>()("mags/shell/loop/WriteModel") {}

/**
 * Both paths use the ambient `LanguageModel`.
 * @complexity O(1)
 */
export const layerShared: Layer.Layer<AskModel | WriteModel, never, LanguageModel.LanguageModel> = Layer.effectContext(
  Effect.map(Effect.service(LanguageModel.LanguageModel), (model) =>
    Context.make(AskModel, model).pipe(Context.add(WriteModel, model)))
)

/**
 * Each path from its own `LanguageModel` layer (e.g. two GGUF files, or one file with two LoRA
 * adapters).
 * @complexity O(1) plus building the two layers
 */
export const layerSplit = <E1, R1, E2, R2>(
  ask: Layer.Layer<LanguageModel.LanguageModel, E1, R1>,
  write: Layer.Layer<LanguageModel.LanguageModel, E2, R2>
): Layer.Layer<AskModel | WriteModel, E1 | E2, R1 | R2> =>
  Layer.merge(
    Layer.effect(AskModel, Effect.service(LanguageModel.LanguageModel)).pipe(Layer.provide(ask)),
    Layer.effect(WriteModel, Effect.service(LanguageModel.LanguageModel)).pipe(Layer.provide(write))
  )
