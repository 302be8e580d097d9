/**
 * Parts — the compact snapshot form of a graph, and its lean decoder.
 *
 * A graph becomes three parts: {@link PartsGraph}, plain JSON-ready data in which every node,
 * edge and archived record is a row (a tuple: no key repeated per record, and what a record can
 * derive is left out: an edge's id when it is its kind's default id, a node's key when it is its
 * id, `lastReinforced` when it is `learnedAt`, an active node's importance, which the edges
 * determine), the ids of its vectors, and the vectors themselves as one `Float32Array` of rows of
 * `dim` values (slot order, raw: no base64, no normalisation on the way back).
 *
 * {@link decode} reads the parts without Schema: it checks each field's type and range as it
 * reads it, and every invariant of the graph (`laws/Invariants.ts`) that data could break
 * (unique ids, ends present, edge kinds joining the right node kinds, ordered associations,
 * superseded facts ended, no alias a node, no tombstoned id present, vectors belonging to nodes,
 * finite and unit or zero), then builds the graph and every index (adjacency, slots, lexical
 * index, archived incidence, strength and importance) in one bulk pass of mutable HAMT inserts,
 * without a draft. Whatever the input, it returns a graph that passes the invariant checker or
 * a message saying what is wrong; it never throws.
 *
 * Laws (`laws/Snapshot.test.ts`): `decode(encode(g))` equals `g` (same `contentHash`) for every
 * valid graph; a corrupted part gives a message or a graph that passes the invariant checker.
 *
 * @since 0.2.0
 */
import { HashMap, HashSet } from "effect"
import * as FactM from "../Fact.ts"
import type { Fact } from "../Fact.ts"
import * as LG from "../LiquidGraph.ts"
import type { MemoryNode } from "../Node.ts"
import * as Text from "../Text.ts"
import * as VectorStore from "../VectorStore.ts"
import { rootOf, setRoot, trimAll } from "./Hamt.ts"

// ── the form ──────────────────────────────────────────────────────────────────

/** Node kinds by their code in a row. */
const NODE_KINDS = ["entity", "concept", "episode"] as const
/** Tiers by their code in a row. */
const TIERS = ["working", "long-term"] as const
/** Edge kinds by their code in a row. */
const EDGE_KINDS = ["fact", "mention", "association"] as const

/**
 * A node as a row: `[id, kind, tier, label, key, text, time, confidence, recency, accessCount,
 * surprise, cluster, createdAt]`; `kind` and `tier` are codes (indexes of `entity | concept |
 * episode` and `working | long-term`), `key` is `null` when it equals `id`. No importance: an
 * active node's is derived from its edges, an archived node's is 0.
 */
export type NodeRow = ReadonlyArray<unknown>

/**
 * An edge as a row: `[id, kind, subject, relation, object, negated, weight, confidence,
 * validFrom, validUntil, learnedAt, provenance, useCount, lastReinforced, solidified,
 * supersededBy]`, then optionally `phrase` (a string, or `null` when absent) and `change`; `id`
 * is `null` when it is the kind's default id ({@link defaultId}), `lastReinforced` `null` when it
 * equals `learnedAt`, `kind` a code (`fact | mention | association`); an active edge's ends are
 * indexes into the node rows, an archived edge's are ids.
 */
export type EdgeRow = ReadonlyArray<unknown>

/** The graph part of a snapshot: plain data (what `JSON.stringify` writes and `JSON.parse` reads back). */
export interface PartsGraph {
  readonly format: "mags-parts/1"
  readonly nodes: ReadonlyArray<NodeRow>
  readonly edges: ReadonlyArray<EdgeRow>
  readonly aliases: ReadonlyArray<readonly [string, string]>
  readonly learned: ReadonlyArray<string>
  /** `[archivedAt, ...NodeRow]` per archived node. */
  readonly archivedNodes: ReadonlyArray<ReadonlyArray<unknown>>
  /** `[archivedAt, ...EdgeRow]` per archived edge (ends as ids). */
  readonly archivedEdges: ReadonlyArray<ReadonlyArray<unknown>>
  readonly tombstones: ReadonlyArray<string>
}

