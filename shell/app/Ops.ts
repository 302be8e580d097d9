/**
 * Ops — the application's use cases, written once for the CLI, the HTTP API and the MCP server.
 * Each is an Effect over an open `Memory` (or over a state, for the pure reads) that answers a
 * view (`Views.ts`) and fails with an `AppFailure`.
 *
 * - Writes (ingest, recall with `record`, hand edits, forget, maintain, params, rollback,
 *   restoreBranch) go through `memory.commit`: every input is checked BEFORE the first commit,
 *   and every commit is atomic, so a failed request writes nothing.
 * - Time is the `Clock`'s (`Clock.currentTimeMillis`), written into the events.
 * - A transition runs once per request: where an operation needs the transition's output (the
 *   recall's result, the facts an edit wrote) it applies the event itself and hands its fold to
 *   `memory.commit`, which then does not apply it again (see `Queries.recall`, `Ingest.ingest`).
 *
 * @since 0.3.0
 */
import { Clock, Effect, Result } from "effect"
import * as Changes from "../../core/Changes.ts"
import * as Connect from "../../core/Connect.ts"
import * as Consolidate from "../../core/Consolidate.ts"
import * as Event from "../../core/Event.ts"
import type { Fact } from "../../core/Fact.ts"
import * as Forget from "../../core/Forget.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Params from "../../core/Params.ts"
import * as Reconcile from "../../core/Reconcile.ts"
import * as Replay from "../../core/Replay.ts"
import type { Embedder } from "../embeddings/Embedder.ts"
import type { Extractor } from "../extract/Extractor.ts"
import type { Branch, Memory } from "../store/MemoryStore.ts"
import * as Export from "./Export.ts"
import { type AppFailure, fail, fromStoreError } from "./Failure.ts"
import * as Ingest from "./Ingest.ts"
import * as Input from "./Input.ts"
import * as Queries from "./Queries.ts"
import * as Render from "./Render.ts"
import * as Views from "./Views.ts"

const storeError = Effect.mapError(fromStoreError)

// ── ingest and hand edits ─────────────────────────────────────────────────────

/** A chat message to learn. `time`: world time it was said (ms, or an ISO date), when known. */
export interface MessageInput {
  readonly role: string
  readonly content: string
  readonly speaker?: string | null | undefined
  readonly time?: number | string | null | undefined
}

/** A triple to learn. */
export interface TripleInput {
  readonly subject: string
  readonly relation: string
  readonly object: string
  readonly negated?: boolean | undefined
  readonly confidence?: number | undefined
  readonly validFrom?: number | string | null | undefined
  readonly validUntil?: number | string | null | undefined
  /** World time it was told (ms or ISO date): its `validFrom` when none is given. */
  readonly time?: number | string | null | undefined
}

/** What to learn: text (sentences), chat messages, triples — any of them, in that order. */
export interface IngestInput {
  readonly text?: string | undefined
  readonly messages?: ReadonlyArray<MessageInput> | undefined
  readonly triples?: ReadonlyArray<TripleInput> | undefined
}

/** Options of {@link ingest}. */
export interface IngestOptions {
  /**
   * Who wrote the text ("I" is them) and who said user messages that name no speaker. Default:
   * the memory's narrator ({@link narratorOf}), so an agent's "I moved to Lisbon" is learned as
   * a fact about its user.
   */
  readonly speaker?: string | undefined
  /**
   * The source the items are learned from (their facts' provenance `ingest:<source>`, and part
   * of their identity): the same items sent again under the same source are skipped (a retried
   * request learns nothing twice). Default: `request-<seq>`, new for every request that learns.
   */
  readonly source?: string | undefined
}

/** Largest text accepted by {@link ingest}, in characters (the rest of a request goes through the same input limits as files). */
export const MAX_TEXT = Input.DEFAULT_MAX_BYTES

const SOURCE = /^[A-Za-z0-9._:@-]{1,64}$/

/**
 * The items of an ingest input (text, then messages, then triples), checked with the same rules
 * as files (`Input.parseText`, `Input.parseJsonl`): a bad message or triple fails with
 * `BadInput` naming its place (`<source>:<n>`), before anything is written.
 * @complexity O(size of the input)
 */
