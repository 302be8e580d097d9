/**
 * TemplateModel — the answer when no language model is configured: only the recalled facts that
 * answer the question, as sentences, or "I don't know".
 *
 * `mags ask` and `mags chat` run the full MAGS loop (`Mags.turn`: route, recall, engram,
 * reinforce, all recorded as events) with or without an LLM. Without one, the loop is given
 * {@link template} as its answerer (`Mags.Options.template`): it answers from the recalled facts
 * directly, and the loop then keeps the answer out of memory (the turn's episode holds the
 * user's words only, and nothing is extracted from the answer) — memory's own words fed back
 * would read as a second witness to what it already believed. The user's statements in the turn
 * are still engrammed.
 *
 * **Which facts answer a question** ({@link relevant}). A recalled fact is used only when all of:
 * - its walk score is at least {@link MIN_RECALL_SCORE};
 * - **entity**: a word of its subject's or object's label is a word of the question (words as
 *   the lexical index reads them, `Text.terms`: folded, stop words out), e.g. "Kim" in "Where
 *   does Kim live?";
 * - **relation family**: the question names its canonical relation — some word or run of up to
 *   three words of the question holding a word that is not a stop word (`Text.STOP_WORDS`: "is",
 *   "does" alone name nothing), alone or followed by "in" / "at" / "for" / "to" / "of",
 *   canonicalises (`Relation.canon`) to the fact's relation: "live" → lives_in, "work for" /
 *   "work at" → works_at, "married to" / "husband" → spouse_of, "sister" → sister_of.
 * Then current facts (not superseded, not ended) come first, by recall score; a fact that ended
 * is said with its end ("Kim lived in Berlin (until 2018).") and only when no current fact of the
 * same subject and relation answers. At most {@link MAX_FACTS} sentences (`Render.sentence`, with
 * the fact's surface phrase: "Kim moved to Wroclaw", "Ola is married to Marek"); with none, the
 * answer is {@link NOTHING}. Limit: a question with no relation word ("Tell me about Kim")
 * gets {@link NOTHING}.
 *
 * The **path models** of the template layer: the ask model answers {@link NOTHING} (the loop
 * calls {@link template} instead when it is configured, so the model is reached only by a loop
 * run without it), the write model {@link NOTED}.
 *
 * Deterministic: same memory, same question, same answer.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Stream } from "effect"
import { LanguageModel, type Response } from "effect/ai"
import * as FactM from "../../core/Fact.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import type { RecalledFact } from "../../core/Recall.ts"
import * as Relation from "../../core/Relation.ts"
import * as Text from "../../core/Text.ts"
import { AskModel, WriteModel } from "../loop/PathModels.ts"
import * as Render from "./Render.ts"

/** Facts per answer. */
export const MAX_FACTS = 3
/**
 * The least walk score (`sources.walk`: the anchor's direct score × the path's strength, see
 * `core/Recall.ts`; the fused score when a hand-built result has no sources) of a fact an answer
 * may use: below it the fact was reached from a barely similar anchor or along a long, weak path,
 * and says nothing about the question even when its words match. The walk score, not the fused
 * one, so the bar does not move when the fusion weights are tuned.
 */
export const MIN_RECALL_SCORE = 0.05
/** The answer when memory has nothing relevant. */
export const NOTHING = "I don't know: nothing in memory answers that."
/** The write path's answer. */
export const NOTED = "Noted."

/** Words that may complete a verb into a relation phrase ("work" + "for" → works_at). */
const PARTICLES = ["in", "at", "for", "to", "of", "with", "by"]

/**
 * The canonical relations a question names (see the module header).
 * Laws: deterministic; contains `Relation.canon(w)` for every word `w` of the question that is
 * not a stop word.
 * @complexity O(words · 3 · |PARTICLES|) canonicalisations
 * @example
 * ```ts
 * questionRelations("Who does Kim work for?").has("works_at") // true
 * ```
 */