/** A graph in parts: the rows, and the vectors apart (raw float32 rows of `dim`). */
export interface Parts {
  readonly graph: PartsGraph
  /** Ids of the vectors, one per row of `vectors`. */
  readonly ids: ReadonlyArray<string>
  /** `ids.length` rows of `dim` float32 values, in the store's slot order. */
  readonly vectors: Float32Array
  readonly dim: number
}

/**
 * The id an edge gets when it is the first of its kind between its ends: `Fact.factId` for a
 * fact, `Fact.mentionId` for a mention, `Fact.sequenceId` for a sequence link, `Fact.associationId`
 * for another association.
 * @complexity O(|ids|)
 */
export const defaultId = (kind: Fact["kind"], subject: string, relation: string, object: string, negated: boolean): string =>
  kind === "fact"
    ? FactM.factId(subject, relation, object, negated)
    : kind === "mention"
    ? FactM.mentionId(subject, object)
    : relation === FactM.FOLLOWS
    ? FactM.sequenceId(subject, object)
    : FactM.associationId(subject, object)

// ── encoding ──────────────────────────────────────────────────────────────────

const nodeRow = (n: MemoryNode, head: Array<unknown>): Array<unknown> => {
  head.push(
    n.id, NODE_KINDS.indexOf(n.kind), TIERS.indexOf(n.tier), n.label, n.key === n.id ? null : n.key, n.text, n.time,
    n.confidence, n.recency, n.accessCount, n.surprise, n.cluster, n.createdAt
  )
  return head
}

const edgeRow = (e: Fact, subject: unknown, object: unknown, head: Array<unknown>): Array<unknown> => {
  head.push(
    e.id === defaultId(e.kind, e.subject, e.relation, e.object, e.negated) ? null : e.id,
    EDGE_KINDS.indexOf(e.kind), subject, e.relation, object, e.negated, e.weight, e.confidence, e.validFrom, e.validUntil,
    e.learnedAt, e.provenance, e.useCount, Object.is(e.lastReinforced, e.learnedAt) ? null : e.lastReinforced,
    e.solidified, e.supersededBy
  )
  if (e.change !== undefined) head.push(e.phrase ?? null, e.change)
  else if (e.phrase !== undefined) head.push(e.phrase)
  return head
}

/**
 * The parts of a graph. Rows are in the maps' iteration order (not sorted: nothing depends on
 * it), the vectors in the store's slot order (live rows only).
 * @complexity O(n + m + vectors · dim)
 */
export const encode = (g: LG.LiquidGraph): Parts => {
  const index = new Map<string, number>()
  const nodes: Array<NodeRow> = []
  for (const n of HashMap.values(g.nodes)) {
    index.set(n.id, nodes.length)
    nodes.push(nodeRow(n, []))
  }
  const edges: Array<EdgeRow> = []
  for (const e of HashMap.values(g.edges)) edges.push(edgeRow(e, index.get(e.subject), index.get(e.object), []))
  const archivedNodes: Array<ReadonlyArray<unknown>> = []
  for (const a of HashMap.values(g.archivedNodes)) archivedNodes.push(nodeRow(a.node, [a.archivedAt]))
  const archivedEdges: Array<ReadonlyArray<unknown>> = []
  for (const a of HashMap.values(g.archivedEdges)) archivedEdges.push(edgeRow(a.edge, a.edge.subject, a.edge.object, [a.archivedAt]))
  const store = g.vectors
  const dim = store.dim
  const ids: Array<string> = []
  const vectors = new Float32Array(store.size * dim)
  VectorStore.forEachPage(store, (data, rows, dead, pageIds) => {
    if (dead === undefined) {
      vectors.set(data.subarray(0, rows * dim), ids.length * dim)
      for (let r = 0; r < rows; r++) ids.push(pageIds[r]!)
      return
    }
    for (let r = 0; r < rows; r++) {
      if (dead[r] !== 0) continue
      vectors.set(data.subarray(r * dim, (r + 1) * dim), ids.length * dim)
      ids.push(pageIds[r]!)
    }
  })
  return {
    graph: {
      format: "mags-parts/1",
      nodes,
      edges,
      aliases: Array.from(g.aliases, ([from, to]) => [from, to] as const),
      learned: Array.from(g.learned),
      archivedNodes,
      archivedEdges,
      tombstones: Array.from(g.tombstones)
    },
    ids,
    vectors,
    dim
  }
}

