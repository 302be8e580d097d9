/**
 * Agents — four memories behind one interface, and the loop that runs any of them in any world.
 *
 * Every agent, every step: (1) asks its memory about `observation.query` and gets triples back
 * (plus the text it would show a language model); (2) decides — with no model configured by the
 * world's documented deterministic policy over those triples, with a model (`chooser`) by the
 * model; (3) acts; (4) hands its memory the new observation text, the reward and the triples the
 * decision used. All four get the same observations and parse them with the same `world.parse`.
 *
 * - `mags`: the core. Before acting, ONE `recall` with the query text (lexical anchors: the
 *   made-up words have no embeddings, and no agent gets one), at world time "now", so superseded
 *   facts are not returned. After acting, the observation's triples are compared with the graph's
 *   current facts of their slot: a triple memory already holds (same object and polarity) is not
 *   engrammed again (surprise-gated engram — re-engramming confirmations would pile up provenance
 *   and entrench facts against change) but reinforced (reward 1), which stamps its
 *   `lastReinforced` — recall reports a fact's time as max(validFrom, lastReinforced), i.e. when
 *   memory last saw it hold; a NEW triple is engrammed with `validFrom = step` in one
 *   batch with the observation as its episode, then `reconcile` runs on the batch, so a loss that
 *   contradicts a believed winner supersedes it (kept as history). A recalled fact that the new
 *   triples contradict is first weakened (`reinforce`, reward −1); on a positive reward the facts
 *   the decision used are strengthened (`reinforce`, reward = the step's reward).
 * - `none`: no memory; only the current observation.
 * - `window`: the full history of observation texts, truncated to the last 2,048 tokens
 *   (4 characters a token: the last 8,192 characters, whole lines), parsed into triples; the
 *   policy applies "latest evidence wins" to them.
 * - `rag`: static RAG — every observation text is a chunk; the top-k (k = 5) chunks by BM25
 *   (k1 = 1.2, b = 0.75) against the query, ties to the earlier chunk (a plain stable sort: a
 *   static index has no notion of recency), parsed into triples; "latest evidence wins" on them.
 */
import { Engram, Fact, Key, LiquidGraph, Params, Recall, Reconcile, Reinforce } from "../../core/index.ts"
import * as Bm25 from "../../eval/baselines/Bm25.ts"
import { Rng } from "./Prng.ts"
import { tripleKey, type BaseObservation, type Triple, type World } from "./World.ts"

export const AGENTS = ["mags", "none", "window", "rag"] as const
export type AgentName = (typeof AGENTS)[number]

export const WINDOW_TOKENS = 2048
export const CHARS_PER_TOKEN = 4
export const RAG_K = 5

/** What a memory returns for a query. */
export interface Retrieved {
  readonly triples: ReadonlyArray<Triple>
  /** Text a language model would be shown (the recalled facts, the window, the chunks). */
  readonly context: string
}

export interface Memory {
  readonly name: AgentName
  retrieve(step: number, query: string): Retrieved
  record(step: number, text: string, used: ReadonlyArray<Triple>, reward: number): void
  /** Graph size (MAGS) or stored items (others: nodes = chunks/lines kept, edges = 0). */
  size(): { nodes: number; edges: number }
  readonly counters: { recalls: number; engrams: number; reinforces: number; supersessions: number }
}

const T0 = Date.UTC(2026, 0, 1)
const STEP_MS = 60_000
export const timeOf = (step: number): number => T0 + step * STEP_MS

/**
 * The MAGS agent's parameters: the core defaults. (An earlier core weakened the negated facts of
 * a rewarded slot as competitors; `Reinforce` now lets only positive facts compete.)
 */
export const GAME_PARAMS: Params.Params = Params.defaults

const newCounters = () => ({ recalls: 0, engrams: 0, reinforces: 0, supersessions: 0 })

