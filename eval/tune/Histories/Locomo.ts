/**
 * The LoCoMo suite's recorded history (setting `turns`: one memory per dialogue turn), recorded
 * once per conversation and replayed under a candidate `Params` through the pure core.
 *
 * Recorded (what the world contributed; none of it depends on `Params`): each turn's engram
 * input exactly as `eval/suites/locomo/Locomo.ts` `ingestMags` builds it — the episode (id = dia
 * id, text, session date, GloVe sentence vector, the `follows` link to the previous turn of the
 * same session), the triples the rule extractor reads in it (one discourse for the whole
 * conversation, the speaker as `I`, the session date anchoring relative dates) with their labels'
 * GloVe vectors — the engram time, the session boundaries with the real time gap between session
 * dates; and every question with evidence (categories 1–4) with its GloVe vector, evidence and
 * category. Replayed under `params`: engram each turn, and at each session boundary `Decay` over
 * the gap then `Prune` (maintenance on, as shipped); then every question is asked through the
 * suite's own retriever (`Locomo.magsRetriever`, Params = the candidate: recall's fusion, time
 * hints, the merged items → dia ids) and scored by `Metrics.scoreAt` at k = 10.
 *
 * Cache: the graph after ingestion depends only on the parameters that ingestion reads; the
 * replay keys it by every parameter except {@link QUERY_ONLY} (read by recall alone; a test
 * checks that no ingestion transition reads them), so a search over query-time parameters only
 * ingests each conversation once.
 *
 * Split: conversations 1–4 of the data file train, 5–7 validate (`Locomo.TRAIN` / `VALIDATION`;
 * `--quick`: 1 and 5).
 *
 * Why not `Locomo.score` (the suite's entry point for the tuner) per candidate: it runs the rule
 * extractor and GloVe over every turn on each call (about 1–2 s a conversation), where this
 * replay starts from the recorded engram inputs and, for a query-time-only change, from the cached
 * graph (measured: 0.2–1.0 s a conversation uncached, 0.1–0.25 s cached; 1.2 s for the four train
 * conversations in a full run). It is the reference: a test checks that this replay
 * gives exactly `Locomo.score`'s recall@10, question count and graph size.
 *
 * Figures (pooled over the split's questions and turns): loss = 1 − recall@10 (categories 1–4);
 * cost = (Σ recall work, candidates + edges examined, + Σ engram changes) per question; size =
 * (active nodes + edges) per turn; churn = changes per engram / decay / prune step.
 */
import { LiquidGraph } from "../../../core/index.ts"
import * as Params from "../../../core/Params.ts"
import { embed, type WordTable } from "../../../shell/embeddings/Glove.ts"
import type { Conversation } from "../../suites/locomo/Data.ts"
import * as L from "../../suites/locomo/Locomo.ts"
import * as Metrics from "../../suites/locomo/Metrics.ts"
import type { Figures } from "../Objective.ts"

const DAY = 86_400_000

/** The k of the objective's recall@k. */
export const K = 10

/**
 * The parameters only recall reads (recall and fusion, minus `sequenceWeight`, which engram
 * reads): changing them does not change the ingested graph.
 */
export const QUERY_ONLY: ReadonlyArray<Params.ParamName> = [
  "anchorCandidates", "anchors", "anchorDiversity", "anchorMinSimilarity", "pathThreshold", "maxDepth",
  "maxResults", "coRecallRate", "episodicShare", "walkBudget", "coverageSample", "lexicalMaxPostings",
  "fusionCandidates", "fusionLexical", "fusionVector", "fusionKey", "fusionTime", "fusionWalk"
]

/** One recorded step of ingestion (`Locomo.Step`). */
export type Step = L.Step

/** One recorded question. */
export interface Question {
  readonly text: string
  readonly embedding: ReadonlyArray<number>
  readonly evidence: ReadonlyArray<string>
  readonly category: number
}

/** One conversation's recording. */
export interface History {
  readonly sampleId: string
  readonly memories: ReadonlyArray<L.Memory>
  readonly steps: ReadonlyArray<Step>
  /** The query time (last engram time + 1 day, as the suite). */
  readonly now: number
  readonly questions: ReadonlyArray<Question>
}

/** Conversation indices (0-based) of the two splits. */
export const splits = (quick: boolean): { readonly train: ReadonlyArray<number>; readonly validation: ReadonlyArray<number> } =>
  quick ? { train: L.TRAIN.slice(0, 1), validation: L.VALIDATION.slice(0, 1) } : { train: L.TRAIN, validation: L.VALIDATION }

/**
 * Records one conversation (setting `turns`): the engram inputs `Locomo.ingestMags` would build,
 * in order, with the session boundaries, and the questions with evidence of categories 1–4.
 */
