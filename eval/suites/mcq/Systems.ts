/**
 * Systems — the three (plus one) memories compared on the MCQ world. All see the SAME statement
 * texts in the same order, use the SAME sentence embedder, and give the answering rule at most
 * the SAME context budget (`budgetTokens`, default 2,048, counted by `shell/loop/Prompt`'s
 * `estimateTokens`: ⌈chars / 4⌉ per unit).
 *
 * - **base**: the most recent statements that fit the 2K-token window (a model's context window
 *   over the raw history).
 * - **rag**: static RAG: every statement is a chunk embedded once; a question retrieves the top-k
 *   chunks by cosine to the question's embedding (ties: more recent first). No graph, no
 *   reconciliation.
 * - **rag-bm25** (extra, for honesty; not in the goal): the same top-k over BM25 (k1 1.2, b 0.75)
 *   on the statements' content words, since made-up names may have no GloVe vector.
 * - **mags**: the core. Each statement is one engram: the episode (text, time, embedding) and
 *   the triples the LLM-free rule extractor (`shell/extract/RuleExtractor.ts`, lemma relations)
 *   reads from the text (NOT the generator's structured facts); then `reconcile` on the facts
 *   just engrammed. The world's relations are declared single-valued in the params
 *   (`singleValued` = defaults + the world's relations): that is the world's schema, the one
 *   piece of configuration MAGS gets. **mags-structured** (extra) engrams the generator's
 *   structured slot facts instead of the extractor's triples (the episode text is the same): it
 *   measures what the extractor's coverage costs. A question is one `recall` (its text and embedding,
 *   current facts only, `maxResults` = k); the context is the recalled facts rendered
 *   `subject relation object` (negated facts left out) and the recalled episodes' texts.
 *   **mags-no-episodes** (extra) is the same memory with the episodes left out of the context:
 *   what the graph's facts answer on their own.
 *
 * @since 0.1.0
 */
import { Consolidate, Controller, Decay, Engram, type Fact, LiquidGraph, Node, Params, Prune, Recall, Reconcile } from "../../../core/index.ts"
import * as Bm25 from "../../baselines/Bm25.ts"
import { estimateTokens } from "../../../shell/loop/Prompt.ts"
import * as RuleExtractor from "../../../shell/extract/RuleExtractor.ts"
import { toEngramFact, type Triple } from "../../../shell/extract/Triple.ts"
import { type SentenceEmbedder, isZero } from "./Embed.ts"
import type { Unit } from "./Scoring.ts"
import type { Question, Statement, World } from "./World.ts"

/** Options shared by the systems. */
export interface SystemOptions {
  /** Context budget in estimated tokens (default 2048). */
  readonly budgetTokens: number
  /** Chunks (RAG) / results (MAGS recall) per question (default 20). */
  readonly k: number
}

export const defaultSystemOptions: SystemOptions = { budgetTokens: 2048, k: 20 }

/** A context built for one question. */
export interface Context {
  readonly units: ReadonlyArray<Unit>
  readonly tokens: number
}

/** What a text system reads of a statement: its text and world time (every MCQ world's statements have them). */
export interface Told {
  readonly text: string
  readonly time: number
}

/** What a text system reads of a question: its text. */
export interface Asked {
  readonly text: string
}

/**
 * A memory system: ingest the history, then answer questions with a context each. Generic in
 * the statement and question it reads, so the text systems serve every MCQ world (`mcq`,
 * `mcq-hard`).
 */
export interface System<S extends Told = Statement, Q extends Asked = Question> {
  readonly name: string
  readonly ingest: (s: S) => void
  readonly context: (q: Q, now: number) => Context
}

/** Tokens of a unit list (one line each). */
export const unitTokens = (units: ReadonlyArray<Unit>): number => units.reduce((n, u) => n + estimateTokens(u.text), 0)

/** The longest prefix of `units` (in rank order) within `budget` tokens. */
export const withinBudget = (units: ReadonlyArray<Unit>, budget: number): Context => {
  const out: Array<Unit> = []
  let tokens = 0
  for (const u of units) {
    const t = estimateTokens(u.text)
    if (tokens + t > budget) break
    out.push(u)
    tokens += t
  }
  return { units: out, tokens }
}

/** base: the most recent statements within the budget. */
export const base = (options: SystemOptions = defaultSystemOptions): System<Told, Asked> => {
  const history: Array<Unit> = []
  return {
    name: "base",
    ingest: (s) => void history.push({ text: s.text, time: s.time }),
    context: () => withinBudget(history.slice().reverse(), options.budgetTokens)
  }
}