/** The MAGS memory (see the module header). */
export const magsMemory = (parse: (text: string) => Array<Triple>, params: Params.Params = GAME_PARAMS): Memory & { graph(): LiquidGraph.LiquidGraph } => {
  let g = LiquidGraph.empty()
  const counters = newCounters()
  /** tripleKey → edge id of the facts the last recall returned. */
  let recalled = new Map<string, string>()
  let recalledFacts: Array<Fact.Fact> = []
  const single = new Set(params.singleValued)
  return {
    name: "mags",
    counters,
    graph: () => g,
    retrieve(step, query) {
      counters.recalls++
      if (query.trim().length === 0 || LiquidGraph.nodeCount(g) === 0) {
        recalled = new Map()
        recalledFacts = []
        return { triples: [], context: "" }
      }
      const r = Recall.recall(g, { text: query, at: null }, params, timeOf(step))
      g = r.graph
      recalled = new Map()
      recalledFacts = []
      const triples: Array<Triple> = []
      for (const f of r.result.facts) {
        if (!Fact.isCurrent(f.fact)) continue
        const t: Triple = {
          subject: f.fact.subject, relation: f.fact.relation, object: f.fact.object, negated: f.fact.negated,
          // When memory last saw it hold: its validity start, or its last confirmation.
          step: Math.floor((Math.max(f.fact.validFrom ?? f.fact.learnedAt, f.fact.lastReinforced) - T0) / STEP_MS)
        }
        triples.push(t)
        recalled.set(tripleKey(t), f.fact.id)
        recalledFacts.push(f.fact)
      }
      const context = triples.map((t) => `${t.subject} ${t.negated ? "NOT " : ""}${t.relation.replace(/_/g, " ")} ${t.object} (since t=${t.step})`).join("\n")
      return { triples, context }
    },
    record(step, text, used, reward) {
      const now = timeOf(step) + STEP_MS / 2
      const observed = parse(text)
      const fresh: Array<Triple> = []
      const seen = new Set<string>()
      const confirmed = new Set<string>()
      for (const t of observed) {
        const k = tripleKey(t)
        if (seen.has(k)) continue
        seen.add(k)
        const known = LiquidGraph.slot(g, t.subject, t.relation).find((f) => Fact.isCurrent(f) && f.object === t.object && f.negated === t.negated)
        if (known === undefined) fresh.push(t)
        else confirmed.add(known.id)
      }
      // Observed again: a confirmation, not news — strengthen it (and stamp it `lastReinforced`).
      if (confirmed.size > 0) {
        g = Reinforce.reinforce(g, { edges: [...confirmed].sort(), reward: 1 }, params, now).graph
        counters.reinforces++
      }
      // Weaken recalled facts the new evidence contradicts.
      const contradicted = new Set<string>()
      for (const t of fresh) {
        for (const f of recalledFacts) {
          if (f.subject !== t.subject || f.relation !== t.relation) continue
          const negation = f.object === t.object && f.negated !== t.negated
          const replaced = single.has(t.relation) && !f.negated && !t.negated && f.object !== t.object
          if (negation || replaced) contradicted.add(f.id)
        }
      }
      if (contradicted.size > 0) {
        g = Reinforce.reinforce(g, { edges: [...contradicted].sort(), reward: -1 }, params, now).graph
        counters.reinforces++
      }
      if (fresh.length > 0) {
        const e = Engram.engram(g, {
          episode: { id: `s${step}`, text, time: timeOf(step) },
          facts: fresh.map((t) => ({ subject: t.subject, relation: t.relation, object: t.object, negated: t.negated, validFrom: timeOf(t.step) }))
        }, params, now)
        counters.engrams++
        const rec = Reconcile.reconcile(e.graph, { facts: e.ids.facts }, params, now)
        counters.supersessions += rec.changes.superseded.length
        g = rec.graph
      }
      if (reward > 0 && used.length > 0) {
        const ids = used.map((t) => recalled.get(tripleKey(t))).filter((x): x is string => x !== undefined && LiquidGraph.hasEdge(g, x))
        if (ids.length > 0) {
          g = Reinforce.reinforce(g, { edges: [...new Set(ids)].sort(), reward: Math.min(1, reward) }, params, now).graph
          counters.reinforces++
        }
      }
    },
    size: () => ({ nodes: LiquidGraph.nodeCount(g), edges: LiquidGraph.edgeCount(g) })
  }
}

export const noMemory = (): Memory => ({
  name: "none",
  counters: newCounters(),
  retrieve: () => ({ triples: [], context: "" }),
  record: () => {},
  size: () => ({ nodes: 0, edges: 0 })
})

/** The last `chars` characters of `history`, cut at a line start (whole lines only). */
export const truncateWindow = (history: ReadonlyArray<string>, chars: number): Array<string> => {
  const out: Array<string> = []
  let total = 0
  for (let i = history.length - 1; i >= 0; i--) {
    const l = history[i]!
    if (total + l.length + 1 > chars) break
    out.unshift(l)
    total += l.length + 1
  }
  return out
}

export const windowMemory = (parse: (text: string) => Array<Triple>, tokens = WINDOW_TOKENS): Memory => {
  const history: Array<string> = []
  const counters = newCounters()
  let kept = 0
  return {
    name: "window",
    counters,
    retrieve() {
      counters.recalls++
      const w = truncateWindow(history, tokens * CHARS_PER_TOKEN)
      kept = w.length
      const context = w.join("\n")
      return { triples: parse(context), context }
    },
    record(_step, text) {
      for (const l of text.split("\n")) history.push(l)
      counters.engrams++
    },
    size: () => ({ nodes: kept, edges: 0 })
  }
}

