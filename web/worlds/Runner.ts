/**
 * Runner — one example world (nonsense game, maze, kitchen) played a step at a time by the
 * games' no-model MAGS agent, with everything its memory did kept for display.
 *
 * The agent is the games suite's (examples/games/Agents.ts): each step it recalls from its memory
 * with the observation's query, the world's deterministic policy chooses from what came back,
 * the world answers, and the memory engrams what was new, reconciles it and reinforces what was
 * confirmed or rewarded. The memory is watched: every transition's core event and changes come
 * here, so the page shows the very events whose replay rebuilds the graph it draws. Every
 * `maintainEvery` steps (0: never) the runner runs the housekeeping the games never run — decay
 * over `idleDays` of idle time, prune, consolidate — so pruning into the archive can be watched.
 *
 * Pure: no DOM, no clock, no randomness beyond the seed; the same options give the same run.
 */
import * as Changes from "../../core/Changes.ts"
import type * as Event from "../../core/Event.ts"
import * as Fact from "../../core/Fact.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Params from "../../core/Params.ts"
import * as Relation from "../../core/Relation.ts"
import { magsMemory, session, type Session, type StepRecord } from "../../examples/games/Agents.ts"
import * as Kitchen from "../../examples/games/Kitchen.ts"
import * as Maze from "../../examples/games/Maze.ts"
import * as Nonsense from "../../examples/games/Nonsense.ts"
import type { BaseObservation, Triple } from "../../examples/games/World.ts"
import { summarise } from "../Journal.ts"

// ── model ─────────────────────────────────────────────────────────────────────

export const WORLDS = ["nonsense", "maze", "kitchen"] as const
export type WorldName = (typeof WORLDS)[number]

/** What to play. */
export interface Options {
  readonly world: WorldName
  readonly seed: number
  /** The world's small configuration (the games' `--quick`) or its full one. */
  readonly size: "quick" | "full"
  /** Run maintenance after every this many steps; 0: never (as the games do). */
  readonly maintainEvery: number
  /** The idle time each maintenance decays over, in days. */
  readonly idleDays: number
}

export const defaults: Options = { world: "nonsense", seed: 1, size: "quick", maintainEvery: 20, idleDays: 30 }

/** One core event the memory applied, as the page lists it. */
export interface EventEntry {
  /** Its position in the memory's event log (1-based: the log's length after it). */
  readonly seq: number
  /** The world step it happened at. */
  readonly step: number
  readonly tag: Event.Event["_tag"]
  /** What the transition did, in a few words ("+3 edges, 1 superseded"). */
  readonly summary: string
}

/** A contradiction reconcile resolved. */
export interface Reconciled {
  readonly step: number
  readonly winner: string
  readonly loser: string
  readonly why: string
}

/** An edge prune moved out of the active graph into the archive. */
export interface Pruned {
  readonly step: number
  readonly kind: Fact.EdgeKind
  readonly text: string
}

/** What one step did. */
export interface Frame {
  readonly step: number
  /** The query the agent asked its memory. */
  readonly query: string
  /** The current facts recall returned, as the agent would show them to a model (with their times). */
  readonly recalled: ReadonlyArray<string>
  readonly action: string
  /** Who chose the action: the world's policy over what memory returned, or you. */
  readonly by: "policy" | "you"
  /** What the policy would have played. */
  readonly suggested: string
  /** The recalled facts the policy relied on (empty when it explored, or when you chose). */
  readonly used: ReadonlyArray<string>
  /** Edge ids of the facts the policy relied on. */
  readonly usedIds: ReadonlyArray<string>
  readonly reward: number
  /** The world's answer (its observation text). */
  readonly text: string
  /** How many events this step added. */
  readonly events: number
  readonly maintained: boolean
}

/** Sizes of the memory. */
export interface Counts {
  /** Active nodes: entities and concepts, episodes. */
  readonly nodes: number
  readonly entities: number
  readonly episodes: number
  /** Active edges of every kind. */
  readonly edges: number
  /** Active fact edges still current, and those kept as history (superseded or ended). */
  readonly facts: number
  readonly superseded: number
  readonly archivedNodes: number
  readonly archivedEdges: number
  readonly events: number
}

/** A point of the growth chart. */
export interface Point {
  readonly step: number
  readonly nodes: number
  readonly edges: number
  readonly facts: number
  readonly archived: number
  readonly reward: number
}

/** Lines of the world's state worth showing (name, value). */
export type Status = ReadonlyArray<readonly [string, string]>