export const itemsOf = (input: IngestInput, source: string, speaker: string | null): Result.Result<Array<Input.Item>, AppFailure> => {
  const items: Array<Input.Item> = []
  if (input.text !== undefined) {
    if (input.text.length > MAX_TEXT) return Result.fail(fail("BadInput", `text is longer than ${MAX_TEXT} characters`))
    items.push(...Input.parseText(source, input.text, speaker))
  }
  const lines: Array<string> = []
  for (const m of input.messages ?? []) {
    lines.push(JSON.stringify({ role: m.role, content: m.content, ...(m.speaker == null ? {} : { speaker: m.speaker }), ...(m.time == null ? {} : { time: m.time }) }))
  }
  for (const t of input.triples ?? []) {
    const validFrom = t.validFrom ?? t.time
    lines.push(JSON.stringify({
      subject: t.subject,
      relation: t.relation,
      object: t.object,
      ...(t.negated === undefined ? {} : { negated: t.negated }),
      ...(t.confidence === undefined ? {} : { confidence: t.confidence }),
      ...(validFrom == null ? {} : { validFrom }),
      ...(t.validUntil == null ? {} : { validUntil: t.validUntil })
    }))
  }
  if (lines.length > 0) {
    const parsed = Input.parseJsonl(source, lines.join("\n"), speaker)
    if (Result.isFailure(parsed)) return parsed
    items.push(...parsed.success)
  }
  return Result.succeed(items)
}

const ingestItems = Effect.fnUntraced(function*(
  memory: Memory,
  items: ReadonlyArray<Input.Item>
): Effect.fn.Return<Views.IngestView, AppFailure, Embedder | Extractor> {
  // one batch: a request is learned in one transaction, all or nothing (its size is bounded by the caller)
  const summary = yield* Ingest.ingest(memory, items, { batch: Math.max(1, items.length) })
  return {
    items: summary.items,
    facts: summary.facts,
    events: summary.events,
    skipped: summary.skipped,
    superseded: summary.superseded,
    seq: summary.state.seq,
    factIds: summary.factIds
  }
})

/**
 * Who "I" is in a memory's text and user messages when a request names no speaker: the memory's
 * user, or `"User"` for the `default` user (a label reads better than "default").
 * Laws: `narratorOf({ user: "alice", … }) = "alice"`; `narratorOf({ user: "default", … }) = "User"`.
 * @complexity O(1)
 */
export const narratorOf = (id: { readonly user: string }): string => (id.user === "default" ? "User" : id.user)

/**
 * Learns text, messages and triples (see `Ingest.ts`: one Engrammed and one Reconciled event per
 * item), committed in ONE transaction: a request that fails (an embedder failure) writes
 * nothing. An empty input learns nothing (`items: 0`).
 * @complexity that of `Ingest.ingest` over the items
 */
export const ingest = Effect.fnUntraced(function*(
  memory: Memory,
  input: IngestInput,
  options: IngestOptions = {}
): Effect.fn.Return<Views.IngestView, AppFailure, Embedder | Extractor> {
  if (options.source !== undefined && !SOURCE.test(options.source)) {
    return yield* fail("Usage", "source must be 1–64 characters among letters, digits and . _ : @ -")
  }
  const state = yield* memory.state
  const source = options.source ?? `request-${state.seq}`
  const speaker = options.speaker !== undefined && options.speaker.trim().length > 0 ? options.speaker.trim() : narratorOf(memory.id)
  const items = itemsOf(input, source, speaker)
  if (Result.isFailure(items)) return yield* items.failure
  return yield* ingestItems(memory, items.success)
})

/** The source of hand edits (mission feature 15): their facts' provenance starts with it. */
export const EDIT_SOURCE = "edit"

const editItems = (triples: ReadonlyArray<TripleInput & { readonly change?: boolean }>, tag: string): Result.Result<Array<Input.Item>, AppFailure> => {
  const parsed = itemsOf({ triples }, `${EDIT_SOURCE}-${tag}`, null)
  if (Result.isFailure(parsed)) return parsed
  return Result.succeed(parsed.success.map((item, i): Input.Item =>
    item._tag === "Triple"
      ? { ...item, fact: { ...item.fact, source: EDIT_SOURCE, ...(triples[i]?.change === true ? { change: true } : {}) } }
      : item
  ))
}

/**
 * Adds facts by hand: each an Engrammed event with provenance `edit`, reconciled like any other
 * fact, so `history` shows the edit. At least one triple.
 * @complexity that of ingesting the triples
 */
