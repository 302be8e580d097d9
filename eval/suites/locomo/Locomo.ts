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
 *   between the session dates, then `Prune`, then `Consolidate` (default Params; see {@link maintenance}). `Reconcile` is not run.
 * - `mags-nodecay`: the same ingestion with no Decay/Prune (ablation).
 * - `mags-no-<source>` (lexical, vector, key, walk, time): `mags`'s graph queried with that
 *   recall source switched off (`RecallInput.sources`): the ablation of each source.
 *   MAGS query: `Recall.recall(graph, { text: question, embedding: GloVe(question), time:
 *   timeHint(question) }, Params.defaults, now = last session + 1 day)`, `at` = null (current
 *   facts): recall as shipped, no per-suite override.
 *   The top-k list: the head of recall's merged `items` (episodes and facts by score); an episode
 *   maps to its dia id(s), a fact to the dia ids of the episodes in its provenance; a fact's text
 *   is `"subject relation object"`. Recall's graph changes (co-recall links, access counts,
 *   re-activations) are discarded: every question is asked of the same post-ingestion graph, so
 *   answers do not depend on the order of the questions.
 * Params are Params.defaults throughout. Conversations 1–4 are the train split (the only ones
 * any default was chosen on), 5–7 the validation split.
 */
import { Consolidate, Decay, Engram, LiquidGraph, Params, Prune, Recall } from "../../../core/index.ts"
import type { Changes } from "../../../core/Changes.ts"
import type { EngramInput } from "../../../core/Engram.ts"
import { embed } from "../../../shell/embeddings/Glove.ts"
import type { WordTable } from "../../../shell/embeddings/Glove.ts"
import * as RuleExtractor from "../../../shell/extract/RuleExtractor.ts"
import * as Dates from "../../../shell/extract/Dates.ts"
import { toEngramFact } from "../../../shell/extract/Triple.ts"
import * as Bm25 from "../../baselines/Bm25.ts"
import type { Conversation } from "./Data.ts"
import * as Metrics from "./Metrics.ts"

export const KS = [5, 10, 20] as const
export const K_MAX = 20
export type Setting = "turns" | "obs"
export const SYSTEMS = [
  "mags", "vector", "bm25", "mags-nodecay",
  "mags-no-lexical", "mags-no-vector", "mags-no-key", "mags-no-walk", "mags-no-time"
] as const
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
  /** The active graph. */
  readonly nodes: number
  readonly edges: number
  readonly facts: number
  readonly episodes: number
  /** The archive (`LiquidGraph.archiveStats`): what prune moved out, recall still reaches. */
  readonly archivedNodes: number
  readonly archivedEpisodes: number
  readonly archivedEdges: number
  readonly archiveBytes: number
}

/** What ingestion cost the memory: graph changes (items added, updated, removed, …) per ingested memory. */
export interface IngestCost {
  /** Σ over every engram, decay and prune step of the lengths of its change lists. */
  readonly changes: number
  /** Memories ingested. */
  readonly steps: number
}

export interface MagsMemory {
  readonly graph: LiquidGraph.LiquidGraph
  readonly now: number
  readonly stats: GraphStats
  readonly cost: IngestCost
}

/** The number of entries of every change list of one step (churn). */
export const churn = (c: Changes): number => {
  let n = 0
  for (const v of Object.values(c)) if (Array.isArray(v)) n += v.length
  return n
}

/**
 * The maintenance pass between two sessions, as `mags maintain` runs it: `Decay` over the real
 * time gap `dt`, then `Prune`, then `Consolidate`, at world time `time`. Returns the graph, its
 * churn (the lengths of the three change lists) and the number of events (3).
 */
export const maintenance = (
  g: LiquidGraph.LiquidGraph,
  dt: number,
  time: number,
  params: Params.Params
): { readonly graph: LiquidGraph.LiquidGraph; readonly churn: number; readonly events: number } => {
  const decayed = Decay.decay(g, { dt }, params, time)
  const pruned = Prune.prune(decayed.graph, {}, params, time)
  const consolidated = Consolidate.consolidate(pruned.graph, {}, params, time)
  return { graph: consolidated.graph, churn: churn(decayed.changes) + churn(pruned.changes) + churn(consolidated.changes), events: 3 }
}