/** A world being played. */
export interface Runner {
  readonly options: Options
  /**
   * Plays one step (and maintenance when due); `undefined` when the world is over. The agent
   * recalls and its policy chooses; `action`, when given and legal, is played instead (you
   * playing with the agent's memory: what the policy relied on is then not reinforced).
   */
  readonly step: (action?: string) => Frame | undefined
  /** The legal actions now. */
  readonly actions: () => ReadonlyArray<string>
  /** The world's state now (its type depends on `options.world`: Nonsense/Maze/KitchenState). */
  readonly state: () => unknown
  /** Runs maintenance now. */
  readonly maintain: () => void
  readonly done: () => boolean
  readonly graph: () => LiquidGraph.LiquidGraph
  readonly counts: () => Counts
  readonly status: () => Status
  /** The newest last, at most {@link KEEP} of each. */
  readonly frames: () => ReadonlyArray<Frame>
  readonly events: () => ReadonlyArray<EventEntry>
  readonly reconciled: () => ReadonlyArray<Reconciled>
  readonly pruned: () => ReadonlyArray<Pruned>
  /** One point per step (and one at the start). */
  readonly series: () => ReadonlyArray<Point>
  /** Every event applied so far, in order (replaying them rebuilds {@link Runner.graph}). */
  readonly log: () => ReadonlyArray<Event.Event>
  readonly params: Params.Params
}

/** How many of the latest frames, events, reconciliations and prunes a runner keeps. */
export const KEEP = 200

// ── helpers ───────────────────────────────────────────────────────────────────

const label = (g: LiquidGraph.LiquidGraph, id: string): string => LiquidGraph.anyNode(g, id)?.label ?? id

/** A fact as a sentence, with its node labels. */
export const sentence = (g: LiquidGraph.LiquidGraph, f: Fact.Fact): string =>
  Relation.sentence({ ...f, subject: label(g, f.subject), object: label(g, f.object) })

/** A triple as the agent's memory shows it to a model (examples/games/Agents.ts `retrieve`). */
const tripleText = (t: Triple): string => `${t.subject} ${t.negated ? "NOT " : ""}${t.relation.replace(/_/g, " ")} ${t.object}`

/** An edge, active or archived, as a sentence; its id when it is gone. */
const edgeText = (g: LiquidGraph.LiquidGraph, id: string): string => {
  const e = LiquidGraph.edge(g, id) ?? LiquidGraph.archivedEdge(g, id)?.edge
  return e === undefined ? id : sentence(g, e)
}

/** The active edge `id`, if any. */
export const edgeOf = (g: LiquidGraph.LiquidGraph, id: string): Fact.Fact | undefined => LiquidGraph.edge(g, id)

/**
 * The current positive facts of `g` as triples of labels and display phrases (what a hand edit
 * can add to another memory; negated facts have no such form).
 * @complexity O(E)
 */
export const currentFacts = (g: LiquidGraph.LiquidGraph): Array<{ subject: string; relation: string; object: string }> =>
  LiquidGraph.edges(g)
    .filter((e) => e.kind === "fact" && Fact.isCurrent(e) && !e.negated)
    .map((e) => ({ subject: label(g, e.subject), relation: Relation.display(e), object: label(g, e.object) }))

/**
 * The sizes of `g`.
 * @complexity O(V + E)
 */
export const countsOf = (g: LiquidGraph.LiquidGraph, events: number): Counts => {
  let episodes = 0
  for (const n of LiquidGraph.nodes(g)) if (n.kind === "episode") episodes++
  let facts = 0
  let superseded = 0
  for (const e of LiquidGraph.edges(g)) {
    if (e.kind !== "fact") continue
    if (Fact.isCurrent(e)) facts++
    else superseded++
  }
  const nodes = LiquidGraph.nodeCount(g)
  return {
    nodes, entities: nodes - episodes, episodes, edges: LiquidGraph.edgeCount(g), facts, superseded,
    archivedNodes: LiquidGraph.archivedNodeCount(g), archivedEdges: LiquidGraph.archivedEdgeCount(g), events
  }
}

const keep = <A>(xs: Array<A>, more: ReadonlyArray<A>): void => {
  xs.push(...more)
  if (xs.length > KEEP) xs.splice(0, xs.length - KEEP)
}

// The three worlds behind one shape (their states differ; the runner only shows them).
type AnySession = Session<unknown, BaseObservation>

const start = (o: Options, memory: ReturnType<typeof magsMemory>): { session: AnySession; status: () => Status } => {
  const quick = o.size === "quick"
  if (o.world === "nonsense") {
    const s = session(Nonsense.world, quick ? Nonsense.quickConfig : Nonsense.defaultConfig, o.seed, memory)
    return {
      session: s as unknown as AnySession,
      status: () => {
        const st = s.current().state
        return [
          ["round", `${st.t} of ${st.config.steps}`],
          ["colour / opponent", `${st.colour} / ${st.opponent}`],
          ["wins", `${st.wins} (${st.t === 0 ? "–" : ((100 * st.wins) / st.t).toFixed(0) + "%"})`],
          ["rule changes", `${st.changeSteps.filter((c) => c <= st.t).length} of ${st.changeSteps.length} so far (unannounced)`]
        ]
      }
    }
  }
  if (o.world === "maze") {
    const s = session(Maze.world, quick ? Maze.quickConfig : Maze.defaultConfig, o.seed, memory)
    return {
      session: s as unknown as AnySession,
      status: () => {
        const st = s.current().state
        return [
          ["room", st.room],
          ["goal", st.goal],
          ["episode", `${Math.min(st.episode + 1, st.config.episodes)} of ${st.config.episodes} (step ${st.stepInEpisode})`],
          ["goal reached", `${st.reached} times`]
        ]
      }
    }
  }
  const s = session(Kitchen.world, quick ? Kitchen.quickConfig : Kitchen.defaultConfig, o.seed, memory)
  return {
    session: s as unknown as AnySession,
    status: () => {
      const st = s.current().state
      const o2 = s.current().observation
      return [
        ["room", st.room],
        ["recipe", o2.recipe.join(", ")],
        ["inventory", st.inventory.length === 0 ? "nothing" : st.inventory.join(", ")],
        ["meals cooked", `${st.cooked} of ${st.config.episodes} (episode ${Math.min(st.episode + 1, st.config.episodes)})`]
      ]
    }
  }
}