export const addFacts = Effect.fnUntraced(function*(
  memory: Memory,
  triples: ReadonlyArray<TripleInput>
): Effect.fn.Return<Views.IngestView, AppFailure, Embedder | Extractor> {
  if (triples.length === 0) return yield* fail("Usage", "give at least one fact")
  const state = yield* memory.state
  const items = editItems(triples, String(state.seq))
  if (Result.isFailure(items)) return yield* items.failure
  return yield* ingestItems(memory, items.success)
})

/**
 * Corrects a fact by hand: the fact `factId` (current) gets a new object, told as a change
 * (provenance `edit`), so reconciliation supersedes the old version, which stays in the history.
 * Answers the fact's history. `NotFound` for an unknown fact; `Usage` for an ended one or an
 * empty object.
 * @complexity that of one engram and reconcile + {@link history}
 */
export const correctFact = Effect.fnUntraced(function*(
  memory: Memory,
  factId: string,
  object: string
): Effect.fn.Return<Views.HistoryView, AppFailure, Embedder | Extractor> {
  const state = yield* memory.state
  const g = state.graph
  const f = LiquidGraph.edge(g, factId)
  if (f === undefined || f.kind !== "fact") return yield* fail("NotFound", `no fact ${factId}`)
  if (f.supersededBy !== null || f.validUntil !== null) return yield* fail("Usage", `fact ${factId} is not current: correct the current version`)
  if (object.trim().length === 0) return yield* fail("Usage", "the corrected object must not be empty")
  const items = editItems([{
    subject: Render.label(g, f.subject),
    relation: f.phrase ?? f.relation,
    object: object.trim(),
    negated: f.negated,
    change: true
  }], String(state.seq))
  if (Result.isFailure(items)) return yield* items.failure
  const learned = yield* ingestItems(memory, items.success)
  const after = yield* memory.state
  return yield* history(memory, learned.factIds[0] ?? factId, after)
})

// ── recall and reads ──────────────────────────────────────────────────────────

/**
 * Recalls `query` (see `Queries.recall`: with `record` (default true) one Recalled event,
 * applied once).
 * @complexity one embedding + one `Recall.recall` (+ one commit)
 */
export const recall = Effect.fnUntraced(function*(
  memory: Memory,
  query: string,
  options: Queries.RecallOptions = {}
): Effect.fn.Return<Views.RecallView, AppFailure, Embedder> {
  if (query.trim().length === 0) return yield* fail("Usage", "the query must not be empty")
  const recalled = yield* Queries.recall(memory, query, options)
  return Views.recallView({ query, ...recalled })
})

/**
 * The strongest path between two nodes (labels or ids). `NotFound` names the unknown ones; two
 * known nodes with no path answer `connected: false` and why.
 * @complexity bidirectional Dijkstra (see `Connect.connect`)
 */
export const connect = (state: Replay.State, a: string, b: string): Effect.Effect<Views.ConnectView, AppFailure> => {
  const unknown = [a, b].filter((l) => Connect.resolveNode(state.graph, l) === undefined)
  if (unknown.length > 0) return Effect.fail(fail("NotFound", `not in memory: ${unknown.map((l) => `"${l}"`).join(", ")}`))
  const found = Result.try({
    try: () => Connect.connect(state.graph, a, b, state.params),
    catch: (e) => fail("Usage", `connect: ${e instanceof Error ? e.message : String(e)}`)
  })
  if (Result.isFailure(found)) return Effect.fail(found.failure)
  const path = found.success
  return Effect.succeed(
    path._tag === "Some"
      ? { from: a, to: b, connected: true, path: Views.pathView(state.graph, path.value), reason: null }
      : { from: a, to: b, connected: false, path: null, reason: `"${a}" and "${b}" are not connected` }
  )
}

