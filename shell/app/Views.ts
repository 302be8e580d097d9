/**
 * Views — what the application answers, as JSON: one `Schema` per answer, so the HTTP API and
 * the MCP server use them as output schemas and the CLI's `--json` prints exactly them (one
 * object per line). The builders turn core values (a graph, a recall, a path, a branch) into
 * views; every view is plain data (strings, numbers, booleans, arrays, records).
 *
 * Laws: every builder's result decodes with its Schema (`Schema.decodeUnknownSync(V)(v)`), and
 * survives `JSON.parse(JSON.stringify(v))` unchanged.
 *
 * Node and fact ids are the graph's ids (`export --format json` shows the same); the labels are
 * for people (`Render.label`).
 *
 * @since 0.3.0
 */
import { Schema } from "effect"
import type { Path } from "../../core/Connect.ts"
import type * as Controller from "../../core/Controller.ts"
import * as EventM from "../../core/Event.ts"
import type { Fact } from "../../core/Fact.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Params from "../../core/Params.ts"
import type * as Recall from "../../core/Recall.ts"
import type * as Replay from "../../core/Replay.ts"
import type { Branch, Entry, VerifyReport } from "../store/MemoryStore.ts"
import * as Render from "./Render.ts"

// ── schemas ───────────────────────────────────────────────────────────────────

const Millis = Schema.NullOr(Schema.Finite)

/** A fact (or association) edge, with its validity and what superseded it. */
export const FactView = Schema.Struct({
  id: Schema.String,
  kind: Schema.String,
  /** Node ids of its ends. */
  subject: Schema.String,
  relation: Schema.String,
  object: Schema.String,
  negated: Schema.Boolean,
  /** The labels of its ends, for people. */
  labels: Schema.Struct({ subject: Schema.String, object: Schema.String }),
  /** The fact as one line (`Render.fact`). */
  text: Schema.String,
  /** Its weight in [0, 1]. */
  strength: Schema.Finite,
  confidence: Schema.Finite,
  /** World time it holds from / until (ms), or null. */
  validFrom: Millis,
  validTo: Millis,
  /** System time it was learned (ms). */
  learnedAt: Schema.Finite,
  current: Schema.Boolean,
  superseded: Schema.Boolean,
  supersededBy: Schema.NullOr(Schema.String),
  /** Where it came from (sources, turns). */
  source: Schema.Array(Schema.String),
  /** The episode ids among its sources. */
  episode: Schema.Array(Schema.String)
})
export type FactView = typeof FactView.Type

/** A path through the graph: node ids, edge ids, the product of its weights, and as text. */
export const PathView = Schema.Struct({
  nodes: Schema.Array(Schema.String),
  edges: Schema.Array(Schema.String),
  weight: Schema.Finite,
  text: Schema.String
})
export type PathView = typeof PathView.Type

/** What a recall found: anchors, facts with their justifying paths, episodes. */
export const RecallView = Schema.Struct({
  query: Schema.String,
  anchors: Schema.Array(Schema.Struct({ id: Schema.String, label: Schema.String, score: Schema.Finite })),
  facts: Schema.Array(Schema.Struct({ fact: FactView, score: Schema.Finite, path: PathView })),
  episodes: Schema.Array(Schema.Struct({ id: Schema.String, text: Schema.String, score: Schema.Finite, path: PathView })),
  /** The state's seq after the recall (a recorded recall is one event). */
  seq: Schema.Finite,
  /** How the memory controller had it recall (`default` under the hand-written rules). */
  controller: Schema.Literals(["default", "shallow", "deep"])
})
export type RecallView = typeof RecallView.Type

/** A node: kind ("entity" | "concept" | "episode"), tier, importance, degree, its current facts' ids. */
export const NodeView = Schema.Struct({
  id: Schema.String,
  label: Schema.String,
  kind: Schema.String,
  block: Schema.Literals(["semantic", "episodic"]),
  tier: Schema.String,
  text: Schema.NullOr(Schema.String),
  time: Millis,
  importance: Schema.Finite,
  accessCount: Schema.Finite,
  degree: Schema.Finite,
  facts: Schema.Array(Schema.String)
})
export type NodeView = typeof NodeView.Type

/** The strongest path between two nodes, or why there is none. */
export const ConnectView = Schema.Struct({
  from: Schema.String,
  to: Schema.String,
  connected: Schema.Boolean,
  path: Schema.NullOr(PathView),
  /** Why not connected (null when connected). */
  reason: Schema.NullOr(Schema.String)
})
export type ConnectView = typeof ConnectView.Type