export const questionRelations = (question: string): Set<string> => {
  const words = question.toLowerCase().split(/[^\p{L}\p{N}']+/u).map((w) => w.replace(/'s$/, "")).filter((w) => w.length > 0)
  const out = new Set<string>()
  for (let i = 0; i < words.length; i++) {
    for (let n = 1; n <= 3 && i + n <= words.length; n++) {
      const run = words.slice(i, i + n)
      // a run of function words alone ("is", "does", "to") names no relation: "Who is Jan
      // married to?" asks for spouse_of, not for Jan's copula facts
      if (run.every((w) => Text.STOP_WORDS.has(w))) continue
      const phrase = run.join(" ")
      out.add(Relation.canon(phrase))
      if (n === 1) for (const p of PARTICLES) out.add(Relation.canon(`${phrase} ${p}`))
    }
  }
  out.delete("")
  return out
}

const labelTerms = (g: LiquidGraph.LiquidGraph, id: string): Array<string> => Text.terms(Render.label(g, id))

/**
 * The recalled facts that answer `question`, best first (see the module header).
 * Laws: every fact returned is in `facts`, has walk score ≥ {@link MIN_RECALL_SCORE}, shares a word
 * with the question through a label, and its relation is in `questionRelations(question)`;
 * an ended fact is returned only when no current fact of its subject and relation is; at most
 * {@link MAX_FACTS}.
 * @complexity O(F · |labels| + F log F)
 */
export const relevant = (
  g: LiquidGraph.LiquidGraph,
  question: string,
  facts: ReadonlyArray<RecalledFact>
): Array<RecalledFact> => {
  const asked = new Set(Text.terms(question))
  const relations = questionRelations(question)
  const named = (id: string) => labelTerms(g, id).some((t) => asked.has(t))
  const matching = facts.filter((r) =>
    (r.sources?.walk ?? r.score) >= MIN_RECALL_SCORE && relations.has(r.fact.relation) && (named(r.fact.subject) || named(r.fact.object))
  )
  const currentSlots = new Set(matching.filter((r) => FactM.isCurrent(r.fact)).map((r) => FactM.slotKey(r.fact.subject, r.fact.relation)))
  return matching
    .filter((r) => FactM.isCurrent(r.fact) || !currentSlots.has(FactM.slotKey(r.fact.subject, r.fact.relation)))
    .sort((a, b) =>
      Number(FactM.isCurrent(b.fact)) - Number(FactM.isCurrent(a.fact)) || b.score - a.score ||
      (a.fact.id < b.fact.id ? -1 : a.fact.id > b.fact.id ? 1 : 0)
    )
    .slice(0, MAX_FACTS)
}

/**
 * The template answer to `question` from the recalled facts (see the module header): the
 * {@link relevant} facts as sentences, or {@link NOTHING}.
 * Laws: deterministic; {@link NOTHING} iff `relevant(g, question, facts)` is empty; never more
 * than {@link MAX_FACTS} sentences.
 * @complexity as {@link relevant}
 * @example
 * ```ts
 * template(g, "Where does Mira live?", recalled) // "Mira lives in Vell."
 * ```
 */
export const template = (g: LiquidGraph.LiquidGraph, question: string, facts: ReadonlyArray<RecalledFact>): string => {
  const used = relevant(g, question, facts)
  return used.length === 0 ? NOTHING : used.map((r) => Render.factSentence(g, r.fact)).join(" ")
}

const usage = { inputTokens: {}, outputTokens: {} }

const fixed = (respond: () => string): Effect.Effect<LanguageModel.LanguageModel> =>
  LanguageModel.make({
    generateText: () =>
      Effect.sync((): Array<Response.PartEncoded> => [
        { type: "text", text: respond() },
        { type: "finish", reason: "stop", usage }
      ]),
    streamText: () =>
      Stream.fromIterable<Response.StreamPartEncoded>([
        { type: "text-start", id: "0" },
        { type: "text-delta", id: "0", delta: respond() },
        { type: "text-end", id: "0" },
        { type: "finish", reason: "stop", usage }
      ])
  })

/** The ask-path model of the template layer: {@link NOTHING} (see the module header). @complexity O(1) per request */
export const askModel: Effect.Effect<LanguageModel.LanguageModel> = fixed(() => NOTHING)

/** The write-path template model. @complexity O(1) per request */
export const writeModel: Effect.Effect<LanguageModel.LanguageModel> = fixed(() => NOTED)

/** Both path models as templates. @complexity O(1) */
export const layer: Layer.Layer<AskModel | WriteModel> = Layer.effectContext(
  Effect.gen(function*() {
    return Context.make(AskModel, yield* askModel).pipe(Context.add(WriteModel, yield* writeModel))
  })
)