/** The facts `history` shows for a target: the slots (oldest first) and the facts it is the object of; `undefined` when unknown. */
export const historyFacts = (
  g: LiquidGraph.LiquidGraph,
  target: string
): { readonly kind: "fact" | "node"; readonly slots: ReadonlyArray<{ readonly subject: string; readonly relation: string; readonly chain: ReadonlyArray<Fact> }>; readonly incoming: ReadonlyArray<Fact> } | undefined => {
  const asFact = LiquidGraph.edge(g, target)
  const slots = new Map<string, { subject: string; relation: string }>()
  const incoming: Array<Fact> = []
  let kind: "fact" | "node" = "node"
  if (asFact !== undefined && asFact.kind === "fact") {
    kind = "fact"
    slots.set(`${asFact.subject}|${asFact.relation}`, { subject: asFact.subject, relation: asFact.relation })
  } else {
    const node = Connect.resolveNode(g, target)
    if (node === undefined) return undefined
    for (const f of LiquidGraph.incident(g, node)) {
      if (f.kind !== "fact") continue
      if (f.subject === node) slots.set(`${f.subject}|${f.relation}`, { subject: f.subject, relation: f.relation })
      else incoming.push(f)
    }
  }
  return {
    kind,
    slots: [...slots.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, s]) => ({ ...s, chain: [...LiquidGraph.slot(g, s.subject, s.relation)].sort(Reconcile.chronological) })),
    incoming: incoming.sort(Reconcile.chronological)
  }
}

const touches = (event: Event.Event, ids: ReadonlySet<string>, pairs: ReadonlySet<string>): boolean => {
  switch (event._tag) {
    case "Engrammed":
      return event.input.facts.some((f) => pairs.has(`${f.subject.toLowerCase()}|${f.object.toLowerCase()}`))
    case "Reconciled":
      return (event.input.facts ?? []).some((id) => ids.has(id))
    case "Reinforced":
      return event.input.edges.some((id) => ids.has(id))
    case "Forgotten":
      return event.input._tag === "fact" && ids.has(event.input.id)
    default:
      return false
  }
}

/**
 * The versions of a fact (its slot: same subject and relation) or of a node's facts, with the
 * journal events that wrote them (Engrammed events naming both ends, Reconciled and Reinforced
 * events naming one of the facts, a Forgotten fact). `NotFound` when the target is neither a
 * fact id nor a node label / id.
 * @complexity O(facts of the target · log n) + O(journal) to find the events
 */
export const history = Effect.fnUntraced(function*(
  memory: Memory,
  target: string,
  at?: Replay.State
): Effect.fn.Return<Views.HistoryView, AppFailure> {
  const state = at ?? (yield* memory.state)
  const g = state.graph
  const found = historyFacts(g, target)
  if (found === undefined) return yield* fail("NotFound", `not in memory: "${target}"`)
  const all = [...found.slots.flatMap((s) => s.chain), ...found.incoming]
  const ids = new Set(all.map((f) => f.id))
  const pairs = new Set(all.map((f) => `${Render.label(g, f.subject).toLowerCase()}|${Render.label(g, f.object).toLowerCase()}`))
  const entries = yield* storeError(memory.history())
  return {
    target,
    kind: found.kind,
    slots: found.slots.map((s) => ({ subject: s.subject, relation: s.relation, chain: s.chain.map((f) => Views.factView(g, f)) })),
    incoming: found.incoming.map((f) => Views.factView(g, f)),
    events: entries.filter((e) => touches(e.event, ids, pairs)).map((e) => ({ seq: e.seq, tag: e.event._tag, now: e.event.now }))
  }
})

/**
 * Nodes whose label (or an episode's text) contains every word of `query` (case-insensitive),
 * most important first (then id); at most `limit`. An empty query lists the most important.
 * @complexity O(n · |query| + n log n)
 */
export const searchNodes = (state: Replay.State, query: string, limit: number): ReadonlyArray<Views.NodeView> => {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w.length > 0)
  const g = state.graph
  return LiquidGraph.nodes(g)
    .filter((n) => {
      const hay = `${n.label} ${n.text ?? ""}`.toLowerCase()
      return words.every((w) => hay.includes(w))
    })
    .sort((a, b) => b.importance - a.importance || (a.id < b.id ? -1 : 1))
    .slice(0, Math.max(0, limit))
    .map((n) => Views.nodeView(g, n.id)!)
}

/**
 * The nodes of the given labels or ids, in order; names memory does not know are left out.
 * @complexity O(|names| · degree · log n)
 */
export const openNodes = (state: Replay.State, names: ReadonlyArray<string>): ReadonlyArray<Views.NodeView> => {
  const out: Array<Views.NodeView> = []
  for (const name of names) {
    const id = Connect.resolveNode(state.graph, name)
    const view = id === undefined ? undefined : Views.nodeView(state.graph, id)
    if (view !== undefined) out.push(view)
  }
  return out
}

/**
 * One node (label or id): `NotFound` when unknown.
 * @complexity O(degree · log n)
 */
