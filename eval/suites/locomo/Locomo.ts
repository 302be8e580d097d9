/**
 * Locomo — the LoCoMo retrieval evaluation: ingest a conversation into each system, ask every
 * QA item with evidence, score recall@k / hit_any@k / hit_all@k / tokens@k (Metrics.ts).
 *
 * Memories. Setting `turns` (A): one memory per turn, text `"<speaker>: <text>"` plus
 * `" [image: <blip_caption>]"` when the turn shared an image; it maps to its own dia id.
 * Setting `obs` (B): one memory per `observation` fact, text as given, mapped to its provenance
 * dia ids. Every system sees exactly these texts, and the embedding systems the same GloVe
 * sentence vectors (`shell/embeddings/Glove.ts`, SIF-weighted, unit length).
 *
 * Systems (one fresh memory per conversation):
 * - `vector`: flat exact cosine top-k over the memories' vectors (ties: earlier memory first);
 * - `bm25`: Okapi BM25 over the memories' texts (Bm25.ts);
 * - `mags`: the liquid graph. Each memory is engrammed, in time order, as one batch: the episode
 *   (id = dia id, or the observation id; time = its session's date; its vector) plus the triples
 *   `shell/extract/RuleExtractor` reads in its text (first-person turns read with the speaker as
 *   `I`; the caption read too), their subject/object labels with their GloVe vectors, each
 *   fact's provenance being the episode. `now` = session date + 1 min per turn. Between
 *   sessions a maintenance pass runs, as a deployed memory would: `Decay` over the real time gap
 *   between the session dates, then `Prune` (default Params). `Reconcile` is not run.
 * - `mags-nodecay`: the same ingestion with no Decay/Prune (ablation).
 * - `mags-default`: `mags`'s graph, queried with recall's shipped defaults (4 anchors).
 *   MAGS query: `Recall.recall(graph, { text: question, embedding: GloVe(question), k: 20,
 *   maxResults: 200 }, Params.defaults, now = last session + 1 day)` ({@link TUNED_QUERY}, chosen
 *   on the first conversation only), `at` = null (current facts).
 *   The top-k list: recall's episodes and facts merged into one list by score (desc; on equal
 *   scores episodes before facts, then recall's own order); an episode maps to its dia id(s), a
 *   fact to the dia ids of the episodes in its provenance; a fact's text is
 *   `"subject relation object"`. Recall's graph changes (co-recall links, access counts) are
 *   discarded: every question is asked of the same post-ingestion graph, so answers do not
 *   depend on the order of the questions.
 * Params are Params.defaults throughout; only recall's `k`/`maxResults` were chosen, on the first
 * conversation (see {@link TUNED_QUERY}).
 */
import { Decay, Engram, LiquidGraph, Params, Prune, Recall } from "../../../core/index.ts"
import type { EngramInput } from "../../../core/Engram.ts"
import { embed } from "../../../shell/embeddings/Glove.ts"
import type { WordTable } from "../../../shell/embeddings/Glove.ts"
import * as RuleExtractor from "../../../shell/extract/RuleExtractor.ts"
import { toEngramFact } from "../../../shell/extract/Triple.ts"
import * as Bm25 from "../../baselines/Bm25.ts"
import type { Conversation } from "./Data.ts"
import * as Metrics from "./Metrics.ts"

export const KS = [5, 10, 20] as const
export const K_MAX = 20
export type Setting = "turns" | "obs"
export const SYSTEMS = ["mags", "vector", "bm25", "mags-nodecay", "mags-default"] as const
export type SystemName = (typeof SYSTEMS)[number]

export interface Memory {
  readonly id: string
  readonly text: string
  readonly diaIds: ReadonlyArray<string>
  readonly session: number
  readonly time: number
  /** Text the extractor reads, with the speaker `I` stands for (null: third person). */
  readonly extract: ReadonlyArray<{ readonly text: string; readonly speaker: string | null }>
}

