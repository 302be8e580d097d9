/**
 * Llm — the optional language-model layer: a `Chooser` built on effect/ai's `LanguageModel`.
 * The model sees the task, what the agent's memory returned, and the legal actions, and answers
 * with one action (an illegal answer falls back to the deterministic policy; see `Agents.run`).
 */
import { type Layer, ManagedRuntime, Redacted } from "effect"
import { LanguageModel } from "effect/ai"
import * as Models from "../../shell/model/Models.ts"
import type { Chooser } from "./Agents.ts"

/** A chooser that asks the model of `layer` (built once by a ManagedRuntime, kept for the process's life). */
export const chooserFromLayer = async (layer: Layer.Layer<LanguageModel.LanguageModel, unknown>): Promise<Chooser> => {
  const runtime = ManagedRuntime.make(layer)
  return async (prompt) => {
    const response = await runtime.runPromise(LanguageModel.generateText({ prompt }))
    const text = response.text.trim().split("\n")[0] ?? ""
    return text.replace(/^["'`]|["'`.]$/g, "").trim()
  }
}

/** The chooser the environment configures (`MAGS_OPENAI_BASE_URL` / `MAGS_MODEL`), or none. */
export const chooserFromEnv = async (env: Record<string, string | undefined> = process.env): Promise<Chooser | undefined> => {
  const base = env["MAGS_OPENAI_BASE_URL"]
  if (base !== undefined && base.length > 0) {
    const key = env["MAGS_OPENAI_API_KEY"]
    return chooserFromLayer(Models.layerOpenAi({
      baseUrl: base,
      model: env["MAGS_OPENAI_MODEL"] ?? "default",
      ...(key !== undefined && key.length > 0 ? { apiKey: Redacted.make(key) } : {}),
      maxTokens: 16
    }))
  }
  const path = env["MAGS_MODEL"]
  if (path !== undefined && path.length > 0) return chooserFromLayer(Models.layerLlama({ modelPath: path, maxTokens: 16 }) as Layer.Layer<LanguageModel.LanguageModel, unknown>)
  return undefined
}