// ── constructor ───────────────────────────────────────────────────────────────

/**
 * A new run of `options.world` with `options.seed` (the first observation already in memory).
 * Laws: deterministic in `options`; `Replay.replayAll(log(), Replay.initial(params))` rebuilds
 * `graph()` after any number of steps; `counts().events == log().length`.
 * @complexity `step`: one agent step (recall, engram, reconcile, reinforce) plus O(V + E) for the counts
 */
export const make = (options: Options = defaults, params: Params.Params = Params.defaults): Runner => {
  const log: Array<Event.Event> = []
  const events: Array<EventEntry> = []
  const reconciled: Array<Reconciled> = []
  const pruned: Array<Pruned> = []
  const frames: Array<Frame> = []
  const series: Array<Point> = []
  /** The changes of events applied since the last `settle`, resolved to text once the step is over. */
  let pending: Array<{ readonly event: Event.Event; readonly changes: Changes.Changes }> = []
  const memory = magsMemory(
    (text) => parseOf(options.world)(text),
    params,
    (event, changes) => {
      log.push(event)
      pending.push({ event, changes })
    }
  )
  let step = 0
  const g = () => memory.graph()
  /** Turns the pending events into list entries, with the graph as it is now (superseded facts stay; archived ones are in the archive). */
  const settle = (): number => {
    const graph = g()
    const n = pending.length
    const base = log.length - n
    const entries: Array<EventEntry> = []
    pending.forEach(({ changes, event }, i) => {
      entries.push({ seq: base + i + 1, step, tag: event._tag, summary: summarise(changes) })
      keep(reconciled, changes.superseded.map((s) => ({ step, winner: edgeText(graph, s.winner), loser: edgeText(graph, s.loser), why: s.why })))
      keep(pruned, changes.edgesArchived.map((id) => {
        const e = LiquidGraph.archivedEdge(graph, id)?.edge ?? LiquidGraph.edge(graph, id)
        return { step, kind: e?.kind ?? "fact", text: edgeText(graph, id) }
      }))
    })
    keep(events, entries)
    pending = []
    return n
  }
  const point = (reward: number): Point => {
    const c = countsOf(g(), log.length)
    return { step, nodes: c.nodes, edges: c.edges, facts: c.facts, archived: c.archivedEdges + c.archivedNodes, reward }
  }
  const { session: s, status } = start(options, memory)
  settle()
  series.push(point(0))
  const maintain = (): void => {
    memory.maintain(step, options.idleDays * 86_400_000)
  }
  return {
    options,
    params,
    step: (chosen) => {
      if (s.current().done) return undefined
      const thought = s.think()
      const yours = chosen !== undefined && chosen !== thought.policy.action && thought.observation.actions.includes(chosen)
      const record: StepRecord = s.act(thought, yours ? chosen : thought.policy.action, yours)
      step = s.steps.length
      const graph = g()
      const relied = yours ? [] : thought.policy.used
      const usedKeys = new Set(relied.map((t) => Fact.factId(t.subject, t.relation, t.object, t.negated)))
      let maintained = false
      if (options.maintainEvery > 0 && step % options.maintainEvery === 0) {
        maintain()
        maintained = true
      }
      const n = settle()
      const frame: Frame = {
        step: record.step,
        query: thought.observation.query,
        recalled: thought.retrieved.context.split("\n").filter((l) => l.length > 0),
        action: record.action,
        by: yours ? "you" : "policy",
        suggested: thought.policy.action,
        used: relied.map(tripleText),
        usedIds: [...usedKeys].filter((id) => LiquidGraph.hasEdge(graph, id)),
        reward: record.reward,
        text: s.current().observation.text,
        events: n,
        maintained
      }
      keep(frames, [frame])
      series.push(point(record.reward))
      return frame
    },
    maintain: () => {
      maintain()
      settle()
      series.push(point(0))
    },
    actions: () => s.current().observation.actions,
    state: () => s.current().state,
    done: () => s.current().done,
    graph: g,
    counts: () => countsOf(g(), log.length),
    status,
    frames: () => frames,
    events: () => events,
    reconciled: () => reconciled,
    pruned: () => pruned,
    series: () => series,
    log: () => log
  }
}

const parseOf = (w: WorldName): (text: string) => Array<Triple> =>
  w === "nonsense" ? Nonsense.parse : w === "maze" ? Maze.parse : Kitchen.parse