export const openNode = (state: Replay.State, name: string): Effect.Effect<Views.NodeView, AppFailure> => {
  const found = openNodes(state, [name])
  return found.length === 0 ? Effect.fail(fail("NotFound", `not in memory: "${name}"`)) : Effect.succeed(found[0]!)
}

/** The active graph of `state` as views. @complexity O((n + m) · log n) */
export const graph = (state: Replay.State): Views.GraphView => {
  const g = state.graph
  return {
    seq: state.seq,
    nodes: LiquidGraph.nodes(g).sort((a, b) => (a.id < b.id ? -1 : 1)).map((n) => Views.nodeView(g, n.id)!),
    edges: LiquidGraph.edges(g).sort((a, b) => (a.id < b.id ? -1 : 1)).map((f) => Views.factView(g, f))
  }
}

/**
 * The memory's state after `seq` events (default: now), for time travel: the current state when
 * `seq` is its seq, else the journal's first `seq` events replayed from an empty memory with the
 * default parameters (how every memory the CLI and the servers create starts). `Usage` for a
 * negative or fractional seq, `NotFound` past the end.
 * @complexity O(1) now; else Σ the transitions of the first `seq` events
 */
export const stateAt = Effect.fnUntraced(function*(memory: Memory, seq?: number): Effect.fn.Return<Replay.State, AppFailure> {
  const state = yield* memory.state
  if (seq === undefined || seq === state.seq) return state
  if (!Number.isInteger(seq) || seq < 0) return yield* fail("Usage", `seq must be an integer ≥ 0, got ${seq}`)
  if (seq > state.seq) return yield* fail("NotFound", `seq ${seq} is past the end (memory is at seq ${state.seq})`)
  const entries = yield* storeError(memory.history(0, seq))
  const replayed = Replay.replay(entries.map((e) => e.event), Replay.initial())
  if (Result.isFailure(replayed)) return yield* fail("CorruptJournal", `replay to seq ${seq}: ${replayed.failure.message}`)
  return replayed.success
})

const counts = <A>(xs: ReadonlyArray<A>, key: (a: A) => string): Record<string, number> => {
  const m: Record<string, number> = {}
  for (const x of xs) m[key(x)] = (m[key(x)] ?? 0) + 1
  return m
}

/**
 * What the memory holds: counts, the `top` nodes by importance, the clusters, the most recent
 * conflicts, and the parameters that differ from the defaults.
 * @complexity O((n + m) log (n + m))
 */
export const inspect = (state: Replay.State, top = 10): Views.InspectView => {
  const g = state.graph
  const nodes = LiquidGraph.nodes(g)
  const edges = LiquidGraph.edges(g)
  const facts = edges.filter((e) => e.kind === "fact")
  const ended = facts.filter((f) => f.supersededBy !== null || f.validUntil !== null)
  const ranked = nodes.filter((n) => n.kind !== "episode").sort((a, b) => b.importance - a.importance || (a.id < b.id ? -1 : 1))
  const clusters = new Map<number, Array<string>>()
  for (const [id, c] of Consolidate.clusters(g, state.params)) {
    if (c === null || LiquidGraph.node(g, id)?.kind === "episode") continue
    const list = clusters.get(c) ?? []
    list.push(id)
    clusters.set(c, list)
  }
  const groups = [...clusters.values()].filter((l) => l.length > 1).map((l) => l.sort())
    .sort((a, b) => b.length - a.length || (a[0]! < b[0]! ? -1 : 1))
  const conflicts = ended
    .filter((f) => f.supersededBy !== null)
    .sort((a, b) => (b.validUntil ?? 0) - (a.validUntil ?? 0) || (a.id < b.id ? -1 : 1))
  const params = Views.paramsView(state)
  const changed: Record<string, unknown> = {}
  for (const name of params.changed) changed[name] = name === "singleValued" ? params.singleValued : params.params[name]!.value
  const archive = LiquidGraph.archiveStats(g)
  return {
    seq: state.seq,
    hash: LiquidGraph.contentHash(g),
    nodes: counts(nodes, (n) => n.kind),
    tiers: counts(nodes, (n) => n.tier),
    edges: counts(edges, (e) => e.kind),
    facts: { current: facts.length - ended.length, ended: ended.length },
    vectors: g.vectors.size,
    archive: {
      nodes: archive.nodes,
      episodes: archive.episodes,
      edges: archive.edges,
      facts: archive.facts,
      vectors: archive.vectors,
      bytes: archive.bytes,
      tombstones: archive.tombstones
    },
    top: ranked.slice(0, top).map((n) => Views.nodeView(g, n.id)!),
    clusters: groups.slice(0, top),
    clusterCount: groups.length,
    conflicts: conflicts.slice(0, top).map((f) => {
      const winner = f.supersededBy === null ? undefined : LiquidGraph.edge(g, f.supersededBy)
      return { fact: Views.factView(g, f), supersededBy: winner === undefined ? null : Views.factView(g, winner) }
    }),
    conflictCount: conflicts.length,
    params: changed
  }
}

