/**
 * TemplateModel — the answer when no language model is configured: recalled facts as sentences.
 *
 * `mags ask` and `mags chat` run the full MAGS loop (`Mags.turn`: route, recall, engram,
 * reinforce, all recorded as events) with or without an LLM. Without one, the two path models
 * are these `effect/ai` `LanguageModel`s (built with `LanguageModel.make`), which never call
 * anything:
 *
 * - the **ask** model reads the facts the loop put in its prompt (the "Known facts" lines that
 *   `Prompt.assemble` writes, `subject —relation→ object (via …)`, most relevant first), puts
 *   first those that share a word with the user's question (a word of the relation or of a
 *   label, compared on their first 4 letters, so "live" matches `live_in`), keeps the first
 *   {@link MAX_FACTS}, and answers each as a sentence (`Render.sentence`): "Mira lives in Vell.";
 *   with no fact it answers {@link NOTHING};
 * - the **write** model answers {@link NOTED}.
 *
 * The answer names the facts' labels, so the loop's `usedFacts` sees which recalled paths were
 * used and reinforces them, exactly as with a model. Deterministic: same prompt, same answer.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Stream } from "effect"
import { LanguageModel, type Prompt, type Response } from "effect/ai"
import { AskModel, WriteModel } from "../loop/PathModels.ts"
import * as Render from "./Render.ts"

/** Facts per answer. */
export const MAX_FACTS = 3
/** The answer when memory has nothing relevant. */
export const NOTHING = "I don't know: nothing in memory matches."
/** The write path's answer. */
export const NOTED = "Noted."

const FACT_LINE = /^- (.+?) —(not )?(\S+)→ (.+?)(?: \[until (\d{4}-\d{2}-\d{2})\])? \(via .*\)$/

/** A fact line of the prompt, parsed back. */
export interface PromptFact {
  readonly subject: string
  readonly relation: string
  readonly object: string
  readonly negated: boolean
  readonly until: number | null
}

/**
 * The facts of a prompt's system message, in the order shown.
 * Laws: every line `Prompt.renderFact` writes parses back to its subject, relation and object labels.
 * @complexity O(|system|)
 */
export const promptFacts = (system: string): Array<PromptFact> => {
  const out: Array<PromptFact> = []
  let inFacts = false
  for (const line of system.split("\n")) {
    if (line.startsWith("Known facts")) {
      inFacts = true
      continue
    }
    if (!inFacts) continue
    if (!line.startsWith("- ")) {
      if (line.trim() === "" && out.length > 0) break
      continue
    }
    const m = FACT_LINE.exec(line)
    if (m === null) continue
    out.push({
      subject: m[1]!,
      relation: m[3]!,
      object: m[4]!,
      negated: m[2] !== undefined,
      until: m[5] === undefined ? null : Date.parse(m[5] + "T00:00:00Z")
    })
  }
  return out
}

const stems = (text: string): Set<string> =>
  new Set(text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 3).map((w) => w.slice(0, 4)))

/**
 * The template answer to `question` from the facts shown (see the module header).
 * Laws: deterministic; at most {@link MAX_FACTS} sentences; {@link NOTHING} iff no facts.
 * @complexity O(F log F)
 * @example
 * ```ts
 * answer("Where does Mira live?", [{ subject: "Mira", relation: "live_in", object: "Vell", negated: false, until: null }])
 * // "Mira lives in Vell."
 * ```
 */
export const answer = (question: string, facts: ReadonlyArray<PromptFact>): string =>
  facts.length === 0
    ? NOTHING
    : rank(question, facts).slice(0, MAX_FACTS).map((f) => Render.sentence(f.subject, f.relation, f.object, f.negated, f.until)).join(" ")

/**
 * The facts ordered for an answer: those sharing more words with the question first (a relation
 * word counts twice), ties in the given order.
 * Laws: a permutation of `facts`; stable for equal overlap.
 * @complexity O(F log F)
 */
export const rank = <A extends PromptFact>(question: string, facts: ReadonlyArray<A>): Array<A> => {
  const asked = stems(question)
  const overlap = (f: PromptFact) => {
    let n = 0
    for (const s of stems(f.relation.replace(/_/g, " "))) if (asked.has(s)) n += 2
    for (const s of stems(f.subject + " " + f.object)) if (asked.has(s)) n++
    return n
  }
  return facts.map((f, i) => ({ f, i, score: overlap(f) })).sort((a, b) => b.score - a.score || a.i - b.i).map(({ f }) => f)
}

const textOf = (prompt: Prompt.Prompt, role: "system" | "user"): string => {
  const parts: Array<string> = []
  for (const m of prompt.content) {
    if (m.role !== role) continue
    if (m.role === "system") parts.push(m.content)
    else if (m.role === "user") for (const p of m.content) if (p.type === "text") parts.push(p.text)
  }
  return parts.join("\n")
}

const usage = { inputTokens: {}, outputTokens: {} }

const fixed = (respond: (prompt: Prompt.Prompt) => string): Effect.Effect<LanguageModel.LanguageModel> =>
  LanguageModel.make({
    generateText: (options) =>
      Effect.sync((): Array<Response.PartEncoded> => [
        { type: "text", text: respond(options.prompt) },
        { type: "finish", reason: "stop", usage }
      ]),
    streamText: (options) =>
      Stream.fromIterable<Response.StreamPartEncoded>([
        { type: "text-start", id: "0" },
        { type: "text-delta", id: "0", delta: respond(options.prompt) },
        { type: "text-end", id: "0" },
        { type: "finish", reason: "stop", usage }
      ])
  })

/** The ask-path template model. @complexity O(|prompt|) per request */
export const askModel: Effect.Effect<LanguageModel.LanguageModel> = fixed((prompt) =>
  answer(textOf(prompt, "user"), promptFacts(textOf(prompt, "system")))
)

/** The write-path template model. @complexity O(1) per request */
export const writeModel: Effect.Effect<LanguageModel.LanguageModel> = fixed(() => NOTED)

/** Both path models as templates. @complexity O(1) */
export const layer: Layer.Layer<AskModel | WriteModel> = Layer.effectContext(
  Effect.gen(function*() {
    return Context.make(AskModel, yield* askModel).pipe(Context.add(WriteModel, yield* writeModel))
  })
)
