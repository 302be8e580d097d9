/**
 * Systems — the memories compared on the hard MCQ. The text systems are the MCQ's own
 * (`../mcq/Systems.ts`: base, rag, rag-bm25 over the same statements, same k and 2K budget).
 *
 * **mags** reads the chat as one conversation: the LLM-free rule extractor's `discourse()`
 * reads each statement as a turn (so "She moved to Teshby" after "I ran into Mopa today" is
 * Mopa's move, and "I" is the narrator who introduced themself), each turn is one `engram`
 * (episode + the triples read from it, never the generator's facts), then `reconcile` on the
 * facts just engrammed (a move supersedes the old home: `lives_in` and `works_at` are
 * single-valued in the default params, nothing of this world is configured). A question is one
 * `recall` (text and embedding, current facts only, `maxResults` = k): its walk goes through
 * shared entities, so "Where does Quenby's sister live?" reaches Quenby → Mopa → Teshby. The
 * context is the recalled current facts as sentences in the memory's canonical words
 * (`Relation.sentence` of the canonical relation: "Mopa lives in Teshby", "Mopa is the sister
 * of Quenby"; negated facts left out) and the recalled episodes' texts, ranked by recall's
 * score within the same budget. **mags-no-episodes**: the same memory, facts only (what the
 * graph answers on its own; recall's `episodicShare` is 0 so that its k results are all facts).
 *
 * @since 0.3.0
 */
import { Engram, LiquidGraph, Node, Params, Recall, Reconcile, Relation } from "../../../core/index.ts"
import * as RuleExtractor from "../../../shell/extract/RuleExtractor.ts"
import { toEngramFact } from "../../../shell/extract/Triple.ts"
import { isZero, type SentenceEmbedder } from "../mcq/Embed.ts"
import type { Unit } from "../mcq/Scoring.ts"
import { type Context, defaultSystemOptions, type System, type SystemOptions, topK, withinBudget } from "../mcq/Systems.ts"
import type { Question, Statement } from "./World.ts"

/** What the MAGS system exposes beyond {@link System}. */
export interface MagsSystem extends System<Statement, Question> {
  readonly graph: () => LiquidGraph.LiquidGraph
  /** Statements the extractor read at least one triple from, by kind. */
  readonly extracted: () => Readonly<Record<Statement["kind"], number>>
  readonly superseded: () => number
}

/** The context units of a recall step: current, non-negated facts as sentences, then (optionally) episodes. */
const units = (
  step: Recall.RecallStep,
  episodes: boolean,
  times: ReadonlyMap<string, number>,
  now: number
): Array<{ readonly unit: Unit; readonly score: number }> => [
  ...step.result.facts.filter((f) => !f.fact.negated && f.fact.supersededBy === null && f.fact.validUntil === null).map((f) => ({
    unit: { text: Relation.sentence({ subject: f.fact.subject, relation: f.fact.relation, object: f.fact.object }) + ".", time: f.fact.validFrom ?? f.fact.learnedAt },
    score: f.score
  })),
  ...(episodes ? step.result.episodes : []).map((e) => ({ unit: { text: e.text, time: times.get(e.id) ?? now }, score: e.score }))
]

/** mags / mags-no-episodes: discourse extraction → engram → reconcile; recall → context. */
export const mags = (embedder: SentenceEmbedder, options: SystemOptions = defaultSystemOptions, episodes = true): MagsSystem => {
  // Graph only: no result slot is reserved for episodes (they would be dropped from the context anyway).
  const params = episodes ? Params.defaults : Params.unsafeMake({ episodicShare: 0 })
  const reader = RuleExtractor.make().discourse()
  const times = new Map<string, number>()
  let g = LiquidGraph.empty(embedder.dims)
  const extracted: Record<Statement["kind"], number> = { intro: 0, fact: 0, link: 0, update: 0, filler: 0 }
  let superseded = 0
  const vec = (text: string): { embedding?: Array<number> } => {
    const v = embedder.embed(text)
    return isZero(v) ? {} : { embedding: Array.from(v) }
  }
  return {
    name: episodes ? "mags" : "mags-no-episodes",
    graph: () => g,
    extracted: () => ({ ...extracted }),
    superseded: () => superseded,
    ingest: (s) => {
      const triples = reader.read(s.text, { time: s.time })
      if (triples.length > 0) extracted[s.kind]++
      const labels = Array.from(new Set(triples.flatMap((t) => [t.subject, t.object])))
      times.set(Node.episodeId(s.id), s.time)
      const step = Engram.engram(g, {
        episode: { id: s.id, text: s.text, time: s.time, ...vec(s.text) },
        entities: labels.map((label) => ({ label, ...vec(label) })),
        facts: triples.map((t) => toEngramFact(t, s.id))
      }, params, s.time)
      const rec = Reconcile.reconcile(step.graph, { facts: step.ids.facts }, params, s.time)
      superseded += rec.changes.superseded.length
      g = rec.graph
    },
    context: (q, now): Context => {
      const step = Recall.recall(g, { text: q.text, ...vec(q.text), maxResults: options.k }, params, now)
      g = step.graph
      const ranked = units(step, episodes, times, now)
      return withinBudget(topK(ranked, ranked.length), options.budgetTokens)
    }
  }
}