/** The export formats. */
export const exportFormats: ReadonlyArray<Export.Format> = ["json", "dot", "mermaid"]

/**
 * The memory as text in `format` (see `Export.ts`); `Usage` for an unknown format.
 * @complexity O(n + m)
 */
export const exportGraph = (state: Replay.State, format: string): Effect.Effect<string, AppFailure> =>
  (exportFormats as ReadonlyArray<string>).includes(format)
    ? Effect.sync(() => Export.render(state, format as Export.Format))
    : Effect.fail(fail("Usage", `unknown export format "${format}" (one of ${exportFormats.join(", ")})`))

/**
 * The journal's events with `seq > after`, at most `limit` of them (oldest first), and the
 * memory's last seq (the page's timeline reads it in pages).
 * @complexity O(limit) events decoded (the store stops reading pages once `limit` are read)
 */
export const events = Effect.fnUntraced(function*(memory: Memory, after = 0, limit = 500): Effect.fn.Return<Views.EventsView, AppFailure> {
  if (!Number.isInteger(after) || after < 0) return yield* fail("Usage", `after must be an integer ≥ 0, got ${after}`)
  if (!Number.isInteger(limit) || limit < 1) return yield* fail("Usage", `limit must be an integer ≥ 1, got ${limit}`)
  const state = yield* memory.state
  const entries = yield* storeError(memory.history(after, limit))
  return { events: entries.map(Views.eventView), last: state.seq }
})

// ── history: snapshot, rollback, branches, verify ─────────────────────────────

/** Writes a snapshot now. @complexity O(size of the state) */
export const snapshot = (memory: Memory): Effect.Effect<Views.StateView, AppFailure> =>
  Effect.gen(function*() {
    yield* storeError(memory.snapshot)
    return Views.stateView(yield* memory.state)
  })

/** The branch of `after` that `before` did not have (a rollback adds at most one), or null. */
const newBranch = (before: ReadonlyArray<Branch>, after: ReadonlyArray<Branch>): Views.BranchView | null => {
  const known = new Set(before.map((b) => b.branch))
  const added = after.find((b) => !known.has(b.branch))
  return added === undefined ? null : Views.branchView(added)
}

/**
 * Back to the state after `seq` events; the later events are kept as an abandoned branch.
 * `Usage` for a negative seq, `NotFound` past the end.
 * @complexity O(snapshot + tail) to rebuild the state
 */
export const rollback = Effect.fnUntraced(function*(memory: Memory, seq: number): Effect.fn.Return<Views.RollbackView, AppFailure> {
  if (!Number.isInteger(seq) || seq < 0) return yield* fail("Usage", `seq must be an integer ≥ 0, got ${seq}`)
  const before = yield* memory.state
  if (seq > before.seq) return yield* fail("NotFound", `seq ${seq} is past the end (memory is at seq ${before.seq})`)
  const branchesBefore = yield* storeError(memory.branches)
  const after = yield* storeError(memory.rollback(seq))
  return { from: before.seq, state: Views.stateView(after), branch: newBranch(branchesBefore, yield* storeError(memory.branches)) }
})

/** The abandoned branches, oldest first. @complexity O(branches) */
export const branches = (memory: Memory): Effect.Effect<ReadonlyArray<Views.BranchView>, AppFailure> =>
  Effect.map(storeError(memory.branches), (bs) => bs.map(Views.branchView))

/**
 * Restores an abandoned branch: back to its base (the events after the base, if any, become a
 * new abandoned branch, as a rollback does), then its events are committed again, in order, in
 * one transaction — the journal then holds them after the base, and the history stays whole.
 * `NotFound` for an unknown branch; `CorruptJournal` when one of its records does not decode (a
 * branch a truncation set aside); `Store` when an event does not apply — checked on the state at
 * the base before anything is rolled back, so a failed restore changes nothing.
 * @complexity O(branch events' transitions) + a rollback (+ a replay of the journal up to the
 * base, to check the branch, when the memory has moved on since it)
 */