/** One step of a conversation's ingestion: a maintenance pass between sessions, or one memory's engram. */
export type Step =
  | { readonly kind: "maintain"; readonly dt: number; readonly time: number }
  | { readonly kind: "engram"; readonly input: EngramInput; readonly now: number }

/**
 * What the world contributes to ONE conversation's ingestion, recorded once (the rule extractor
 * and GloVe run here, never again): one rule-extractor discourse for the whole conversation (each
 * turn read with its speaker as `I` and its session date as the anchor of relative dates; a
 * caption read with no speaker); each memory's episode `follows` the memory before it in the same
 * session; a `maintain` step at every session boundary with the real time gap. `now` is the last
 * engram's system time.
 */
export const record = (
  memories: ReadonlyArray<Memory>,
  vectors: ReadonlyArray<ReadonlyArray<number>>,
  table: WordTable
): { readonly steps: ReadonlyArray<Step>; readonly now: number } => {
  const talk = RuleExtractor.make().discourse()
  const labelVectors = new Map<string, Array<number>>()
  const labelVector = (label: string): Array<number> => {
    let v = labelVectors.get(label)
    if (v === undefined) {
      v = Array.from(embed(table, label))
      labelVectors.set(label, v)
    }
    return v
  }
  const steps: Array<Step> = []
  let prevSession: number | undefined
  let prevTime = 0
  let now = 0
  let previous: Memory | undefined
  memories.forEach((m, i) => {
    if (m.session !== prevSession) {
      if (prevSession !== undefined && m.time > prevTime) steps.push({ kind: "maintain", dt: m.time - prevTime, time: m.time })
      prevSession = m.session
      prevTime = m.time
      now = m.time
    }
    now = Math.max(now + MINUTE, m.time)
    const facts = m.extract.flatMap((x) => talk.read(x.text, { speaker: x.speaker, time: m.time }).map((t) => toEngramFact(t)))
    const labels = Array.from(new Set(facts.flatMap((f) => [f.subject, f.object])))
    // labels whose vector is zero (no known word) carry none: the zero vector matches nothing
    const entities = labels.map((label) => {
      const v = labelVector(label)
      return v.some((x) => x !== 0) ? { label, embedding: v } : { label }
    })
    const follows = previous !== undefined && previous.session === m.session ? previous.id : undefined
    const input: EngramInput = {
      episode: {
        id: m.id, text: m.text, time: m.time, embedding: vectors[i]! as Array<number>,
        ...(follows === undefined ? {} : { follows })
      },
      ...(entities.length === 0 ? {} : { entities }),
      facts
    }
    steps.push({ kind: "engram", input, now })
    previous = m
  })
  return { steps, now }
}

/** The graph after a recorded ingestion and what it did. */
export interface Folded {
  readonly graph: LiquidGraph.LiquidGraph
  /** Σ change-list entries of the engram steps. */
  readonly engramWork: number
  /** Σ change-list entries of every step. */
  readonly changes: number
  /** Transitions applied (an engram one; a maintenance pass {@link maintenance}'s three). */
  readonly events: number
}

/** Folds recorded steps through the pure core under `params` (maintenance passes only when `maintain`). */
export const fold = (steps: ReadonlyArray<Step>, maintain: boolean, params: Params.Params): Folded => {
  let g = LiquidGraph.empty()
  let engramWork = 0
  let changes = 0
  let events = 0
  for (const s of steps) {
    if (s.kind === "maintain") {
      if (!maintain) continue
      const pass = maintenance(g, s.dt, s.time, params)
      changes += pass.churn
      events += pass.events
      g = pass.graph
    } else {
      const step = Engram.engram(g, s.input, params, s.now)
      const c = churn(step.changes)
      engramWork += c
      changes += c
      events++
      g = step.graph
    }
  }
  return { graph: g, engramWork, changes, events }
}