/** One journal entry: seq, event tag, its `now`, and the event's JSON form. */
export const EventView = Schema.Struct({
  seq: Schema.Finite,
  tag: Schema.String,
  now: Schema.Finite,
  event: Schema.Unknown
})
export type EventView = typeof EventView.Type

/** The versions of a fact or of a node's facts, oldest first per slot, and the events that touched them. */
export const HistoryView = Schema.Struct({
  target: Schema.String,
  /** "fact" or "node". */
  kind: Schema.Literals(["fact", "node"]),
  slots: Schema.Array(Schema.Struct({
    subject: Schema.String,
    relation: Schema.String,
    chain: Schema.Array(FactView)
  })),
  /** Facts it is the object of (a node's history). */
  incoming: Schema.Array(FactView),
  /** The journal events that wrote or changed these facts (seq, tag, now). */
  events: Schema.Array(Schema.Struct({ seq: Schema.Finite, tag: Schema.String, now: Schema.Finite }))
})
export type HistoryView = typeof HistoryView.Type

/** Counts of the memory and where it stands. */
export const InspectView = Schema.Struct({
  seq: Schema.Finite,
  hash: Schema.String,
  /** Active nodes by kind, by tier; edges by kind. */
  nodes: Schema.Record(Schema.String, Schema.Finite),
  tiers: Schema.Record(Schema.String, Schema.Finite),
  edges: Schema.Record(Schema.String, Schema.Finite),
  facts: Schema.Struct({ current: Schema.Finite, ended: Schema.Finite }),
  vectors: Schema.Finite,
  archive: Schema.Struct({
    nodes: Schema.Finite,
    episodes: Schema.Finite,
    edges: Schema.Finite,
    facts: Schema.Finite,
    vectors: Schema.Finite,
    bytes: Schema.Finite,
    tombstones: Schema.Finite
  }),
  /** The most important nodes (episodes aside), at most `top`. */
  top: Schema.Array(NodeView),
  /** The thematic clusters of more than one node (ids), largest first, at most `top`, of `clusterCount`. */
  clusters: Schema.Array(Schema.Array(Schema.String)),
  clusterCount: Schema.Finite,
  /** The most recent conflicts (a superseded fact and its winner), at most `top`, of `conflictCount`. */
  conflicts: Schema.Array(Schema.Struct({ fact: FactView, supersededBy: Schema.NullOr(FactView) })),
  conflictCount: Schema.Finite,
  /** The parameters that differ from the defaults. */
  params: Schema.Record(Schema.String, Schema.Unknown)
})
export type InspectView = typeof InspectView.Type

/** One parameter: value, default, documented range and meaning. */
export const ParamView = Schema.Struct({
  value: Schema.Finite,
  default: Schema.Finite,
  min: Schema.Finite,
  max: Schema.Finite,
  int: Schema.Boolean,
  doc: Schema.String
})

/** The parameters in force, each with its documented range. */
export const ParamsView = Schema.Struct({
  seq: Schema.Finite,
  params: Schema.Record(Schema.String, ParamView),
  singleValued: Schema.Array(Schema.String),
  /** Names of the parameters that differ from the defaults. */
  changed: Schema.Array(Schema.String)
})
export type ParamsView = typeof ParamsView.Type

/** What a maintenance pass (decay, prune, consolidate) changed. */
export const MaintainView = Schema.Struct({
  seq: Schema.Finite,
  dt: Schema.Finite,
  weakened: Schema.Finite,
  removed: Schema.Finite,
  solidified: Schema.Finite,
  nodesRemoved: Schema.Finite,
  merged: Schema.Array(Schema.Struct({ from: Schema.String, into: Schema.String })),
  archived: Schema.Finite,
  before: Schema.Struct({ nodes: Schema.Finite, edges: Schema.Finite }),
  after: Schema.Struct({ nodes: Schema.Finite, edges: Schema.Finite })
})
export type MaintainView = typeof MaintainView.Type

/** What an ingest (or a hand edit) learned. */
export const IngestView = Schema.Struct({
  items: Schema.Finite,
  facts: Schema.Finite,
  events: Schema.Finite,
  skipped: Schema.Finite,
  superseded: Schema.Finite,
  seq: Schema.Finite,
  /** Ids of the fact edges written or re-asserted. */
  factIds: Schema.Array(Schema.String)
})
export type IngestView = typeof IngestView.Type