const words = (s: string): Array<string> => Key.node(s).split(" ").filter((w) => w.length > 0)

/** Top-k chunk indices by BM25 (the evaluation's one BM25, eval/baselines/Bm25.ts); ties keep the earlier chunk. */
export const bm25TopK = (chunks: ReadonlyArray<ReadonlyArray<string>>, query: ReadonlyArray<string>, k: number): Array<number> =>
  chunks.length === 0 ? [] : Bm25.topKOf(Bm25.fromTokens(chunks), Array.from(new Set(query)), k).map((x) => x.index)

export const ragMemory = (parse: (text: string) => Array<Triple>, k = RAG_K): Memory => {
  const chunks: Array<string> = []
  const chunkWords: Array<Array<string>> = []
  const counters = newCounters()
  return {
    name: "rag",
    counters,
    retrieve(_step, query) {
      counters.recalls++
      const top = bm25TopK(chunkWords, words(query), k)
      const context = top.map((i) => chunks[i]).join("\n")
      return { triples: parse(context), context }
    },
    record(_step, text) {
      chunks.push(text)
      chunkWords.push(words(text.replace(/\[t=\d+\]/g, " ")))
      counters.engrams++
    },
    size: () => ({ nodes: chunks.length, edges: 0 })
  }
}

export const makeMemory = (name: AgentName, parse: (text: string) => Array<Triple>): Memory =>
  name === "mags" ? magsMemory(parse) : name === "none" ? noMemory() : name === "window" ? windowMemory(parse) : ragMemory(parse)

/**
 * The optional language-model hook: given a prompt and the legal actions, an action. With one
 * configured, the model decides instead of the deterministic policy (see `Llm.ts` for one built on
 * effect/ai's `LanguageModel`). An answer that is not a legal action falls back to the policy.
 */
export type Chooser = (prompt: string, actions: ReadonlyArray<string>) => Promise<string>

/** One step of a run, as the metrics read it. */
export interface StepRecord {
  readonly step: number
  readonly action: string
  readonly reward: number
  readonly nodes: number
  readonly edges: number
  /** Cumulative recalls / engrams of the memory after this step. */
  readonly recalls: number
  readonly engrams: number
  readonly byModel: boolean
}

export interface RunResult {
  readonly agent: AgentName
  readonly world: string
  readonly steps: ReadonlyArray<StepRecord>
  readonly finalState: unknown
  readonly counters: Memory["counters"]
}

export const promptOf = (task: string, context: string, actions: ReadonlyArray<string>): string =>
  `${task}\n\nWhat your memory returned:\n${context.length > 0 ? context : "(nothing)"}\n\n` +
  `Legal actions: ${actions.join(" | ")}\nAnswer with exactly one legal action.`

/** Runs one agent through one world until it is done (or `maxSteps`). */
export const run = async <S, O extends BaseObservation, C>(
  world: World<S, O, C>,
  config: C,
  seed: number,
  agent: AgentName,
  options: { readonly chooser?: Chooser; readonly maxSteps?: number } = {}
): Promise<RunResult> => {
  const memory = makeMemory(agent, world.parse)
  // The agents' exploration draws: the same seeded sequence for every agent.
  const rng = Rng.of(seed ^ 0x5eed)
  let tr = world.reset(config, seed)
  memory.record(0, tr.observation.text, [], 0)
  const steps: Array<StepRecord> = []
  const cap = options.maxSteps ?? 100_000
  while (!tr.done && steps.length < cap) {
    const o = tr.observation
    const got = memory.retrieve(o.step, o.query)
    const policy = world.decide(o, got.triples, () => rng.float())
    let action = policy.action
    let byModel = false
    if (options.chooser !== undefined) {
      const answer = (await options.chooser(promptOf(world.task(o), got.context, o.actions), o.actions)).trim()
      const legal = o.actions.find((a) => a.toLowerCase() === answer.toLowerCase())
      if (legal !== undefined) {
        action = legal
        byModel = true
      }
    }
    tr = world.step(tr.state, action)
    memory.record(o.step, tr.observation.text, byModel ? [] : policy.used, tr.reward)
    const size = memory.size()
    steps.push({
      step: o.step, action, reward: tr.reward, nodes: size.nodes, edges: size.edges,
      recalls: memory.counters.recalls, engrams: memory.counters.engrams, byModel
    })
  }
  return { agent, world: world.name, steps, finalState: tr.state, counters: { ...memory.counters } }
}