/** Builds the MAGS graph of ONE conversation's memories: {@link record}, then {@link fold}. */
export const ingestMags = (
  memories: ReadonlyArray<Memory>,
  vectors: ReadonlyArray<ReadonlyArray<number>>,
  table: WordTable,
  maintain: boolean,
  params: Params.Params = Params.defaults
): MagsMemory => {
  const recorded = record(memories, vectors, table)
  const { graph: g, changes } = fold(recorded.steps, maintain, params)
  const now = recorded.now
  let facts = 0
  let episodes = 0
  for (const e of LiquidGraph.edges(g)) if (e.kind === "fact") facts++
  for (const n of LiquidGraph.nodes(g)) if (n.kind === "episode") episodes++
  const archive = LiquidGraph.archiveStats(g)
  return {
    graph: g,
    now: now + DAY,
    stats: {
      nodes: LiquidGraph.nodeCount(g), edges: LiquidGraph.edgeCount(g), facts, episodes,
      archivedNodes: archive.nodes, archivedEpisodes: archive.episodes, archivedEdges: archive.edges, archiveBytes: archive.bytes
    },
    cost: { changes, steps: memories.length }
  }
}

/**
 * The time hint of a question (recall's time source input): `shell/extract/Dates.timeHint`, the
 * one the shell's `mags ask` / `mags chat` / `mags recall` use.
 */
export const timeHint: (question: string, now: number) => NonNullable<Recall.RecallInput["time"]> | undefined = Dates.timeHint

/** How MAGS is queried: recall's sources (undefined: all, as shipped). */
export interface MagsQuery {
  readonly sources: ReadonlyArray<Recall.Source> | undefined
}

/** Recall as shipped: Params.defaults, every source. */
export const DEFAULT_QUERY: MagsQuery = { sources: undefined }

/** The ablation queries: every source but one (systems `mags-no-<source>`). */
export const ablation = (source: Recall.Source): MagsQuery => ({ sources: Recall.SOURCES.filter((s) => s !== source) })

/** What the MAGS retriever spent, summed over its questions. */
export interface QueryCost {
  queries: number
  candidates: number
  edgesExamined: number
}

/**
 * The MAGS retriever over a built graph (read-only: recall's graph changes are dropped): the
 * question's text, GloVe embedding and time hint ({@link timeHint}) with Params as given; the
 * top-k is the head of recall's merged `items` (an episode maps to its dia ids, a fact to the dia
 * ids of the episodes in its provenance). `cost`, when given, accumulates recall's cost.
 */