// ── decoding ──────────────────────────────────────────────────────────────────

/** Why the parts are not a graph (thrown inside {@link decode}, caught at its top). */
class Bad {
  readonly message: string
  constructor(message: string) {
    this.message = message
  }
}

const fail = (what: string): never => {
  throw new Bad(what)
}

const isUnit = (x: unknown): x is number => typeof x === "number" && x >= 0 && x <= 1
const isFinite = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x)
const isCount = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0
const isCode = (x: unknown, n: number): x is number => Number.isInteger(x) && (x as number) >= 0 && (x as number) < n
const isArray = (x: unknown): x is ReadonlyArray<unknown> => Array.isArray(x)
const TOMBSTONE = /^[0-9a-f]{16}$/
const EMPTY_SET: HashSet.HashSet<string> = HashSet.empty()
const EMPTY_PROVENANCE: ReadonlyArray<string> = Object.freeze([])
const NODE_FIELDS = 13

/** The fields of the node row at offset `o` of `row`, checked (without the node's semantic checks). */
const checkNode = (row: unknown, o: number, where: string): ReadonlyArray<unknown> => {
  if (!isArray(row) || row.length !== o + NODE_FIELDS) return fail(`${where}: not a node row`)
  const id = row[o]
  if (typeof id !== "string" || id.length === 0) fail(`${where}: id`)
  if (!isCode(row[o + 1], 3)) fail(`${where}: kind`)
  if (!isCode(row[o + 2], 2)) fail(`${where}: tier`)
  if (typeof row[o + 3] !== "string") fail(`${where}: label`)
  const key = row[o + 4]
  if (key !== null && typeof key !== "string") fail(`${where}: key`)
  const text = row[o + 5]
  if (text !== null && typeof text !== "string") fail(`${where}: text`)
  const time = row[o + 6]
  if (time !== null && !isFinite(time)) fail(`${where}: time`)
  if (!isUnit(row[o + 7])) fail(`${where}: confidence`)
  if (!isFinite(row[o + 8])) fail(`${where}: recency`)
  if (!isCount(row[o + 9])) fail(`${where}: accessCount`)
  if (!isUnit(row[o + 10])) fail(`${where}: surprise`)
  const cluster = row[o + 11]
  if (cluster !== null && !Number.isInteger(cluster)) fail(`${where}: cluster`)
  if (!isFinite(row[o + 12])) fail(`${where}: createdAt`)
  const kind = NODE_KINDS[row[o + 1] as number]!
  if (kind === "episode" ? !(id as string).startsWith("ep:") : (key ?? id) !== id) fail(`${where}: id does not match its kind and key`)
  return row
}

/** The node of a checked row. */
const makeNode = (row: ReadonlyArray<unknown>, o: number, importance: number): MemoryNode => {
  const id = row[o] as string
  return {
    id,
    kind: NODE_KINDS[row[o + 1] as number]!,
    tier: TIERS[row[o + 2] as number]!,
    label: row[o + 3] as string,
    key: (row[o + 4] as string | null) ?? id,
    text: row[o + 5] as string | null,
    time: row[o + 6] as number | null,
    importance,
    confidence: row[o + 7] as number,
    recency: row[o + 8] as number,
    accessCount: row[o + 9] as number,
    surprise: row[o + 10] as number,
    cluster: row[o + 11] as number | null,
    createdAt: row[o + 12] as number
  }
}