export const record = (c: Conversation, table: WordTable): History => {
  const memories = L.memoriesOf(c, "turns")
  const vector = (text: string): Array<number> => Array.from(embed(table, text))
  const { steps, now } = L.record(memories, memories.map((m) => vector(m.text)), table)
  const questions = c.qa
    .filter((q) => q.evidence.length > 0 && q.category >= 1 && q.category <= 4)
    .map((q) => ({ text: q.question, embedding: vector(q.question), evidence: q.evidence, category: q.category }))
  return { sampleId: c.sampleId, memories, steps, now: now + DAY, questions }
}

/** The graph after ingestion and what ingestion did (`Locomo.Folded`). */
export type Ingested = L.Folded

/** Replays a conversation's ingestion under `params`, maintenance on (`Locomo.fold`). */
export const ingest = (h: History, params: Params.Params): Ingested => L.fold(h.steps, true, params)

/** The ingestion cache key of `params`: every parameter but {@link QUERY_ONLY}. */
export const ingestKey = (params: Params.Params): string => {
  const skip = new Set<string>(QUERY_ONLY)
  return JSON.stringify(Object.entries(params).filter(([k]) => !skip.has(k)))
}

/** A per-conversation cache of ingested graphs (the last `capacity` keys). */
export class IngestCache {
  private readonly entries = new Map<string, Ingested>()
  hits = 0
  misses = 0
  private readonly capacity: number
  constructor(capacity = 4) {
    this.capacity = capacity
  }
  get(h: History, params: Params.Params): Ingested {
    const key = h.sampleId + "\u0000" + ingestKey(params)
    const found = this.entries.get(key)
    if (found !== undefined) {
      this.hits++
      this.entries.delete(key)
      this.entries.set(key, found)
      return found
    }
    this.misses++
    const made = ingest(h, params)
    this.entries.set(key, made)
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!)
    return made
  }
}

/** Figures of one conversation, unpooled. */
interface Counts {
  questions: number
  recall: number
  hitAny: number
  byCategory: Map<number, { n: number; recall: number }>
  recallWork: number
  engramWork: number
  changes: number
  events: number
  turns: number
  items: number
  nodes: number
  edges: number
  archived: number
}

/** Replays the split's conversations under `params`, pooled. */
export const replay = (histories: ReadonlyArray<History>, params: Params.Params, cache: IngestCache = new IngestCache()): Figures => {
  const c: Counts = {
    questions: 0, recall: 0, hitAny: 0, byCategory: new Map(), recallWork: 0, engramWork: 0, changes: 0, events: 0,
    turns: 0, items: 0, nodes: 0, edges: 0, archived: 0
  }
  for (const h of histories) {
    const ing = cache.get(h, params)
    const g = ing.graph
    const cost: L.QueryCost = { queries: 0, candidates: 0, edgesExamined: 0 }
    const retrieve = L.magsRetriever({ graph: g, now: h.now }, h.memories, L.DEFAULT_QUERY, params, cost)
    for (const q of h.questions) {
      const s = Metrics.scoreAt(q.evidence, retrieve(q.text, q.embedding), K)
      c.questions++
      c.recall += s.recall
      c.hitAny += s.hitAny
      const cat = c.byCategory.get(q.category) ?? { n: 0, recall: 0 }
      cat.n++
      cat.recall += s.recall
      c.byCategory.set(q.category, cat)
    }
    c.recallWork += cost.candidates + cost.edgesExamined
    c.engramWork += ing.engramWork
    c.changes += ing.changes
    c.events += ing.events
    c.turns += h.memories.length
    c.nodes += LiquidGraph.nodeCount(g)
    c.edges += LiquidGraph.edgeCount(g)
    c.archived += LiquidGraph.archivedNodeCount(g) + LiquidGraph.archivedEdgeCount(g)
  }
  const recall = c.questions === 0 ? 0 : c.recall / c.questions
  const metrics: Record<string, number> = {
    [`recall@${K}`]: recall,
    [`hit_any@${K}`]: c.questions === 0 ? 0 : c.hitAny / c.questions,
    questions: c.questions,
    nodes: c.nodes,
    edges: c.edges,
    archived: c.archived
  }
  for (const [cat, x] of [...c.byCategory].sort((a, b) => a[0] - b[0])) metrics[`recall@${K}/cat${cat}`] = x.recall / x.n
  return {
    loss: 1 - recall,
    cost: (c.recallWork + c.engramWork) / Math.max(1, c.questions),
    size: (c.nodes + c.edges) / Math.max(1, c.turns),
    churn: c.changes / Math.max(1, c.events),
    metrics
  }
}