export const magsRetriever = (
  mem: Pick<MagsMemory, "graph" | "now">,
  memories: ReadonlyArray<Memory>,
  query: MagsQuery = DEFAULT_QUERY,
  params: Params.Params = Params.defaults,
  cost?: QueryCost
): Retriever => {
  const byEpisode = new Map(memories.map((m) => ["ep:" + m.id, m]))
  return (question, embedding) => {
    const time = timeHint(question, mem.now)
    const input: Recall.RecallInput = {
      text: question,
      embedding,
      ...(time === undefined ? {} : { time }),
      ...(query.sources === undefined ? {} : { sources: query.sources })
    }
    const { result } = Recall.recall(mem.graph, input, params, mem.now)
    if (cost !== undefined) {
      cost.queries++
      cost.candidates += result.cost.candidates
      cost.edgesExamined += result.cost.edgesExamined
    }
    return result.items.slice(0, K_MAX).map((item): Metrics.Retrieved => {
      if (item.kind === "episode") {
        const m = byEpisode.get(item.id)
        return { text: m?.text ?? item.episode.text, diaIds: m?.diaIds ?? [] }
      }
      const f = item.fact.fact
      const diaIds = Array.from(new Set(f.provenance.flatMap((p) => byEpisode.get(p)?.diaIds ?? [])))
      return { text: `${f.subject} ${f.relation.replace(/_/g, " ")} ${f.object}`, diaIds }
    })
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
        mags: magsRetriever(mags, memories),
        vector: vectorRetriever(memories, vectors),
        bm25: bm25Retriever(memories),
        "mags-nodecay": magsRetriever(nodecay, memories),
        "mags-no-lexical": magsRetriever(mags, memories, ablation("lexical")),
        "mags-no-vector": magsRetriever(mags, memories, ablation("vector")),
        "mags-no-key": magsRetriever(mags, memories, ablation("key")),
        "mags-no-walk": magsRetriever(mags, memories, ablation("walk")),
        "mags-no-time": magsRetriever(mags, memories, ablation("time"))
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

// ── the tuner's entry point ───────────────────────────────────────────────────

/** LoCoMo's split (issue 8): conversations 1–4 (indices 0–3) train, 5–7 (indices 4–6) validation. */
export const TRAIN: ReadonlyArray<number> = [0, 1, 2, 3]
export const VALIDATION: ReadonlyArray<number> = [4, 5, 6]

/** What {@link score} measured for one Params on some conversations (turn level, categories 1–4). */
export interface Score {
  /** Mean recall@10 over every question (categories 1–4, with evidence) of the conversations. */
  readonly recall10: number
  readonly questions: number
  /** Mean candidates recall scored per query, and mean edges its walk examined per query. */
  readonly candidatesPerQuery: number
  readonly edgesPerQuery: number
  /** Mean over the conversations of the final active graph's nodes and edges, and of its archived nodes. */
  readonly nodes: number
  readonly edges: number
  readonly archivedNodes: number
  /** Graph changes (entries of every change list of engram, decay, prune) per ingested turn. */
  readonly churn: number
}

/**
 * For the tuner (H3): ingests each conversation of `indices` (turn level, maintenance on, as the
 * suite's `mags` does) under `params`, asks its questions of categories 1–4 with evidence, and
 * returns the mean recall@10 and the cost figures. Pure apart from its CPU time (≈ 2 s a
 * conversation); the same inputs give the same figures. Use {@link TRAIN} to tune and
 * {@link VALIDATION} to validate.
 */
export const score = (
  conversations: ReadonlyArray<Conversation>,
  table: WordTable,
  params: Params.Params,
  indices: ReadonlyArray<number> = TRAIN,
  options: { readonly maintain?: boolean; readonly sources?: ReadonlyArray<Recall.Source> } = {}
): Score => {
  const mean = new Metrics.Mean()
  const cost: QueryCost = { queries: 0, candidates: 0, edgesExamined: 0 }
  let nodes = 0
  let edges = 0
  let archived = 0
  let changes = 0
  let steps = 0
  for (const i of indices) {
    const c = conversations[i]
    if (c === undefined) continue
    const memories = memoriesOf(c, "turns")
    const vectors = memories.map((m) => Array.from(embed(table, m.text)))
    const mem = ingestMags(memories, vectors, table, options.maintain ?? true, params)
    const retrieve = magsRetriever(mem, memories, { sources: options.sources }, params, cost)
    for (const q of c.qa) {
      if (q.evidence.length === 0 || q.category < 1 || q.category > 4) continue
      mean.add(Metrics.scoreAt(q.evidence, retrieve(q.question, Array.from(embed(table, q.question))), 10))
    }
    nodes += mem.stats.nodes
    edges += mem.stats.edges
    archived += LiquidGraph.archivedNodeCount(mem.graph)
    changes += mem.cost.changes
    steps += mem.cost.steps
  }
  const n = Math.max(1, indices.length)
  return {
    recall10: mean.n === 0 ? 0 : mean.mean("recall"),
    questions: mean.n,
    candidatesPerQuery: cost.queries === 0 ? 0 : cost.candidates / cost.queries,
    edgesPerQuery: cost.queries === 0 ? 0 : cost.edgesExamined / cost.queries,
    nodes: nodes / n,
    edges: edges / n,
    archivedNodes: archived / n,
    churn: steps === 0 ? 0 : changes / steps
  }
}