/** Shared strings and arrays of one decode (as a draft shares them). */
class Interner {
  private readonly relations = new Map<string, string>()
  private readonly provenances = new Map<string, ReadonlyArray<string>>()
  relation(r: string): string {
    const shared = this.relations.get(r)
    if (shared !== undefined) return shared
    this.relations.set(r, r)
    return r
  }
  provenance(p: ReadonlyArray<unknown>, where: string): ReadonlyArray<string> {
    if (p.length === 0) return EMPTY_PROVENANCE
    for (const x of p) if (typeof x !== "string") fail(`${where}: provenance`)
    const key = p.length === 1 ? (p[0] as string) : p.join("\u0000")
    const shared = this.provenances.get(key)
    if (shared !== undefined && shared.length === p.length && shared.every((x, i) => x === p[i])) return shared
    const frozen = Object.freeze(p.slice() as Array<string>)
    if (shared === undefined) this.provenances.set(key, frozen)
    return frozen
  }
}

/** The edge of the row at offset `o`, its ends resolved by `end` (fields checked; semantic checks are the caller's). */
const makeEdge = (row: unknown, o: number, end: (x: unknown, side: 0 | 1) => string, shared: Interner, where: string): Fact => {
  if (!isArray(row) || row.length < o + 16 || row.length > o + 18) return fail(`${where}: not an edge row`)
  const rawId = row[o]
  if (rawId !== null && (typeof rawId !== "string" || rawId.length === 0)) fail(`${where}: id`)
  if (!isCode(row[o + 1], 3)) fail(`${where}: kind`)
  const kind = EDGE_KINDS[row[o + 1] as number]!
  const subject = end(row[o + 2], 0)
  const relation = row[o + 3]
  if (typeof relation !== "string" || relation.length === 0) fail(`${where}: relation`)
  const object = end(row[o + 4], 1)
  const negated = row[o + 5]
  if (typeof negated !== "boolean") fail(`${where}: negated`)
  const weight = row[o + 6]
  if (!isUnit(weight)) fail(`${where}: weight`)
  const confidence = row[o + 7]
  if (!isUnit(confidence)) fail(`${where}: confidence`)
  const validFrom = row[o + 8]
  if (validFrom !== null && !isFinite(validFrom)) fail(`${where}: validFrom`)
  const validUntil = row[o + 9]
  if (validUntil !== null && !isFinite(validUntil)) fail(`${where}: validUntil`)
  const learnedAt = row[o + 10]
  if (!isFinite(learnedAt)) fail(`${where}: learnedAt`)
  const provenance = row[o + 11]
  if (!isArray(provenance)) fail(`${where}: provenance`)
  const useCount = row[o + 12]
  if (!isCount(useCount)) fail(`${where}: useCount`)
  const lastReinforced = row[o + 13]
  if (lastReinforced !== null && !isFinite(lastReinforced)) fail(`${where}: lastReinforced`)
  const solidified = row[o + 14]
  if (typeof solidified !== "boolean") fail(`${where}: solidified`)
  const supersededBy = row[o + 15]
  if (supersededBy !== null && typeof supersededBy !== "string") fail(`${where}: supersededBy`)
  const r = shared.relation(relation as string)
  const e: Fact = {
    id: (rawId as string | null) ?? defaultId(kind, subject, r, object, negated as boolean),
    kind,
    subject,
    relation: r,
    object,
    negated: negated as boolean,
    weight: weight as number,
    confidence: confidence as number,
    validFrom: validFrom as number | null,
    validUntil: validUntil as number | null,
    learnedAt: learnedAt as number,
    provenance: shared.provenance(provenance as ReadonlyArray<unknown>, where),
    useCount: useCount as number,
    lastReinforced: (lastReinforced as number | null) ?? (learnedAt as number),
    solidified: solidified as boolean,
    supersededBy: supersededBy as string | null
  }
  if (row.length === o + 16) return e
  const phrase = row[o + 16]
  if (phrase !== null && typeof phrase !== "string") fail(`${where}: phrase`)
  if (row.length === o + 17) return phrase === null ? fail(`${where}: phrase`) : { ...e, phrase: phrase as string }
  const change = row[o + 17]
  if (typeof change !== "boolean") fail(`${where}: change`)
  return { ...e, ...(phrase === null ? {} : { phrase: phrase as string }), change: change as boolean }
}

