/**
 * Services.pathModelsLayer: the two path models from the settings — one loaded model when both
 * paths name the same GGUF file and LoRA (`PathModels.layerShared`), one per path otherwise
 * (`PathModels.layerSplit`), the templates for paths with no model; the extractor's
 * `LanguageModel` is the write path's. The GGUF cases use the tiny models of ../shared/models
 * and skip, with a message, when it is absent.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { LanguageModel } from "effect/ai"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { fileURLToPath } from "node:url"
import { AskModel, WriteModel } from "../loop/PathModels.ts"
import * as Config from "./Config.ts"
import * as Services from "./Services.ts"
import * as TemplateModel from "./TemplateModel.ts"

const modelsDir = NodePath.join(fileURLToPath(new URL("../..", import.meta.url)), "..", "shared", "models")
const STORIES = NodePath.join(modelsDir, "stories260K.gguf")
const RANDOM = NodePath.join(modelsDir, "llama-2-tiny-random.gguf")
const haveModels = NodeFs.existsSync(STORIES) && NodeFs.existsSync(RANDOM)
if (!haveModels) console.warn(`[Services.test] SKIPPED (the GGUF cases): test models not found in ${modelsDir}`)

const settings = (flags: Config.Flags, env: Config.Env = {}) => Result.getOrThrow(Config.resolve({ threads: "1", ...flags }, env, "/home/me"))

/** The ask, write and extractor models the layer of `s` provides. */
const models = (s: Config.Settings) =>
  Effect.gen(function*() {
    return { ask: yield* AskModel, write: yield* WriteModel, extractor: yield* LanguageModel.LanguageModel }
  }).pipe(Effect.provide(Services.pathModelsLayer(s)))

describe("Services.pathModelsLayer", () => {
  it.effect("no model: each path its own template", () =>
    Effect.gen(function*() {
      const m = yield* models(settings({}))
      assert.notStrictEqual(m.ask, m.write)
      assert.strictEqual(m.extractor, m.write)
      assert.strictEqual((yield* m.ask.generateText({ prompt: "Where?" })).text, TemplateModel.NOTHING)
      assert.strictEqual((yield* m.write.generateText({ prompt: "Kim moved." })).text, TemplateModel.NOTED)
    }))

  it.effect.skipIf(!haveModels)("the same GGUF on both paths is one loaded model; two files are two", () =>
    Effect.gen(function*() {
      for (const s of [settings({ model: STORIES }), settings({ askModel: STORIES, writeModel: STORIES })]) {
        const shared = yield* models(s)
        assert.strictEqual(shared.ask, shared.write)
        assert.strictEqual(shared.extractor, shared.write)
      }
      const split = yield* models(settings({ askModel: STORIES, writeModel: RANDOM }))
      assert.notStrictEqual(split.ask, split.write)
      assert.strictEqual(split.extractor, split.write)
      // a GGUF on one path, the template on the other
      const half = yield* models(settings({ writeModel: RANDOM }))
      assert.strictEqual((yield* half.ask.generateText({ prompt: "Where?" })).text, TemplateModel.NOTHING)
      assert.notStrictEqual(half.ask, half.write)
    }), 60_000)

  it.effect("a missing GGUF on either path fails the build with ModelMissing", () =>
    Effect.gen(function*() {
      for (const flags of [{ askModel: "/nonexistent/a.gguf" }, { writeModel: "/nonexistent/w.gguf" }]) {
        const e = yield* Effect.flip(models(settings(flags)))
        assert.strictEqual(e.kind, "ModelMissing")
      }
    }))
})