export const memoriesOf = (c: Conversation, setting: Setting): Array<Memory> => {
  if (setting === "turns") {
    return c.sessions.flatMap((s) =>
      s.turns.map((t) => ({
        id: t.diaId,
        text: `${t.speaker}: ${t.text}` + (t.caption === undefined ? "" : ` [image: ${t.caption}]`),
        diaIds: [t.diaId],
        session: s.number,
        time: s.time,
        extract: [{ text: t.text, speaker: t.speaker }, ...(t.caption === undefined ? [] : [{ text: t.caption, speaker: null }])]
      }))
    )
  }
  return c.observations.map((o) => ({
    id: o.id, text: o.text, diaIds: o.diaIds, session: o.session, time: o.time, extract: [{ text: o.text, speaker: null }]
  }))
}

/** A retriever: question (text + embedding) → ranked memories (at most K_MAX). */
export type Retriever = (question: string, embedding: ReadonlyArray<number>) => Array<Metrics.Retrieved>

const dot = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

export const vectorRetriever = (memories: ReadonlyArray<Memory>, vectors: ReadonlyArray<ReadonlyArray<number>>): Retriever =>
  (_q, e) =>
    vectors
      .map((v, i) => ({ i, s: dot(v, e) }))
      .sort((x, y) => (y.s !== x.s ? y.s - x.s : x.i - y.i))
      .slice(0, K_MAX)
      .map(({ i }) => memories[i]!)

export const bm25Retriever = (memories: ReadonlyArray<Memory>): Retriever => {
  const index = Bm25.build(memories.map((m) => m.text))
  return (q) => Bm25.topK(index, q, K_MAX).map(({ index: i }) => memories[i]!)
}

const MINUTE = 60_000
const DAY = 86_400_000

export interface GraphStats {
  readonly nodes: number
  readonly edges: number
  readonly facts: number
  readonly episodes: number
}

export interface MagsMemory {
  readonly graph: LiquidGraph.LiquidGraph
  readonly now: number
  readonly stats: GraphStats
}

/** Builds the MAGS graph of a conversation's memories (see the module doc). */
export const ingestMags = (
  memories: ReadonlyArray<Memory>,
  vectors: ReadonlyArray<ReadonlyArray<number>>,
  table: WordTable,
  maintain: boolean,
  params: Params.Params = Params.defaults
): MagsMemory => {
  const extractors = new Map<string | null, RuleExtractor.RuleExtractor>()
  const extractor = (speaker: string | null): RuleExtractor.RuleExtractor => {
    let x = extractors.get(speaker)
    if (x === undefined) {
      x = RuleExtractor.make(speaker === null ? {} : { speaker })
      extractors.set(speaker, x)
    }
    return x
  }
  const labelVectors = new Map<string, Array<number>>()
  const labelVector = (label: string): Array<number> => {
    let v = labelVectors.get(label)
    if (v === undefined) {
      v = Array.from(embed(table, label))
      labelVectors.set(label, v)
    }
    return v
  }
  let g = LiquidGraph.empty()
  let prevSession: number | undefined
  let prevTime = 0
  let now = 0
  memories.forEach((m, i) => {
    if (m.session !== prevSession) {
      if (maintain && prevSession !== undefined && m.time > prevTime) {
        g = Decay.decay(g, { dt: m.time - prevTime }, params, m.time).graph
        g = Prune.prune(g, {}, params, m.time).graph
      }
      prevSession = m.session
      prevTime = m.time
      now = m.time
    }
    now = Math.max(now + MINUTE, m.time)
    const facts = m.extract.flatMap((x) => extractor(x.speaker).extract(x.text).map((t) => toEngramFact(t)))
    const labels = Array.from(new Set(facts.flatMap((f) => [f.subject, f.object])))
    // labels whose vector is zero (no known word) carry none: the zero vector matches nothing
    const entities = labels.map((label) => {
      const v = labelVector(label)
      return v.some((x) => x !== 0) ? { label, embedding: v } : { label }
    })
    const input: EngramInput = {
      episode: { id: m.id, text: m.text, time: m.time, embedding: vectors[i]! as Array<number> },
      ...(entities.length === 0 ? {} : { entities }),
      facts
    }
    g = Engram.engram(g, input, params, now).graph
  })
  let facts = 0
  let episodes = 0
  for (const e of LiquidGraph.edges(g)) if (e.kind === "fact") facts++
  for (const n of LiquidGraph.nodes(g)) if (n.kind === "episode") episodes++
  return {
    graph: g,
    now: now + DAY,
    stats: { nodes: LiquidGraph.nodeCount(g), edges: LiquidGraph.edgeCount(g), facts, episodes }
  }
}