/** A sealed map with the given entries, its trie trimmed (`Hamt.trimAll`). */
const sealed = <V>(m: HashMap.HashMap<string, V>): HashMap.HashMap<string, V> => {
  const out = HashMap.endMutation(m)
  trimAll(rootOf(out))
  return out
}

/** A set of the given (distinct) ids, its trie trimmed. */
const setOf = (ids: ReadonlyArray<string>): HashSet.HashSet<string> => {
  const s = HashSet.fromIterable(ids)
  trimAll(setRoot(s))
  return s
}

/** A posting list while decoding: the nodes holding a term and their packed postings. */
interface Posting {
  readonly key: string
  readonly ids: Array<string>
  readonly packed: Array<number>
}

/** The vector store of checked rows (no index: the store trains one when it grows, as `VectorStore.decode` leaves it). */
const makeStore = (ids: ReadonlyArray<string>, vectors: Float32Array, dim: number): VectorStore.VectorStore => {
  if (ids.length === 0) return VectorStore.empty(dim)
  const P = VectorStore.PAGE_ROWS
  const pages: Array<VectorStore.Page> = []
  let index = HashMap.beginMutation(HashMap.empty<string, number>())
  for (let start = 0; start < ids.length; start += P) {
    const rows = Math.min(P, ids.length - start)
    const data = new Float32Array(P * dim)
    data.set(vectors.subarray(start * dim, (start + rows) * dim))
    const pageIds = new Array<string | undefined>(P)
    for (let r = 0; r < rows; r++) {
      pageIds[r] = ids[start + r]!
      index = HashMap.set(index, ids[start + r]!, start + r)
    }
    pages.push({ data, ids: pageIds, written: { high: rows }, dead: undefined })
  }
  return { dim, pages, rows: ids.length, size: ids.length, index: sealed(index), ann: undefined }
}

/** Largest deviation of a vector's squared norm from 1 that a stored (unit) vector may show. */
const UNIT_TOLERANCE = 1e-3

/**
 * The graph the parts describe, or a message saying what is wrong with them (see the module
 * doc for what is checked). Never throws.
 * @complexity O((n + m) log (n + m) + Σ text lengths + vectors · dim)
 */
export const decode = (graph: unknown, ids: unknown, vectors: unknown, dim: unknown): LG.LiquidGraph | string => {
  try {
    return build(graph, ids, vectors, dim)
  } catch (error) {
    if (error instanceof Bad) return error.message
    return `parts do not decode: ${String(error)}`
  }
}

const field = (x: object, key: string): unknown => (x as Record<string, unknown>)[key]