export const restoreBranch = Effect.fnUntraced(function*(memory: Memory, branch: number): Effect.fn.Return<Views.RollbackView, AppFailure> {
  const known = yield* storeError(memory.branches)
  const target = known.find((b) => b.branch === branch)
  if (target === undefined) return yield* fail("NotFound", `no abandoned branch ${branch}`)
  const records = yield* storeError(memory.abandoned(branch))
  const decoded: Array<Event.Event> = []
  for (const r of records) {
    if (r.json === undefined) return yield* fail("CorruptJournal", `branch ${branch}: record ${r.seq} is damaged and cannot be restored`)
    const event = Event.decode(JSON.parse(r.json), r.seq - 1)
    if (Result.isFailure(event)) return yield* fail("CorruptJournal", `branch ${branch}: record ${r.seq} does not decode: ${event.failure.message}`)
    decoded.push(event.success)
  }
  const before = yield* memory.state
  if (target.base > before.seq) return yield* fail("Usage", `branch ${branch} starts at seq ${target.base}, after the memory's end (seq ${before.seq}): roll forward first`)
  if (target.base < before.seq) {
    // the branch must apply on the state at its base BEFORE anything is rolled back: a restore that
    // cannot be completed changes nothing
    const applied = Replay.replay(decoded, yield* stateAt(memory, target.base))
    if (Result.isFailure(applied)) return yield* fail("Store", `branch ${branch} does not apply at seq ${target.base}: ${applied.failure.message}`)
    yield* storeError(memory.rollback(target.base))
  }
  const committed = yield* storeError(memory.commit(decoded))
  const after = yield* storeError(memory.branches)
  return { from: before.seq, state: Views.stateView(committed.state), branch: newBranch(known, after) }
})

/** Folds the journal again and compares (see `Memory.verify`). @complexity Σ transitions of the journal */
export const verify = (memory: Memory): Effect.Effect<Views.VerifyView, AppFailure> =>
  Effect.map(storeError(memory.verify), Views.verifyView)

// ── maintenance, forget, params ───────────────────────────────────────────────

/** Options of {@link maintain}. */
export interface MaintainOptions {
  /** The time to maintain at (default: the clock's); not before the last event's. */
  readonly now?: number | undefined
}

/**
 * Decay (over the time since the last Decayed event, or since the first event), prune and
 * consolidate, as three events in one commit.
 * @complexity Σ the three transitions + O(journal) to find the last decay
 */
export const maintain = Effect.fnUntraced(function*(memory: Memory, options: MaintainOptions = {}): Effect.fn.Return<Views.MaintainView, AppFailure> {
  const before = yield* memory.state
  const entries = yield* storeError(memory.history())
  const now = options.now ?? (yield* Clock.currentTimeMillis)
  if (!Number.isFinite(now)) return yield* fail("Usage", "now must be a finite number")
  let since: number | undefined = entries[0]?.event.now
  for (const e of entries) if (e.event._tag === "Decayed") since = e.event.now
  const dt = since === undefined ? 0 : Math.max(0, now - since)
  const committed = yield* storeError(memory.commit([
    new Event.Decayed({ now, input: { dt } }),
    new Event.Pruned({ now, input: {} }),
    new Event.Consolidated({ now, input: {} })
  ]))
  const all = committed.changes.reduce(Changes.combine, Changes.none)
  const g = committed.state.graph
  return {
    seq: committed.state.seq,
    dt,
    weakened: all.edgesWeakened.length,
    removed: all.edgesRemoved.length,
    solidified: all.edgesSolidified.length,
    nodesRemoved: all.nodesRemoved.length,
    merged: all.merged.map(([from, into]) => ({ from, into })),
    archived: all.nodesArchived.length + all.edgesArchived.length,
    before: { nodes: LiquidGraph.nodeCount(before.graph), edges: LiquidGraph.edgeCount(before.graph) },
    after: { nodes: LiquidGraph.nodeCount(g), edges: LiquidGraph.edgeCount(g) }
  }
})

/** What to forget: a fact id, a node (label or key; with its episodes), an episode id, or everything. */
export interface ForgetTarget {
  readonly fact?: string | undefined
  readonly node?: string | undefined
  readonly withEpisodes?: boolean | undefined
  readonly episode?: string | undefined
  readonly all?: boolean | undefined
}