/** How MAGS is queried: recall's `k` (anchors; undefined = Params.anchors), `maxResults`, and whether the text goes too. */
export interface MagsQuery {
  readonly anchors: number | undefined
  readonly maxResults: number
  readonly text: boolean
}

/** Recall as shipped: default anchors (4), maxResults = the largest k, text + embedding (system `mags-default`). */
export const DEFAULT_QUERY: MagsQuery = { anchors: undefined, maxResults: K_MAX, text: true }

/**
 * The query of systems `mags` and `mags-nodecay`: K = 20 anchors, maxResults 200, text +
 * embedding. Chosen on the FIRST conversation only (conv-26, `tune.ts`: anchors ∈ {4, 10, 20} ×
 * maxResults ∈ {20, 200}, text + embedding as the brief asks; best mean recall@10 over the four
 * cells with/without maintenance × turns/observations); the other conversations are held out
 * (`recall@10/heldout`). Params.defaults otherwise.
 */
export const TUNED_QUERY: MagsQuery = { anchors: 20, maxResults: 200, text: true }

/** The MAGS retriever over a built graph (read-only: recall's graph changes are dropped). */
export const magsRetriever = (
  mem: MagsMemory,
  memories: ReadonlyArray<Memory>,
  query: MagsQuery = DEFAULT_QUERY,
  params: Params.Params = Params.defaults
): Retriever => {
  const byEpisode = new Map(memories.map((m) => ["ep:" + m.id, m]))
  return (question, embedding) => {
    const input = {
      ...(query.text ? { text: question } : {}),
      embedding,
      maxResults: query.maxResults,
      ...(query.anchors === undefined ? {} : { k: query.anchors })
    }
    const { result } = Recall.recall(mem.graph, input, params, mem.now)
    const merged: Array<{ score: number; order: number; item: Metrics.Retrieved }> = []
    result.episodes.forEach((e, i) => {
      const m = byEpisode.get(e.id)
      merged.push({ score: e.score, order: i, item: { text: m?.text ?? e.text, diaIds: m?.diaIds ?? [] } })
    })
    result.facts.forEach((f, i) => {
      const diaIds = Array.from(new Set(f.fact.provenance.flatMap((p) => byEpisode.get(p)?.diaIds ?? [])))
      merged.push({
        score: f.score,
        order: 1_000_000 + i,
        item: { text: `${f.fact.subject} ${f.fact.relation.replace(/_/g, " ")} ${f.fact.object}`, diaIds }
      })
    })
    return merged.sort((x, y) => (y.score !== x.score ? y.score - x.score : x.order - y.order)).slice(0, K_MAX).map((x) => x.item)
  }
}

// ── the evaluation ────────────────────────────────────────────────────────────

/** Aggregates: setting → system → group → k → Mean. Groups: "main" (cat 1–4), "cat1".."cat5". */
export type Table = Map<string, Map<string, Map<number, Metrics.Mean>>>

export interface ConversationReport {
  readonly sampleId: string
  readonly setting: Setting
  readonly questions: number
  readonly graphs: Record<"mags" | "mags-nodecay", GraphStats>
}