/** What a forget deleted (nothing when the target named nothing: `forgotten: false`). */
export const ForgetView = Schema.Struct({
  forgotten: Schema.Boolean,
  seq: Schema.Finite,
  nodes: Schema.Array(Schema.String),
  edges: Schema.Array(Schema.String),
  redacted: Schema.Array(Schema.String)
})
export type ForgetView = typeof ForgetView.Type

/** An abandoned branch of the history. */
export const BranchView = Schema.Struct({
  branch: Schema.Finite,
  base: Schema.Finite,
  tip: Schema.Finite,
  events: Schema.Finite,
  reason: Schema.Literals(["rollback", "corrupt"]),
  at: Schema.Finite
})
export type BranchView = typeof BranchView.Type

/** The memory's state after a snapshot, rollback or branch restore. */
export const StateView = Schema.Struct({
  seq: Schema.Finite,
  hash: Schema.String,
  nodes: Schema.Finite,
  edges: Schema.Finite
})
export type StateView = typeof StateView.Type

/** What a verify found. */
export const VerifyView = Schema.Struct({
  ok: Schema.Boolean,
  events: Schema.Finite,
  hash: Schema.String,
  liveHash: Schema.String,
  liveSeq: Schema.Finite,
  firstBadPosition: Schema.NullOr(Schema.Finite),
  snapshotMismatch: Schema.Array(Schema.Finite),
  problems: Schema.Array(Schema.String)
})
export type VerifyView = typeof VerifyView.Type

/** What answers on one path of the loop: the provider, the GGUF file or model name, the LoRA adapter. */
export const PathModelView = Schema.Struct({
  provider: Schema.Literals(["llama", "openai", "template"]),
  model: Schema.String,
  lora: Schema.optionalKey(Schema.String)
})
export type PathModelView = typeof PathModelView.Type

/**
 * One turn of the MAGS loop (`mags ask`): the route, the answer, what was recalled, learned and
 * reinforced; the router's decision (`router`: the route and each sentence's kind), the model of
 * each path (`models`), the path whose model answered (`answeredBy`: `write` on the write
 * route, else `ask`), the model's requests: the invalid ones (`malformed`, never run) and
 * every tool call with its outcome (`toolCalls`); and the memory controller's decisions
 * (`controller`).
 */
export const TurnView = Schema.Struct({
  route: Schema.String,
  answer: Schema.String,
  rounds: Schema.Finite,
  recalled: Schema.Array(Schema.Struct({ fact: FactView, score: Schema.Finite, path: PathView })),
  learned: Schema.Array(Schema.Struct({ subject: Schema.String, relation: Schema.String, object: Schema.String, negated: Schema.Boolean })),
  reinforced: Schema.Array(Schema.String),
  events: Schema.Array(Schema.Struct({ tag: Schema.String, now: Schema.Finite })),
  /** Recall requests of the model's last allowed generation, not run. */
  unanswered: Schema.Array(Schema.String),
  seq: Schema.Finite,
  router: Schema.Struct({
    route: Schema.Literals(["ask", "write", "both"]),
    sentences: Schema.Array(Schema.Struct({ text: Schema.String, kind: Schema.Literals(["question", "statement"]) }))
  }),
  models: Schema.Struct({ ask: PathModelView, write: PathModelView }),
  answeredBy: Schema.Literals(["ask", "write"]),
  /** The model's requests that were not valid (a bad meta tag, an invalid tool call), never run. */
  malformed: Schema.Array(Schema.Struct({ round: Schema.Finite, position: Schema.Finite, message: Schema.String })),
  /** Every tool call of the turn with its outcome (its parameters left out: any JSON). */
  toolCalls: Schema.Array(Schema.Struct({
    round: Schema.Finite,
    id: Schema.String,
    name: Schema.String,
    outcome: Schema.Literals(["run", "invalid", "unanswered"]),
    result: Schema.optionalKey(Schema.String),
    error: Schema.optionalKey(Schema.String)
  })),
  /**
   * The memory controller's decisions: how the turn recalled, whether it ran the housekeeping,
   * and the policy file (null: the hand-written rules).
   */
  controller: Schema.Struct({
    recall: Schema.Literals(["default", "shallow", "deep"]),
    maintain: Schema.Literals(["no", "yes"]),
    policy: Schema.NullOr(Schema.String)
  })
})
export type TurnView = typeof TurnView.Type

/** Where a rollback or a branch restore left the memory, and the branch it set aside (null: none). */
export const RollbackView = Schema.Struct({
  from: Schema.Finite,
  state: StateView,
  branch: Schema.NullOr(BranchView)
})
export type RollbackView = typeof RollbackView.Type

