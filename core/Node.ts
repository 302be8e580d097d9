/**
 * Node — an entity, concept or episode of the liquid graph.
 *
 * Semantic block: `entity` and `concept` nodes, identified by their normalised key (the id *is*
 * the key, so matching by key is a lookup). Episodic block: `episode` nodes (a dialogue turn, an
 * observation) with their text and world time, identified by `ep:<episode id>`; an episode links
 * to the semantic nodes it mentions through `mention` edges.
 *
 * Scores: `importance` is derived — Σ weights of incident edges × max(1, out-degree) — and
 * kept current by every transition; `confidence` ∈ [0,1]; `recency` is the system time of the
 * last access or update; `accessCount` counts recalls and re-engrams; `surprise` ∈ [0,1] is
 * how unexpected the node was when it was engrammed (1 − best similarity to what was known).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/** Memory block of a node kind. */
export type Block = "semantic" | "episodic"

/** What a node stands for. */
export const NodeKind = Schema.Literals(["entity", "concept", "episode"])
export type NodeKind = typeof NodeKind.Type

/** Working memory (recent context, token-bounded) or long-term memory. */
export const Tier = Schema.Literals(["working", "long-term"])
export type Tier = typeof Tier.Type

const Unit = Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 }))
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * The Schema of a node (its JSON form is the same plain object).
 * @since 0.1.0
 */
export const MemoryNode = Schema.Struct({
  id: Schema.NonEmptyString,
  kind: NodeKind,
  tier: Tier,
  label: Schema.String,
  key: Schema.String,
  text: Schema.NullOr(Schema.String),
  time: Schema.NullOr(Schema.Finite),
  importance: NonNegative,
  confidence: Unit,
  recency: Schema.Finite,
  accessCount: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  surprise: Unit,
  cluster: Schema.NullOr(Schema.Int),
  createdAt: Schema.Finite
})
export type MemoryNode = typeof MemoryNode.Type

/**
 * A new semantic node: `id` is its key (the caller normalises, see `Key.node`), no access yet,
 * confidence 1, long-term, recency and creation at `now`; `fields` override any of these.
 * @complexity O(1)
 * @example
 * ```ts
 * Node.semantic("alice", "Alice", now, { tier: "working" })
 * ```
 */
export const semantic = (id: string, label: string, now: number, fields: Partial<MemoryNode> = {}): MemoryNode => ({
  id, kind: "entity", tier: "long-term", label, key: id, text: null, time: null, importance: 0, confidence: 1,
  recency: now, accessCount: 0, surprise: 0, cluster: null, createdAt: now, ...fields
})

/**
 * A new episode node: `id` is its node id (see {@link episodeId}), its label the first 40
 * characters of `text`, in working memory, at world time `time`; `fields` override.
 * @complexity O(|text|)
 */
export const episode = (id: string, text: string, time: number | null, now: number, fields: Partial<MemoryNode> = {}): MemoryNode => ({
  id, kind: "episode", tier: "working", label: text.slice(0, 40), key: id, text, time, importance: 0, confidence: 1,
  recency: now, accessCount: 0, surprise: 0, cluster: null, createdAt: now, ...fields
})

/** The block a kind belongs to. @complexity O(1) */
export const block = (kind: NodeKind): Block => (kind === "episode" ? "episodic" : "semantic")

/** The id of the episode node for an episode id. @complexity O(1) */
export const episodeId = (id: string): string => "ep:" + id

/** Approximate token count of a node's content (4 characters a token), for working-memory budgets. */
export const tokens = (n: MemoryNode): number => Math.ceil(((n.text ?? n.label).length + 1) / 4)

/** The canonical string a node's fingerprint is taken from (field order fixed). */
export const canonical = (n: MemoryNode): string =>
  JSON.stringify([
    "n", n.id, n.kind, n.tier, n.label, n.key, n.text, n.time, n.importance, n.confidence, n.recency,
    n.accessCount, n.surprise, n.cluster, n.createdAt
  ])