const build = (json: unknown, rawIds: unknown, rawVectors: unknown, rawDim: unknown): LG.LiquidGraph => {
  if (json === null || typeof json !== "object") return fail("graph: not an object")
  if (field(json, "format") !== "mags-parts/1") fail("graph: format is not mags-parts/1")
  const nodeRows = field(json, "nodes")
  const edgeRows = field(json, "edges")
  const aliasRows = field(json, "aliases")
  const learnedRows = field(json, "learned")
  const archivedNodeRows = field(json, "archivedNodes")
  const archivedEdgeRows = field(json, "archivedEdges")
  const tombstoneRows = field(json, "tombstones")
  if (!isArray(nodeRows) || !isArray(edgeRows) || !isArray(aliasRows) || !isArray(learnedRows) || !isArray(archivedNodeRows) ||
    !isArray(archivedEdgeRows) || !isArray(tombstoneRows)) return fail("graph: a part is not a list")
  if (!isCount(rawDim)) return fail("vectors: dim is not a count")
  const dim = rawDim
  if (!isArray(rawIds) || !(rawVectors instanceof Float32Array) || rawVectors.length !== rawIds.length * dim) {
    return fail(`vectors: ${isArray(rawIds) ? rawIds.length : "no"} ids for ${rawVectors instanceof Float32Array ? rawVectors.length : "no"} floats of dim ${dim}`)
  }
  if (rawIds.length > 0 && dim === 0) fail("vectors: dim 0")

  // active nodes: checked, indexed by id
  const n = nodeRows.length
  const rows: Array<ReadonlyArray<unknown>> = new Array(n)
  const position = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const row = checkNode(nodeRows[i], 0, `node ${i}`)
    const id = row[0] as string
    if (position.has(id)) fail(`node ${id} appears twice`)
    position.set(id, i)
    rows[i] = row
  }
  const isEpisode = (i: number): boolean => rows[i]![1] === 2

  // active edges: checked against their ends, indexes accumulated
  const shared = new Interner()
  const strength = new Float64Array(n)
  const outs: Array<Array<string> | undefined> = new Array(n)
  const incs: Array<Array<string> | undefined> = new Array(n)
  const slots = new Map<string, string | Array<string>>()
  let edges = HashMap.beginMutation(HashMap.empty<string, Fact>())
  // the row positions of the ends of the edge being read
  let si = 0
  let oi = 0
  const activeEnd = (x: unknown, side: 0 | 1): string => {
    if (!isCode(x, n)) return fail(`edge end ${String(x)} is not a node`)
    if (side === 0) si = x
    else oi = x
    return rows[x]![0] as string
  }
  for (let j = 0; j < edgeRows.length; j++) {
    const e = makeEdge(edgeRows[j], 0, activeEnd, shared, `edge ${j}`)
    const size = HashMap.size(edges)
    edges = HashMap.set(edges, e.id, e)
    if (HashMap.size(edges) === size) fail(`edge ${e.id} appears twice`)
    if (e.supersededBy !== null && e.validUntil === null) fail(`edge ${e.id}: superseded but not ended`)
    if (e.kind === "mention") {
      if (!isEpisode(si) || isEpisode(oi)) fail(`edge ${e.id}: a mention goes from an episode to a semantic node`)
    } else if (e.kind === "association") {
      if (FactM.isSequence(e)) {
        if (!isEpisode(si) || !isEpisode(oi) || e.id !== FactM.sequenceId(e.subject, e.object)) fail(`edge ${e.id}: a sequence link joins two episodes, id q|later|earlier`)
      } else if (!(e.subject < e.object)) fail(`edge ${e.id}: association not ordered`)
    }
    const q = LG.quantise(e.weight)
    strength[si] = strength[si]! + q
    strength[oi] = strength[oi]! + q
    ;(outs[si] ??= []).push(e.id)
    ;(incs[oi] ??= []).push(e.id)
    if (e.kind === "fact") {
      const k = FactM.slotKey(e.subject, e.relation)
      const cur = slots.get(k)
      if (cur === undefined) slots.set(k, e.id)
      else if (typeof cur === "string") slots.set(k, [cur, e.id])
      else cur.push(e.id)
    }
  }

  // nodes with their importance; adjacency
  let nodes = HashMap.beginMutation(HashMap.empty<string, MemoryNode>())
  let adjacency = HashMap.beginMutation(HashMap.empty<string, LG.Adjacency>())
  const outSets = new Map<string, HashSet.HashSet<string>>()
  const documents: Array<MemoryNode> = []
  for (let i = 0; i < n; i++) {
    const o = outs[i]
    const c = incs[i]
    const node = makeNode(rows[i]!, 0, o === undefined && c === undefined ? 0 : LG.importanceOf(strength[i]!, o?.length ?? 0))
    nodes = HashMap.set(nodes, node.id, node)
    documents.push(node)
    if (o === undefined && c === undefined) continue
    const out = o === undefined ? EMPTY_SET : setOf(o)
    if (o !== undefined) outSets.set(node.id, out)
    adjacency = HashMap.set(adjacency, node.id, { out, inc: c === undefined ? EMPTY_SET : setOf(c), strength: strength[i]! })
  }
  let slotMap = HashMap.beginMutation(HashMap.empty<string, LG.SlotEntry>())
  for (const [k, ids] of slots) {
    if (typeof ids === "string") {
      slotMap = HashMap.set(slotMap, k, ids)
      continue
    }
    // a slot holding all its subject's out-edges shares the out-set (an equal value), as drafts do
    const subject = HashMap.getUnsafe(edges, ids[0]!).subject
    const out = outSets.get(subject)
    slotMap = HashMap.set(slotMap, k, out !== undefined && HashSet.size(out) === ids.length ? out : setOf(ids))
  }

  // the archive
  const archivedNodes = new Map<string, LG.ArchivedNode>()
  for (let i = 0; i < archivedNodeRows.length; i++) {
    const row = checkNode(archivedNodeRows[i], 1, `archived node ${i}`)
    if (!isFinite(row[0])) fail(`archived node ${i}: archivedAt`)
    const node = makeNode(row, 1, 0)
    if (position.has(node.id) || archivedNodes.has(node.id)) fail(`node ${node.id} appears twice`)
    archivedNodes.set(node.id, { node, archivedAt: row[0] as number })
    documents.push(node)
  }
  let aliases = HashMap.beginMutation(HashMap.empty<string, string>())
  for (const pair of aliasRows) {
    if (!isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") return fail("alias: not a pair of ids")
    if (position.has(pair[0])) fail(`alias ${pair[0]} is a node`)
    const size = HashMap.size(aliases)
    aliases = HashMap.set(aliases, pair[0], pair[1])
    if (HashMap.size(aliases) === size) fail(`alias ${pair[0]} appears twice`)
  }
  const aliasMap = HashMap.endMutation(aliases)
  const archivedEnd = (x: unknown): string => {
    if (typeof x !== "string" || !(position.has(x) || archivedNodes.has(x) || HashMap.has(aliasMap, x))) return fail(`archived edge end ${String(x)} is not a node`)
    return x
  }
  const archivedEdges = new Map<string, LG.ArchivedEdge>()
  const incident = new Map<string, Array<string>>()
  for (let j = 0; j < archivedEdgeRows.length; j++) {
    const row = archivedEdgeRows[j]
    const e = makeEdge(row, 1, archivedEnd, shared, `archived edge ${j}`)
    const at = (row as ReadonlyArray<unknown>)[0]
    if (!isFinite(at)) fail(`archived edge ${j}: archivedAt`)
    if (HashMap.has(edges, e.id) || archivedEdges.has(e.id)) fail(`edge ${e.id} appears twice`)
    if (e.kind === "association" && !FactM.isSequence(e)) fail(`archived edge ${e.id}: an association other than a sequence link`)
    archivedEdges.set(e.id, { edge: e, archivedAt: at as number })
    ;(incident.get(e.subject) ?? incident.set(e.subject, []).get(e.subject)!).push(e.id)
    if (e.object !== e.subject) (incident.get(e.object) ?? incident.set(e.object, []).get(e.object)!).push(e.id)
  }

  // tombstones, learned relations
  let tombstones = HashSet.empty<string>()
  for (const t of tombstoneRows) {
    if (typeof t !== "string" || !TOMBSTONE.test(t)) return fail("tombstone: not 16 hex digits")
    tombstones = HashSet.add(tombstones, t)
  }
  if (HashSet.size(tombstones) > 0) {
    const forgotten = (id: string): void => {
      if (HashSet.has(tombstones, LG.tombstoneOf(id))) fail(`forgotten ${id} is present`)
    }
    for (const id of position.keys()) forgotten(id)
    for (const id of archivedNodes.keys()) forgotten(id)
    for (const id of HashMap.keys(edges)) forgotten(id)
    for (const id of archivedEdges.keys()) forgotten(id)
  }
  let learned = HashSet.empty<string>()
  for (const r of learnedRows) {
    if (typeof r !== "string" || r.length === 0) return fail("learned: not a relation")
    learned = HashSet.add(learned, r)
  }

  // the vectors: each a node's, once; finite and unit (or zero)
  const vectorIds = rawIds as ReadonlyArray<unknown>
  const seen = new Set<string>()
  for (let r = 0; r < vectorIds.length; r++) {
    const id = vectorIds[r]
    if (typeof id !== "string" || !(position.has(id) || archivedNodes.has(id))) return fail(`vector ${String(id)} belongs to no node`)
    if (seen.has(id)) fail(`vector ${id} appears twice`)
    seen.add(id)
    let s = 0
    for (let k = r * dim; k < (r + 1) * dim; k++) s += rawVectors[k]! * rawVectors[k]!
    if (!(s === 0 || Math.abs(s - 1) <= UNIT_TOLERANCE)) fail(`vector ${id} is neither unit nor zero`)
  }

  // the lexical index over every document, active and archived
  const postings = new Map<string, Posting>()
  let lexicalLength = 0
  for (const node of documents) {
    const { counts, length } = Text.termCounts(LG.documentText(node))
    lexicalLength += length
    const id = node.id
    for (const [term, tf] of counts) {
      const p = postings.get(term)
      const packed = LG.packPosting(tf, length)
      if (p === undefined) postings.set(term, { key: term === id ? id : term, ids: [id], packed: [packed] })
      else {
        p.ids.push(id)
        p.packed.push(packed)
      }
    }
  }
  let postingMap = HashMap.beginMutation(HashMap.empty<string, LG.PostingEntry>())
  for (const p of postings.values()) {
    if (p.ids.length === 1) {
      postingMap = HashMap.set(postingMap, p.key, p.ids[0]!)
      continue
    }
    let m = HashMap.beginMutation(HashMap.empty<string, number>())
    for (let k = 0; k < p.ids.length; k++) m = HashMap.set(m, p.ids[k]!, p.packed[k]!)
    postingMap = HashMap.set(postingMap, p.key, sealed(m))
  }

  let archivedNodeMap = HashMap.beginMutation(HashMap.empty<string, LG.ArchivedNode>())
  for (const [id, a] of archivedNodes) archivedNodeMap = HashMap.set(archivedNodeMap, id, a)
  let archivedEdgeMap = HashMap.beginMutation(HashMap.empty<string, LG.ArchivedEdge>())
  for (const [id, a] of archivedEdges) archivedEdgeMap = HashMap.set(archivedEdgeMap, id, a)
  let incidentMap = HashMap.beginMutation(HashMap.empty<string, HashSet.HashSet<string>>())
  for (const [id, es] of incident) incidentMap = HashMap.set(incidentMap, id, setOf(es))

  return LG.assemble({
    nodes: sealed(nodes),
    edges: sealed(edges),
    adjacency: sealed(adjacency),
    slots: sealed(slotMap),
    aliases: aliasMap,
    postings: sealed(postingMap),
    lexicalLength,
    vectors: makeStore(vectorIds as ReadonlyArray<string>, rawVectors, dim),
    learned,
    archivedNodes: sealed(archivedNodeMap),
    archivedEdges: sealed(archivedEdgeMap),
    archivedIncident: sealed(incidentMap),
    tombstones
  })
}