/** The active graph as views, for drawing. */
export const GraphView = Schema.Struct({
  seq: Schema.Finite,
  nodes: Schema.Array(NodeView),
  edges: Schema.Array(FactView)
})
export type GraphView = typeof GraphView.Type

/** A page of the journal: events after a seq, and the memory's last seq. */
export const EventsView = Schema.Struct({
  events: Schema.Array(EventView),
  last: Schema.Finite
})
export type EventsView = typeof EventsView.Type

// ── builders ──────────────────────────────────────────────────────────────────

const episodePrefix = "ep:"

/**
 * The view of a fact edge of `g`.
 * @complexity O(log n + |provenance|)
 */
export const factView = (g: LiquidGraph.LiquidGraph, f: Fact): FactView => ({
  id: f.id,
  kind: f.kind,
  subject: f.subject,
  relation: f.relation,
  object: f.object,
  negated: f.negated,
  labels: { subject: Render.label(g, f.subject), object: Render.label(g, f.object) },
  text: Render.fact(g, f),
  strength: f.weight,
  confidence: f.confidence,
  validFrom: f.validFrom,
  validTo: f.validUntil,
  learnedAt: f.learnedAt,
  current: f.supersededBy === null && f.validUntil === null,
  superseded: f.supersededBy !== null,
  supersededBy: f.supersededBy,
  source: [...f.provenance],
  episode: f.provenance.filter((p) => p.startsWith(episodePrefix))
})

/** The view of a path of `g`. @complexity O(path length · log n) */
export const pathView = (g: LiquidGraph.LiquidGraph, p: Pick<Path, "nodes" | "edges" | "weight">): PathView => ({
  nodes: [...p.nodes],
  edges: [...p.edges],
  weight: p.weight,
  text: Render.path(g, p)
})

/**
 * The view of node `id` of `g` (active, else archived); `undefined` when unknown.
 * @complexity O(degree · log n)
 */
export const nodeView = (g: LiquidGraph.LiquidGraph, id: string): NodeView | undefined => {
  const n = LiquidGraph.anyNode(g, id)
  if (n === undefined) return undefined
  const active = LiquidGraph.hasNode(g, id)
  return {
    id: n.id,
    label: Render.label(g, n.id) === n.id ? n.label : Render.label(g, n.id),
    kind: n.kind,
    block: n.kind === "episode" ? "episodic" : "semantic",
    tier: n.tier,
    text: n.text,
    time: n.time,
    importance: n.importance,
    accessCount: n.accessCount,
    degree: active ? LiquidGraph.degree(g, id) : 0,
    facts: active
      ? LiquidGraph.incident(g, id).filter((f) => f.kind === "fact" && f.supersededBy === null && f.validUntil === null).map((f) => f.id).sort()
      : []
  }
}

/** A recall on the state it was computed on. */
export interface Recalled {
  readonly query: string
  readonly result: Recall.RecallResult
  readonly state: Replay.State
  /** How the memory controller had it recall. */
  readonly controller: Controller.ActionOf<"recall">
}

/** The view of a recall. @complexity O(results · path length · log n) */
export const recallView = (r: Recalled): RecallView => {
  const g = r.state.graph
  return {
    query: r.query,
    anchors: r.result.anchors.map((a) => ({ id: a.id, label: Render.label(g, a.id), score: a.score })),
    facts: r.result.facts.map((f) => ({ fact: factView(g, f.fact), score: f.score, path: pathView(g, f.path) })),
    episodes: r.result.episodes.map((e) => ({ id: e.id, text: e.text, score: e.score, path: pathView(g, e.path) })),
    seq: r.state.seq,
    controller: r.controller
  }
}

/** A loop turn's outcome (the fields of `Mags.TurnResult` that `TurnView` shows). */
export interface Turn {
  readonly route: string
  /** The router's decision: the route and each sentence's kind. */
  readonly decision: {
    readonly route: "ask" | "write" | "both"
    readonly sentences: ReadonlyArray<{ readonly text: string; readonly kind: "question" | "statement" }>
  }
  readonly answer: string
  readonly rounds: number
  readonly recalled: ReadonlyArray<Recall.RecalledFact>
  readonly engrammed: ReadonlyArray<{ readonly subject: string; readonly relation: string; readonly object: string; readonly negated?: boolean }>
  readonly reinforced: ReadonlyArray<string>
  readonly events: ReadonlyArray<EventM.Event>
  readonly unanswered: ReadonlyArray<string>
  readonly malformed: ReadonlyArray<{ readonly round: number; readonly position: number; readonly message: string }>
  readonly toolCalls: ReadonlyArray<{
    readonly round: number
    readonly id: string
    readonly name: string
    readonly outcome: "run" | "invalid" | "unanswered"
    readonly result?: string
    readonly error?: string
  }>
  readonly controller: {
    readonly recall: Controller.ActionOf<"recall">
    readonly maintain: Controller.ActionOf<"maintain">
    readonly policy: string | null
  }
  readonly state: Replay.State
}