const dot = (a: Float32Array, b: Float32Array): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

/** Top-k by score desc, then time desc (more recent first). */
export const topK = (scored: Array<{ readonly unit: Unit; readonly score: number }>, k: number): Array<Unit> =>
  scored.sort((x, y) => (y.score !== x.score ? y.score - x.score : y.unit.time - x.unit.time)).slice(0, k).map((s) => s.unit)

/** rag: static dense top-k over the statements. */
export const rag = (embedder: SentenceEmbedder, options: SystemOptions = defaultSystemOptions): System<Told, Asked> => {
  const chunks: Array<{ readonly unit: Unit; readonly v: Float32Array }> = []
  return {
    name: "rag",
    ingest: (s) => void chunks.push({ unit: { text: s.text, time: s.time }, v: embedder.embed(s.text) }),
    context: (q) => {
      const qv = embedder.embed(q.text)
      return withinBudget(topK(chunks.map((c) => ({ unit: c.unit, score: dot(qv, c.v) })), options.k), options.budgetTokens)
    }
  }
}

/** rag-bm25: static lexical top-k (BM25, the evaluation's one: eval/baselines/Bm25.ts) over the statements. */
export const ragBm25 = (options: SystemOptions = defaultSystemOptions): System<Told, Asked> => {
  const units: Array<Unit> = []
  const docs: Array<ReadonlyArray<string>> = []
  let index: Bm25.Bm25Index | undefined
  return {
    name: "rag-bm25",
    ingest: (s) => {
      units.push({ text: s.text, time: s.time })
      docs.push(Bm25.tokens(s.text))
      index = undefined
    },
    context: (q) => {
      index ??= Bm25.fromTokens(docs)
      const terms = Array.from(new Set(Bm25.tokens(q.text)))
      const scores = Bm25.scoresOf(index, terms)
      return withinBudget(topK(units.map((unit, i) => ({ unit, score: scores[i]! })), options.k), options.budgetTokens)
    }
  }
}

/** What the MAGS system exposes beyond {@link System}. */
export interface MagsSystem extends System {
  readonly graph: () => LiquidGraph.LiquidGraph
  /** Its memory (a trainer forks it after the statements: ingest once, ask many times). */
  readonly memory: Memory
  /** Statements the extractor read at least one triple from, by kind. */
  readonly extracted: () => { readonly fact: number; readonly correction: number; readonly filler: number }
  /** Supersessions reconcile decided. */
  readonly superseded: () => number
}

/**
 * The memory under every MCQ suite's MAGS system, whatever reads its triples: each statement is
 * one `engram` (the episode: text, time, embedding; the entities and facts of the triples read
 * from it), then `reconcile` on the facts just engrammed. A question is one `recall` (its text
 * and embedding, `maxResults` = k); its context is the recalled facts `factText` renders (null:
 * left out), then, with `episodes`, the recalled episodes' texts, ranked by recall's score (ties:
 * more recent first) within the budget.
 */
export interface Memory {
  readonly graph: () => LiquidGraph.LiquidGraph
  /** A copy that goes on from this memory's state (ingest once, ask many times). */
  readonly fork: (decide?: Controller.Decider) => Memory
  /** Supersessions reconcile decided. */
  readonly superseded: () => number
  /** Engrams `s` with the triples read from it, then reconciles. */
  readonly ingest: (s: Told & { readonly id: string }, triples: ReadonlyArray<Triple>) => void
  readonly context: (q: Asked, now: number) => Context
}

/**
 * A {@link Memory} over `params`. Its memory decisions per question are `decide`'s (default: the
 * hand-written controller — one plain recall, no housekeeping): the recall's depth
 * (`Controller.recallOverrides`, in the recall's input) before each recall, and after it whether
 * to run the housekeeping (decay over the world time since the last one or the first question,
 * prune, consolidate). The decisions' step is the question's number.
 * @complexity ingest O(engram + reconcile); context O(recall + k log k)
 */
