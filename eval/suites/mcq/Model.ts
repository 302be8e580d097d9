/**
 * Model — the optional language-model answerer: with a `LanguageModel` layer (e.g.
 * `shell/model/Models.ts` `layerLlama` / `layerOpenAi` / `layerTest`), the model reads the
 * retrieved context and the lettered options and answers with one letter. An answer that names
 * no option is "no answer" (counted wrong, and counted as a guess).
 *
 * @since 0.1.0
 */
import { type Layer, ManagedRuntime } from "effect"
import { LanguageModel } from "effect/ai"
import type { Answerer } from "./Run.ts"
import type { Unit } from "./Scoring.ts"
import type { Question } from "./World.ts"

const LETTERS = ["A", "B", "C", "D", "E", "F"]

/** The prompt for one question: context lines (oldest first, as history), then the options. */
export const prompt = (q: Question, units: ReadonlyArray<Unit>): string =>
  [
    "Answer the question from the context only. Later statements replace earlier ones.",
    "Context:",
    ...units.slice().sort((a, b) => a.time - b.time).map((u) => `- ${u.text}`),
    "",
    `Question: ${q.text}`,
    ...q.options.map((o, i) => `${LETTERS[i]}. ${o}`),
    "Answer with one letter."
  ].join("\n")

/** The option a reply names: its first standalone option letter, else an option's text, else null. */
export const parseAnswer = (reply: string, options: ReadonlyArray<string>): number | null => {
  const m = reply.trim().match(/\b([A-F])\b/)
  if (m !== null) {
    const i = LETTERS.indexOf(m[1]!)
    if (i >= 0 && i < options.length) return i
  }
  const lower = reply.toLowerCase()
  const hits = options.flatMap((o, i) => (lower.includes(o.toLowerCase()) ? [i] : []))
  return hits.length === 1 ? hits[0]! : null
}

/** An answerer backed by a language model layer; `dispose` releases it. */
export const modelAnswerer = <E>(layer: Layer.Layer<LanguageModel.LanguageModel, E>): { readonly answerer: Answerer; readonly dispose: () => Promise<void> } => {
  const runtime = ManagedRuntime.make(layer)
  return {
    answerer: async (q, units) => {
      const response = await runtime.runPromise(LanguageModel.generateText({ prompt: prompt(q, units) }))
      const index = parseAnswer(response.text, q.options)
      return { index, guessed: index === null }
    },
    dispose: () => runtime.dispose()
  }
}