/**
 * The core's forget input for a target; `Usage` unless exactly one of fact / node / episode /
 * all is given. An episode id is accepted with or without its `ep:` prefix.
 * @complexity O(log n)
 */
export const forgetInput = (g: LiquidGraph.LiquidGraph, t: ForgetTarget): Result.Result<Forget.ForgetInput, AppFailure> => {
  const given = [t.fact !== undefined, t.node !== undefined, t.episode !== undefined, t.all === true].filter((x) => x).length
  if (given !== 1) return Result.fail(fail("Usage", "give exactly one of fact, node, episode or all"))
  if (t.all === true) return Result.succeed({ _tag: "all" })
  if (t.node !== undefined) {
    const key = t.node.trim()
    if (key.length === 0) return Result.fail(fail("Usage", "the node to forget needs a label"))
    return Result.succeed(t.withEpisodes === true ? { _tag: "subject", key, withEpisodes: true } : { _tag: "subject", key })
  }
  if (t.fact !== undefined) {
    if (t.fact.length === 0) return Result.fail(fail("Usage", "the fact to forget needs an id"))
    return Result.succeed({ _tag: "fact", id: t.fact })
  }
  const raw = t.episode ?? ""
  if (raw.length === 0) return Result.fail(fail("Usage", "the episode to forget needs an id"))
  const id = Forget.episodeNodeId(g, raw) === undefined && raw.startsWith("ep:") && raw.length > 3 ? raw.slice(3) : raw
  return Result.succeed({ _tag: "episode", id })
}

/**
 * Deletes the target for good (one Forgotten event: tombstoned, so neither replay nor
 * re-ingesting brings it back). A target that names nothing records nothing
 * (`forgotten: false`). The transition is computed once: its fold is handed to the commit.
 * @complexity one `Forget.forget` + one commit
 */
export const forget = Effect.fnUntraced(function*(memory: Memory, target: ForgetTarget | Forget.ForgetInput): Effect.fn.Return<Views.ForgetView, AppFailure> {
  const before = yield* memory.state
  const input = "_tag" in target ? Result.succeed(target) : forgetInput(before.graph, target)
  if (Result.isFailure(input)) return yield* input.failure
  const now = yield* Clock.currentTimeMillis
  const event = new Event.Forgotten({ now, input: input.success })
  const step = Queries.applyOnce(before, event)
  if (Result.isFailure(step)) return yield* step.failure
  const c = step.success.changes
  if (c.nodesForgotten.length + c.edgesForgotten.length === 0) {
    return { forgotten: false, seq: before.seq, nodes: [], edges: [], redacted: [] }
  }
  const committed = yield* storeError(memory.commit([event], { from: before, state: step.success.state, changes: [c] }))
  return { forgotten: true, seq: committed.state.seq, nodes: [...c.nodesForgotten], edges: [...c.edgesForgotten], redacted: [...c.edgesRedacted] }
})

/** The parameters in force, with their documented ranges. @complexity O(|Params.spec|) */
export const params = (state: Replay.State): Views.ParamsView => Views.paramsView(state)

/**
 * Records new parameters: `partial`'s fields over the ones in force, every field checked
 * against its documented range (`Usage` naming it, nothing written); one ParamsSet event.
 * @complexity O(|Params.spec|) + one commit
 */
export const setParams = Effect.fnUntraced(function*(memory: Memory, partial: unknown): Effect.fn.Return<Views.ParamsView, AppFailure> {
  if (typeof partial !== "object" || partial === null || Array.isArray(partial)) return yield* fail("Usage", "params must be a JSON object of parameter fields")
  const before = yield* memory.state
  const unknown = Object.keys(partial).filter((k) => !(k in Params.spec) && k !== "singleValued")
  if (unknown.length > 0) return yield* fail("Usage", `unknown parameter${unknown.length === 1 ? "" : "s"}: ${unknown.join(", ")}`)
  const decoded = Params.decode({ ...before.params, ...partial })
  if (Result.isFailure(decoded)) return yield* fail("Usage", `params: ${decoded.failure.message}`)
  const now = yield* Clock.currentTimeMillis
  const committed = yield* storeError(memory.commit([new Event.ParamsSet({ now, params: decoded.success })]))
  return Views.paramsView(committed.state)
})
