/**
 * Reinforce — reward-based learning on the paths that served an answer.
 *
 * After an answer is judged, the shell passes the ids of the edges on the recall paths that
 * served it and a reward in [-1, 1]:
 * - **reward > 0**: each listed edge moves `reinforceRate · reward` of the way towards 1, its
 *   `useCount` grows by one and `lastReinforced` becomes `now` (`edgesStrengthened`). Its
 *   *competitors* — current, positive facts of the same slot (subject and relation) with a
 *   different object, not listed themselves (a listed positive fact has rivals; a negated fact
 *   agrees with every other object and has none) — lose `competitionRate · reward` of their weight
 *   (`edgesWeakened`): the answer that worked crowds out the alternatives (competitive
 *   plasticity). Competition is read only from listed edges that are current facts.
 * - **reward < 0**: each listed edge loses `reinforceRate · |reward|` of its weight (towards 0);
 *   no competition, no use counted.
 * - **reward = 0**: nothing happens (the identity).
 *
 * Solidified edges are the graph's settled knowledge (never decayed nor pruned): no weakening
 * touches them — neither a negative reward nor competition. A positive reward still counts
 * their use and may raise their weight.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { dual } from "effect/Function"
import * as Changes from "./Changes.ts"
import type { Step } from "./Changes.ts"
import { InvalidInput } from "./Errors.ts"
import * as FactM from "./Fact.ts"
import * as LiquidGraph from "./LiquidGraph.ts"
import type { Params } from "./Params.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * The input of {@link reinforce}: ids of the edges on the paths that served an answer, and the
 * reward the answer earned, in [-1, 1].
 *
 * @since 0.1.0
 */
export const ReinforceInput = Schema.Struct({
  edges: Schema.Array(Schema.String),
  reward: Schema.Finite.check(Schema.isBetween({ minimum: -1, maximum: 1 }))
})
export type ReinforceInput = typeof ReinforceInput.Type

// ── transitions ───────────────────────────────────────────────────────────────

const invalid = (message: string): InvalidInput => new InvalidInput({ transition: "reinforce", message })

/**
 * Strengthens (reward > 0) or weakens (reward < 0) the listed edges, and weakens their
 * competitors under a positive reward (see the module header). Duplicate ids count once;
 * changes are listed in id order.
 *
 * Laws:
 * - `reinforce(g, { edges, reward: 0 }).graph == g` (identity);
 * - reward > 0: no listed edge's weight falls, no unlisted edge's weight rises;
 * - reward < 0: no edge's weight rises, a solidified edge keeps its weight;
 * - weights stay in [0, 1]; the invariants hold; `g` is unchanged (persistence).
 *
 * @throws InvalidInput when `reward` is not a finite number in [-1, 1], or an id is not an edge
 * of the graph.
 * @complexity O(L · (log m + s)) for L listed edges whose slots hold s facts.
 * @example
 * ```ts
 * const { graph } = Reinforce.reinforce(g, { edges: recalled.facts[0]!.path.edges, reward: 1 }, params, now)
 * ```
 */
export const reinforce: {
  (input: ReinforceInput, params: Params, now: number): (graph: LiquidGraph.LiquidGraph) => Step
  (graph: LiquidGraph.LiquidGraph, input: ReinforceInput, params: Params, now: number): Step
} = dual(4, (graph: LiquidGraph.LiquidGraph, input: ReinforceInput, params: Params, now: number): Step => {
  const reward = input.reward
  if (typeof reward !== "number" || !Number.isFinite(reward) || reward < -1 || reward > 1) {
    throw invalid("reward must be a finite number in [-1, 1]")
  }
  if (typeof now !== "number" || !Number.isFinite(now)) throw invalid("now must be a finite number")
  if (!Array.isArray(input.edges)) throw invalid("edges must be an array of edge ids")
  for (const id of input.edges) {
    if (typeof id !== "string" || !LiquidGraph.hasEdge(graph, id)) throw invalid(`unknown edge ${String(id)}`)
  }
  const listed = Array.from(new Set(input.edges)).sort()
  if (reward === 0 || listed.length === 0) return { graph, changes: Changes.none }

  const d = LiquidGraph.draft(graph)
  const changes = new Changes.Collector()
  if (reward > 0) {
    const rate = params.reinforceRate * reward
    const isListed = new Set(listed)
    const competitors = new Set<string>()
    for (const id of listed) {
      const e = d.edge(id)!
      const weight = Math.min(1, e.weight + rate * (1 - e.weight))
      d.putEdge({ ...e, weight, useCount: e.useCount + 1, lastReinforced: now })
      changes.edgesStrengthened.push(id)
      // only a positive fact has rivals, and only positive ones: "X r B" does not compete with
      // "X r C is false" (they agree), and several negations of one slot are compatible
      if (e.kind !== "fact" || e.negated || !FactM.isCurrent(e)) continue
      for (const c of d.slot(e.subject, e.relation)) {
        if (!c.negated && c.object !== e.object && FactM.isCurrent(c) && !isListed.has(c.id)) competitors.add(c.id)
      }
    }
    const loss = params.competitionRate * reward
    for (const id of Array.from(competitors).sort()) {
      const c = d.edge(id)!
      if (c.solidified) continue
      const weight = Math.max(0, c.weight - loss * c.weight)
      if (weight === c.weight) continue
      d.putEdge({ ...c, weight })
      changes.edgesWeakened.push(id)
    }
  } else {
    const loss = params.reinforceRate * -reward
    for (const id of listed) {
      const e = d.edge(id)!
      if (e.solidified) continue
      const weight = Math.max(0, e.weight - loss * e.weight)
      if (weight === e.weight) continue
      d.putEdge({ ...e, weight })
      changes.edgesWeakened.push(id)
    }
  }
  return { graph: d.finish(), changes: changes.done() }
})