export interface EvalOptions {
  readonly settings: ReadonlyArray<Setting>
  readonly progress: (message: string, done?: number, total?: number) => void
}

export interface EvalResult {
  /** system key (`mags`, `mags/obs`, …) → group → k → Mean */
  readonly table: Table
  /** the same, per conversation: sampleId → system key → group → k → Mean */
  readonly perConversation: Map<string, Table>
  readonly conversations: ReadonlyArray<ConversationReport>
  readonly skippedNoEvidence: number
  readonly droppedEvidence: number
}

export const systemKey = (system: SystemName, setting: Setting): string => (setting === "turns" ? system : `${system}/obs`)

const addTo = (table: Table, system: string, group: string, k: number, s: Metrics.ItemScore): void => {
  let bySystem = table.get(system)
  if (bySystem === undefined) table.set(system, (bySystem = new Map()))
  let byGroup = bySystem.get(group)
  if (byGroup === undefined) bySystem.set(group, (byGroup = new Map()))
  let mean = byGroup.get(k)
  if (mean === undefined) byGroup.set(k, (mean = new Metrics.Mean()))
  mean.add(s)
}

/** Runs every system of every setting on `conversations`. */
export const evaluate = (conversations: ReadonlyArray<Conversation>, table: WordTable, options: EvalOptions): EvalResult => {
  const all: Table = new Map()
  const perConversation = new Map<string, Table>()
  const reports: Array<ConversationReport> = []
  let skipped = 0
  let dropped = 0
  const vec = (text: string): Array<number> => Array.from(embed(table, text))
  const units = conversations.length * options.settings.length
  let done = 0
  for (const c of conversations) {
    const mine: Table = new Map()
    perConversation.set(c.sampleId, mine)
    const questions = c.qa.filter((q) => q.evidence.length > 0)
    for (const q of c.qa) dropped += q.droppedEvidence.length
    skipped += c.qa.length - questions.length
    const qVectors = questions.map((q) => vec(q.question))
    for (const setting of options.settings) {
      options.progress(`locomo ${c.sampleId} ${setting}: ingesting`, done, units)
      const memories = memoriesOf(c, setting)
      const vectors = memories.map((m) => vec(m.text))
      const mags = ingestMags(memories, vectors, table, true)
      const nodecay = ingestMags(memories, vectors, table, false)
      const retrievers: Record<SystemName, Retriever> = {
        mags: magsRetriever(mags, memories, TUNED_QUERY),
        vector: vectorRetriever(memories, vectors),
        bm25: bm25Retriever(memories),
        "mags-nodecay": magsRetriever(nodecay, memories, TUNED_QUERY),
        "mags-default": magsRetriever(mags, memories, DEFAULT_QUERY)
      }
      options.progress(`locomo ${c.sampleId} ${setting}: ${questions.length} questions`, done, units)
      questions.forEach((q, qi) => {
        for (const system of SYSTEMS) {
          const ranked = retrievers[system](q.question, qVectors[qi]!)
          const key = systemKey(system, setting)
          for (const k of KS) {
            const s = Metrics.scoreAt(q.evidence, ranked, k)
            const groups = q.category >= 1 && q.category <= 4 ? ["main", `cat${q.category}`] : [`cat${q.category}`]
            for (const group of groups) {
              addTo(all, key, group, k, s)
              addTo(mine, key, group, k, s)
            }
          }
        }
      })
      reports.push({
        sampleId: c.sampleId, setting, questions: questions.length,
        graphs: { mags: mags.stats, "mags-nodecay": nodecay.stats }
      })
      done++
      options.progress(`locomo ${c.sampleId} ${setting}: done`, done, units)
    }
  }
  return { table: all, perConversation, conversations: reports, skippedNoEvidence: skipped, droppedEvidence: dropped }
}
