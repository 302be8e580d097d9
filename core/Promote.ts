/**
 * Promote — moving items from working memory to long-term memory (MISSION feature 2).
 *
 * Working memory is the recent context (new episodes, newly learned nodes), bounded by a token
 * budget. An item leaves it in two ways:
 * - **promotion**: it proved itself — accessed at least `promoteAccesses` times, surprising at
 *   `promoteSurprise` or more, or important at `promoteImportance` or more;
 * - **demotion** by the budget: while the working tier's tokens ({@link Node.tokens}) exceed
 *   `workingTokens`, its least recent item (ties by id) leaves working memory.
 * Either way the node moves to the long-term tier; nothing is removed, no edge changes, and
 * nothing ever moves back (`promote` never sets a node to working).
 *
 * @since 0.1.0
 */
import { HashMap, Schema } from "effect"
import { dual } from "effect/Function"
import { type Changes, type Step, none } from "./Changes.ts"
import { InvalidInput } from "./Errors.ts"
import * as LiquidGraph from "./LiquidGraph.ts"
import * as Node from "./Node.ts"
import type { MemoryNode } from "./Node.ts"
import type { Params } from "./Params.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * The input of {@link promote}: nothing (all thresholds live in `Params`).
 * @since 0.1.0
 */
export const PromoteInput = Schema.Struct({})
export type PromoteInput = typeof PromoteInput.Type

// ── getters ───────────────────────────────────────────────────────────────────

/**
 * Whether a working-memory node has earned long-term memory by use, surprise or importance.
 * **Laws**: monotone in each score; independent of the node's tier.
 * @complexity O(1)
 * @example
 * ```ts
 * Promote.deserves({ ...node, accessCount: 5 }, Params.defaults) // true
 * ```
 */
export const deserves = (n: MemoryNode, params: Params): boolean =>
  n.accessCount >= params.promoteAccesses || n.surprise >= params.promoteSurprise || n.importance >= params.promoteImportance

/**
 * The total tokens of the working tier.
 * **Laws**: `workingTokens(promote(g).graph) <= params.workingTokens`.
 * @complexity O(n)
 * @example
 * ```ts
 * Promote.workingTokens(LiquidGraph.empty()) // 0
 * ```
 */
export const workingTokens = (g: LiquidGraph.LiquidGraph): number => {
  let total = 0
  for (const n of HashMap.values(g.nodes)) if (n.tier === "working") total += Node.tokens(n)
  return total
}

// ── transitions ───────────────────────────────────────────────────────────────

const byId = (a: MemoryNode, b: MemoryNode): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

const run = (g: LiquidGraph.LiquidGraph, _input: PromoteInput, params: Params, now: number): Step => {
  if (!Number.isFinite(now)) throw new InvalidInput({ transition: "promote", message: `now must be finite, got ${now}` })
  const working: Array<MemoryNode> = []
  for (const n of HashMap.values(g.nodes)) if (n.tier === "working") working.push(n)
  if (working.length === 0) return { graph: g, changes: none }
  working.sort(byId)
  const promoted: Array<string> = []
  const staying: Array<MemoryNode> = []
  let tokens = 0
  for (const n of working) {
    if (deserves(n, params)) promoted.push(n.id)
    else {
      staying.push(n)
      tokens += Node.tokens(n)
    }
  }
  const demoted: Array<string> = []
  if (tokens > params.workingTokens) {
    staying.sort((a, b) => a.recency - b.recency || byId(a, b))
    for (const n of staying) {
      if (tokens <= params.workingTokens) break
      demoted.push(n.id)
      tokens -= Node.tokens(n)
    }
  }
  if (promoted.length === 0 && demoted.length === 0) return { graph: g, changes: none }
  const d = LiquidGraph.draft(g)
  for (const id of [...promoted, ...demoted]) d.putNode({ ...d.node(id)!, tier: "long-term" })
  const changes: Changes = { ...none, promoted, demoted }
  return { graph: d.finish(), changes }
}

/**
 * Moves working-memory nodes to long-term memory: first every node that {@link deserves} it
 * (`changes.promoted`, by id), then, while the working tier is over its token budget, the least
 * recent remaining ones (`changes.demoted`, least recent first, ties by id).
 *
 * **Laws**
 * - idempotent: `promote(promote(g)) == promote(g)`;
 * - within budget: `workingTokens(promote(g)) <= workingTokens` param;
 * - one way: no node leaves the long-term tier;
 * - only tiers change: same node ids, same edges, same vectors;
 * - invariants hold; `g` is unchanged (persistence).
 *
 * @complexity O(n + w log w) for n nodes, w of them in working memory.
 * @example
 * ```ts
 * const { graph, changes } = Promote.promote(g, {}, Params.defaults, now)
 * changes.promoted // ["alice", "ep:t1"]
 * ```
 * @since 0.1.0
 */
export const promote: {
  (input: PromoteInput, params: Params, now: number): (g: LiquidGraph.LiquidGraph) => Step
  (g: LiquidGraph.LiquidGraph, input: PromoteInput, params: Params, now: number): Step
} = dual(4, run)
