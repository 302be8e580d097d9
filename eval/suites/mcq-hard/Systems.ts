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
import { type LiquidGraph, Params, Relation } from "../../../core/index.ts"
import * as RuleExtractor from "../../../shell/extract/RuleExtractor.ts"
import type { SentenceEmbedder } from "../mcq/Embed.ts"
import { defaultSystemOptions, memory, type System, type SystemOptions } from "../mcq/Systems.ts"
import type { Question, Statement } from "./World.ts"

/** What the MAGS system exposes beyond {@link System}. */
export interface MagsSystem extends System<Statement, Question> {
  readonly graph: () => LiquidGraph.LiquidGraph
  /** Statements the extractor read at least one triple from, by kind. */
  readonly extracted: () => Readonly<Record<Statement["kind"], number>>
  readonly superseded: () => number
}

/** mags / mags-no-episodes: discourse extraction → engram → reconcile; recall → context (the MCQ's `memory`). */
export const mags = (embedder: SentenceEmbedder, options: SystemOptions = defaultSystemOptions, episodes = true): MagsSystem => {
  // Graph only: no result slot is reserved for episodes (they would be dropped from the context anyway).
  const params = episodes ? Params.defaults : Params.unsafeMake({ episodicShare: 0 })
  const reader = RuleExtractor.make().discourse()
  // Current, non-negated facts as sentences in the memory's canonical words.
  const m = memory(embedder, params, options, episodes, (f) =>
    f.negated || f.supersededBy !== null || f.validUntil !== null
      ? null
      : Relation.sentence({ subject: f.subject, relation: f.relation, object: f.object }) + ".")
  const extracted: Record<Statement["kind"], number> = { intro: 0, fact: 0, link: 0, update: 0, filler: 0 }
  return {
    name: episodes ? "mags" : "mags-no-episodes",
    graph: m.graph,
    extracted: () => ({ ...extracted }),
    superseded: m.superseded,
    ingest: (s) => {
      const triples = reader.read(s.text, { time: s.time })
      if (triples.length > 0) extracted[s.kind]++
      m.ingest(s, triples)
    },
    context: m.context
  }
}