/** What answered on each path of a turn (the CLI knows it from its settings). */
export interface TurnModels {
  readonly ask: PathModelView
  readonly write: PathModelView
}

/**
 * The view of a loop turn, with the path models of `models`.
 * @complexity O(recalled · path length · log n + events + sentences)
 */
export const turnView = (t: Turn, models: TurnModels): TurnView => {
  const g = t.state.graph
  return {
    route: t.route,
    answer: t.answer,
    rounds: t.rounds,
    recalled: t.recalled.map((f) => ({ fact: factView(g, f.fact), score: f.score, path: pathView(g, f.path) })),
    learned: t.engrammed.map((f) => ({ subject: f.subject, relation: f.relation, object: f.object, negated: f.negated === true })),
    reinforced: [...t.reinforced],
    events: t.events.map((e) => ({ tag: e._tag, now: e.now })),
    unanswered: [...t.unanswered],
    seq: t.state.seq,
    router: { route: t.decision.route, sentences: t.decision.sentences.map((x) => ({ text: x.text, kind: x.kind })) },
    models: { ask: { ...models.ask }, write: { ...models.write } },
    answeredBy: t.route === "write" ? "write" : "ask",
    malformed: t.malformed.map(({ message, position, round }) => ({ round, position, message })),
    toolCalls: t.toolCalls.map(({ error, id, name, outcome, result, round }) => ({
      round,
      id,
      name,
      outcome,
      ...(result === undefined ? {} : { result }),
      ...(error === undefined ? {} : { error })
    })),
    controller: { recall: t.controller.recall, maintain: t.controller.maintain, policy: t.controller.policy }
  }
}

/** The view of an entry of the journal. @complexity O(size of the event) */
export const eventView = (e: Entry): EventView => ({
  seq: e.seq,
  tag: e.event._tag,
  now: e.event.now,
  event: EventM.encode(e.event)
})

/** The view of a branch. @complexity O(1) */
export const branchView = (b: Branch): BranchView => ({
  branch: b.branch,
  base: b.base,
  tip: b.tip,
  events: b.tip - b.base,
  reason: b.reason,
  at: b.at
})

/** The view of a state. @complexity O(n + m) (the content hash) */
export const stateView = (s: Replay.State): StateView => ({
  seq: s.seq,
  hash: LiquidGraph.contentHash(s.graph),
  nodes: LiquidGraph.nodeCount(s.graph),
  edges: LiquidGraph.edgeCount(s.graph)
})

/** The view of a verify report. @complexity O(problems) */
export const verifyView = (r: VerifyReport): VerifyView => ({
  ok: r.ok,
  events: r.events,
  hash: r.hash,
  liveHash: r.liveHash,
  liveSeq: r.liveSeq,
  firstBadPosition: r.firstBadPosition ?? null,
  snapshotMismatch: [...(r.snapshotMismatch ?? [])],
  problems: [...r.problems]
})

/** The view of the parameters of `state`. @complexity O(|Params.spec|) */
export const paramsView = (state: Replay.State): ParamsView => {
  const p = state.params
  const params: Record<string, typeof ParamView.Type> = {}
  const changed: Array<string> = []
  for (const name of Object.keys(Params.spec) as Array<Params.ParamName>) {
    const spec = Params.spec[name]
    params[name] = { value: p[name], default: spec.default, min: spec.min, max: spec.max, int: spec.int, doc: spec.doc }
    if (p[name] !== Params.defaults[name]) changed.push(name)
  }
  const sameRelations = p.singleValued.length === Params.defaults.singleValued.length &&
    p.singleValued.every((r, i) => r === Params.defaults.singleValued[i])
  if (!sameRelations) changed.push("singleValued")
  return { seq: state.seq, params, singleValued: [...p.singleValued], changed }
}

/** Plain JSON text of a view (one line). @complexity O(size of the view) */
export const line = (view: unknown): string => JSON.stringify(view)