export const memory = (
  embedder: SentenceEmbedder,
  params: Params.Params,
  options: SystemOptions,
  episodes: boolean,
  factText: (fact: Fact.Fact) => string | null,
  decide: Controller.Decider = Controller.handDecider
): Memory => {
  const vec = (text: string): { embedding?: Array<number> } => {
    const v = embedder.embed(text)
    return isZero(v) ? {} : { embedding: Array.from(v) }
  }
  const make = (
    from: {
      g: LiquidGraph.LiquidGraph; superseded: number; times: Map<string, number>; asked: number
      lastMaintain: number | undefined; lastMaintainTime: number | undefined; firstAsked: number | undefined
    },
    decide: Controller.Decider
  ): Memory => {
    const times = new Map(from.times)
    let g = from.g
    let superseded = from.superseded
    let asked = from.asked
    let lastMaintain = from.lastMaintain
    let lastMaintainTime = from.lastMaintainTime
    let firstAsked = from.firstAsked
    return {
      graph: () => g,
      superseded: () => superseded,
      fork: (d) => make({ g, superseded, times, asked, lastMaintain, lastMaintainTime, firstAsked }, d ?? decide),
      ingest: (s, triples) => {
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
      context: (q, now) => {
        const n = asked++
        const before = Controller.contextOf(g, q.text, { sinceMaintain: n - (lastMaintain === undefined ? 0 : lastMaintain) })
        const how = decide("recall", Controller.features(before, "pre"), n)
        const step = Recall.recall(g, { ...Controller.recallOverrides(how), text: q.text, ...vec(q.text), maxResults: options.k }, params, now)
        g = step.graph
        const facts = step.result.facts
        const maintain = decide("maintain", Controller.features({
          ...before, recalled: facts.length, recalledNegated: facts.length === 0 ? 0 : facts.filter((f) => f.fact.negated).length / facts.length
        }, "post"), n)
        const ranked: Array<{ readonly unit: Unit; readonly score: number }> = [
          ...facts.flatMap((f) => {
            const text = factText(f.fact)
            return text === null ? [] : [{ unit: { text, time: f.fact.validFrom ?? f.fact.learnedAt }, score: f.score }]
          }),
          ...(episodes ? step.result.episodes : []).map((e) => ({ unit: { text: e.text, time: times.get(e.id) ?? now }, score: e.score }))
        ]
        if (maintain === "yes") {
          const since = lastMaintainTime ?? firstAsked ?? now
          g = Consolidate.consolidate(Prune.prune(Decay.decay(g, { dt: Math.max(0, now - since) }, params, now).graph, {}, params, now).graph, {}, params, now).graph
          lastMaintain = n
          lastMaintainTime = now
        }
        firstAsked ??= now
        return withinBudget(topK(ranked, ranked.length), options.budgetTokens)
      }
    }
  }
  return make({
    g: LiquidGraph.empty(embedder.dims), superseded: 0, times: new Map(), asked: 0,
    lastMaintain: undefined, lastMaintainTime: undefined, firstAsked: undefined
  }, decide)
}

/**
 * mags: engram (rule-extracted triples + episode) → reconcile → recall, over {@link memory}; with
 * `decide`, the system `mags-learned`: the same memory with its decisions taken by a trained
 * controller.
 */
export const mags = (
  world: World,
  embedder: SentenceEmbedder,
  options: SystemOptions = defaultSystemOptions,
  triplesFrom: "rule" | "structured" = "rule",
  episodes: boolean = true,
  decide?: Controller.Decider
): MagsSystem => {
  const params = Params.unsafeMake({ singleValued: [...Params.defaultSingleValued, ...world.relations] })
  const extractor = RuleExtractor.make()
  const m = memory(embedder, params, options, episodes, (f) => (f.negated ? null : `${f.subject} ${f.relation} ${f.object}`), decide)
  const extracted = { fact: 0, correction: 0, filler: 0 }
  return {
    name: decide !== undefined
      ? "mags-learned"
      : triplesFrom === "rule" ? (episodes ? "mags" : "mags-no-episodes") : episodes ? "mags-structured" : "mags-structured-no-episodes",
    graph: m.graph,
    memory: m,
    extracted: () => ({ ...extracted }),
    superseded: m.superseded,
    ingest: (s) => {
      const triples: ReadonlyArray<Triple> = triplesFrom === "rule"
        ? extractor.extract(s.text)
        : s.fact === null
        ? []
        : [{
          subject: s.fact.entity, relation: s.fact.relation, object: s.fact.value, negated: false,
          validFrom: null, confidence: 0.8, span: { start: 0, end: s.text.length }
        }]
      if (triples.length > 0) extracted[s.kind]++
      m.ingest(s, triples)
    },
    context: m.context
  }
}
