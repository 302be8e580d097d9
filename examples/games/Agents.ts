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
 *   the decision used are strengthened (`reinforce`, reward = the step's reward). That is the
 *   HAND-WRITTEN memory controller; {@link magsMemory} takes another (`Decider`, e.g. a policy
 *   trained with GRPO by `npm run train`, see `core/Controller.ts`) that decides each step how
 *   deep to recall, which recalled facts the policy sees, which new triples to store and whether
 *   to run the housekeeping.
 * - `none`: no memory; only the current observation.
 * - `window`: the full history of observation texts, truncated to the last 2,048 tokens
 *   (4 characters a token: the last 8,192 characters, whole lines), parsed into triples; the
 *   policy applies "latest evidence wins" to them.
 * - `rag`: static RAG — every observation text is a chunk; the top-k (k = 5) chunks by BM25
 *   (k1 = 1.2, b = 0.75) against the query, ties to the earlier chunk (a plain stable sort: a
 *   static index has no notion of recency), parsed into triples; "latest evidence wins" on them.
 *
 * The MAGS memory can be watched (the web inspector's worlds tab): given an {@link Observer}, it
 * hands over the core `Event` of every transition it runs with that transition's `Changes`, so
 * folding the observed events with `Replay` from `Replay.initial(params)` rebuilds its graph. Its
 * `maintain(step, dt)` runs the housekeeping the games themselves never run (decay over `dt` ms of
 * idle time, prune, consolidate), for a viewer who wants to watch pruning.
 *
 * A run can be driven one step at a time ({@link session}); {@link run} is that loop to the end.
 */
import { type Changes, Consolidate, Controller, Decay, Engram, Event, Fact, Key, LiquidGraph, Params, Prune, Recall, Reconcile, Reinforce } from "../../core/index.ts"
import * as Bm25 from "../../eval/baselines/Bm25.ts"
import { Rng } from "./Prng.ts"
import { tripleKey, type BaseObservation, type Transition, type Triple, type World } from "./World.ts"

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

const words = (s: string): Array<string> => Key.node(s).split(" ").filter((w) => w.length > 0)

const newCounters = () => ({ recalls: 0, engrams: 0, reinforces: 0, supersessions: 0 })

/**
 * Sees every transition a MAGS memory runs: its core event (what `Replay` folds) and its changes.
 * Events are built only for an observer, so an unobserved memory pays nothing for them.
 */
export type Observer = (event: Event.Event, changes: Changes.Changes) => void

/** The MAGS memory, with its graph and housekeeping exposed. */
export interface MagsMemory extends Memory {
  graph(): LiquidGraph.LiquidGraph
  /**
   * Decay over `dt` ms of idle time, then prune and consolidate, at the world time of `step`
   * (three events for the observer). The games never call it; a viewer does, to watch pruning.
   */
  maintain(step: number, dt: number): void
}

/** How the MAGS agent's memory decisions are taken (see `core/Controller.ts`). */
export type Decider = Controller.Decider
/** The hand-written controller: the MAGS agent as the module header describes it. */
export const handDecider: Decider = Controller.handDecider
/** The decisions of a controller (the hand-written one, or a learned policy's greedy choices). */
export const controllerDecider = Controller.decider

/**
 * The MAGS memory (see the module header), its memory decisions taken by `decide` (default: the
 * hand-written controller, which is the behaviour the header describes). Each step, before the
 * recall, the `recall` decision (default / shallow / deep, `Controller.recallOverrides`, in the
 * recall's input and so in its event); after it,
 * `trust` (which recalled facts the policy sees), `engram` (which new triples are stored) and
 * `maintain` (housekeeping at the end of the step). A surprise is a new triple that contradicts a
 * fact the step's recall returned.
 */
export const magsMemory = (
  parse: (text: string) => Array<Triple>,
  params: Params.Params = GAME_PARAMS,
  observe?: Observer,
  decide: Decider = handDecider
): MagsMemory => {
  let g = LiquidGraph.empty()
  const counters = newCounters()
  const tell = (event: () => Event.Event, changes: Changes.Changes): void => {
    if (observe !== undefined) observe(event(), changes)
  }
  const reinforce = (edges: Array<string>, reward: number, now: number): void => {
    const input = { edges, reward }
    const r = Reinforce.reinforce(g, input, params, now)
    g = r.graph
    tell(() => new Event.Reinforced({ now, input }), r.changes)
  }
  /** tripleKey → edge id of the facts the last recall returned. */
  let recalled = new Map<string, string>()
  let recalledFacts: Array<Fact.Fact> = []
  const single = new Set(params.singleValued)
  // What the controller sees and decided.
  let lastSurprise: number | undefined
  const subjectSurprise = new Map<string, number>()
  let rewardRate = 0
  let lastReward = 0
  let lastMaintain = 0
  let pending: { engram: Controller.ActionOf<"engram">; maintain: Controller.ActionOf<"maintain"> } = { engram: "all", maintain: "no" }
  const contextOf = (step: number, query: string): Controller.Context => {
    const subject = subjectSurprise.get(Key.node(query))
    return Controller.contextOf(g, query, {
      sinceSurprise: lastSurprise === undefined ? undefined : step - lastSurprise,
      sinceSubjectSurprise: subject === undefined ? undefined : step - subject,
      rewardRate, lastReward, sinceMaintain: step - lastMaintain
    })
  }
  const stale = (t: Triple): boolean => {
    const s = subjectSurprise.get(t.subject)
    return s !== undefined && t.step < s
  }
  const old = (t: Triple, step: number): boolean => step - t.step > Controller.RECENT_STEPS
  const memory: MagsMemory = {
    name: "mags",
    counters,
    graph: () => g,
    retrieve(step, query) {
      counters.recalls++
      const ctx = contextOf(step, query)
      const how = decide("recall", Controller.features(ctx, "pre"), step)
      recalled = new Map()
      recalledFacts = []
      const triples: Array<Triple> = []
      if (query.trim().length > 0 && LiquidGraph.nodeCount(g) > 0) {
        const now = timeOf(step)
        const input = { text: query, at: null, ...Controller.recallOverrides(how) }
        const r = Recall.recall(g, input, params, now)
        g = r.graph
        tell(() => new Event.Recalled({ now, input }), r.changes)
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
      }
      const n = triples.length
      const share = (p: (t: Triple) => boolean) => (n === 0 ? 0 : triples.filter(p).length / n)
      const x = Controller.features({
        ...ctx, recalled: n, recalledNegated: share((t) => t.negated), recalledStale: share(stale), recalledOld: share((t) => old(t, step))
      }, "post")
      const trust = decide("trust", x, step)
      pending = { engram: decide("engram", x, step), maintain: decide("maintain", x, step) }
      const shown = trust === "all" ? triples : trust === "fresh" ? triples.filter((t) => !stale(t)) : triples.filter((t) => !old(t, step))
      const text = shown.map((t) => `${t.subject} ${t.negated ? "NOT " : ""}${t.relation.replace(/_/g, " ")} ${t.object} (since t=${t.step})`).join("\n")
      return { triples: shown, context: text }
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
        reinforce([...confirmed].sort(), 1, now)
        counters.reinforces++
      }
      // Weaken recalled facts the new evidence contradicts (a surprise about their subject).
      const contradicted = new Set<string>()
      const contradicting = new Set<Triple>()
      for (const t of fresh) {
        for (const f of recalledFacts) {
          if (f.subject !== t.subject || f.relation !== t.relation) continue
          const negation = f.object === t.object && f.negated !== t.negated
          const replaced = single.has(t.relation) && !f.negated && !t.negated && f.object !== t.object
          if (negation || replaced) {
            contradicted.add(f.id)
            contradicting.add(t)
            subjectSurprise.set(t.subject, step)
            lastSurprise = step
          }
        }
      }
      if (contradicted.size > 0) {
        reinforce([...contradicted].sort(), -1, now)
        counters.reinforces++
      }
      const negatesBelief = (t: Triple): boolean =>
        LiquidGraph.slot(g, t.subject, t.relation).some((f) => Fact.isCurrent(f) && f.object === t.object && !f.negated)
      const stored = pending.engram === "all" ? fresh : fresh.filter((t) => !t.negated || contradicting.has(t) || negatesBelief(t))
      if (stored.length > 0) {
        const input = {
          episode: { id: `s${step}`, text, time: timeOf(step) },
          facts: stored.map((t) => ({ subject: t.subject, relation: t.relation, object: t.object, negated: t.negated, validFrom: timeOf(t.step) }))
        }
        const e = Engram.engram(g, input, params, now)
        tell(() => new Event.Engrammed({ now, input }), e.changes)
        counters.engrams++
        const batch = { facts: e.ids.facts }
        const rec = Reconcile.reconcile(e.graph, batch, params, now)
        tell(() => new Event.Reconciled({ now, input: batch }), rec.changes)
        counters.supersessions += rec.changes.superseded.length
        g = rec.graph
      }
      if (reward > 0 && used.length > 0) {
        const ids = used.map((t) => recalled.get(tripleKey(t))).filter((x): x is string => x !== undefined && LiquidGraph.hasEdge(g, x))
        if (ids.length > 0) {
          reinforce([...new Set(ids)].sort(), Math.min(1, reward), now)
          counters.reinforces++
        }
      }
      rewardRate = 0.8 * rewardRate + 0.2 * Math.max(-1, Math.min(1, reward))
      lastReward = Math.max(-1, Math.min(1, reward))
      if (pending.maintain === "yes") memory.maintain(step, Math.max(1, step - lastMaintain) * STEP_MS)
      pending = { engram: "all", maintain: "no" }
    },
    maintain(step, dt) {
      const now = timeOf(step) + STEP_MS / 2
      const decayed = Decay.decay(g, { dt }, params, now)
      tell(() => new Event.Decayed({ now, input: { dt } }), decayed.changes)
      const pruned = Prune.prune(decayed.graph, {}, params, now)
      tell(() => new Event.Pruned({ now, input: {} }), pruned.changes)
      const consolidated = Consolidate.consolidate(pruned.graph, {}, params, now)
      tell(() => new Event.Consolidated({ now, input: {} }), consolidated.changes)
      g = consolidated.graph
      lastMaintain = step
    },
    size: () => ({ nodes: LiquidGraph.nodeCount(g), edges: LiquidGraph.edgeCount(g) })
  }
  return memory
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

/** The memory of an agent; `decide` takes the MAGS agent's memory decisions (default: the hand-written controller). */
export const makeMemory = (name: AgentName, parse: (text: string) => Array<Triple>, decide: Decider = handDecider): Memory =>
  name === "mags" ? magsMemory(parse, GAME_PARAMS, undefined, decide) : name === "none" ? noMemory() : name === "window" ? windowMemory(parse) : ragMemory(parse)

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

/** What an agent makes of the current observation before acting: its memory's answer and the policy's choice. */
export interface Thought<O> {
  readonly observation: O
  readonly retrieved: Retrieved
  readonly policy: { readonly action: string; readonly used: ReadonlyArray<Triple> }
}

/** One agent in one world, driven a step at a time: `think`, then `act` (see {@link session}). */
export interface Session<S, O extends BaseObservation> {
  readonly memory: Memory
  /** The world's last transition (its state, observation, reward and whether it is done). */
  readonly current: () => Transition<S, O>
  readonly steps: ReadonlyArray<StepRecord>
  /** Asks memory about the current observation and lets the world's policy choose. */
  readonly think: () => Thought<O>
  /** Plays `action` (the policy's, or a model's when `byModel`), hands memory the outcome, records the step. */
  readonly act: (thought: Thought<O>, action: string, byModel: boolean) => StepRecord
}

/**
 * Starts `memory` in `world` (reset with `seed`; the first observation recorded). The agent's
 * exploration draws come from one seeded sequence, the same for every agent.
 * Laws: driving a session with the policy's actions until done gives {@link run}'s steps.
 * @complexity O(1) plus the world's reset and one `record`
 */
export const session = <S, O extends BaseObservation, C>(world: World<S, O, C>, config: C, seed: number, memory: Memory): Session<S, O> => {
  const rng = Rng.of(seed ^ 0x5eed)
  let tr = world.reset(config, seed)
  memory.record(0, tr.observation.text, [], 0)
  const steps: Array<StepRecord> = []
  return {
    memory,
    current: () => tr,
    steps,
    think: () => {
      const o = tr.observation
      const retrieved = memory.retrieve(o.step, o.query)
      return { observation: o, retrieved, policy: world.decide(o, retrieved.triples, () => rng.float()) }
    },
    act: (thought, action, byModel) => {
      tr = world.step(tr.state, action)
      memory.record(thought.observation.step, tr.observation.text, byModel ? [] : thought.policy.used, tr.reward)
      const size = memory.size()
      const record: StepRecord = {
        step: thought.observation.step, action, reward: tr.reward, nodes: size.nodes, edges: size.edges,
        recalls: memory.counters.recalls, engrams: memory.counters.engrams, byModel
      }
      steps.push(record)
      return record
    }
  }
}

/** Runs one agent through one world until it is done (or `maxSteps`). */
export const run = async <S, O extends BaseObservation, C>(
  world: World<S, O, C>,
  config: C,
  seed: number,
  agent: AgentName,
  options: { readonly chooser?: Chooser; readonly maxSteps?: number; readonly decide?: Decider } = {}
): Promise<RunResult> => {
  const s = session(world, config, seed, makeMemory(agent, world.parse, options.decide))
  const cap = options.maxSteps ?? 100_000
  while (!s.current().done && s.steps.length < cap) {
    const thought = s.think()
    const o = thought.observation
    let action = thought.policy.action
    let byModel = false
    if (options.chooser !== undefined) {
      const answer = (await options.chooser(promptOf(world.task(o), thought.retrieved.context, o.actions), o.actions)).trim()
      const legal = o.actions.find((a) => a.toLowerCase() === answer.toLowerCase())
      if (legal !== undefined) {
        action = legal
        byModel = true
      }
    }
    s.act(thought, action, byModel)
  }
  return { agent, world: world.name, steps: s.steps, finalState: s.current().state, counters: { ...s.memory.counters } }
}
