/**
 * Decay — time weakens every edge, at a rate set by its neighbourhood and its recency.
 *
 * The rule (MISSION feature 7) is a Game-of-Life-like neighbourhood rule combined with
 * exponential time decay and a recency correction. For every edge `e` that is neither solidified
 * nor a record of the telling (`Fact.isRecord`: a mention or an episode sequence link — what was
 * said, and in what order, is not a learned strength and does not fade; an old episode leaves the
 * active graph through prune's inactivity rule instead):
 *
 * - base rate `λ = ln 2 / decayHalfLife` (per ms);
 * - neighbourhood: the *set* of edges incident to `e`'s subject or object, `e` itself excluded;
 *   a neighbour is *alive* when its weight ≥ `activeWeight`. Alive neighbours are counted on
 *   the INPUT graph, so every edge is updated simultaneously (like a Life generation). An edge
 *   parallel to `e` (same two endpoints) is counted once;
 * - fewer than `lifeLonely` or more than `lifeCrowded` alive neighbours (loneliness,
 *   overcrowding): `rate = λ · (1 + lifePenalty)`; otherwise (a living neighbourhood)
 *   `rate = λ · (1 − lifeSupport)`;
 * - recency correction: when `now − lastReinforced ≤ recencyWindow`,
 *   `rate · (1 − recencyProtection)`;
 * - `weight' = weight · exp(−rate · dt)`.
 *
 * Every factor of the rate is ≥ 0, so decay only ever multiplies a weight by a number in
 * (0, 1]: it never raises a weight. Solidified edges and records are untouched; superseded (historical)
 * facts decay like any other edge. Nodes are untouched except their derived `importance`, which
 * the draft recomputes (`recency` is access time, and decay is not an access).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { dual } from "effect/Function"
import { Collector, type Step } from "./Changes.ts"
import { InvalidInput } from "./Errors.ts"
import { type Fact, isRecord } from "./Fact.ts"
import * as LiquidGraph from "./LiquidGraph.ts"
import type { Params } from "./Params.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * The input of {@link decay}: `dt`, the elapsed system time in ms (finite, ≥ 0).
 * @since 0.1.0
 */
export const DecayInput = Schema.Struct({
  dt: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))
})
export type DecayInput = typeof DecayInput.Type

// ── getters ───────────────────────────────────────────────────────────────────

/** Rate class of an edge from its alive-neighbour count. */
export type LifeClass = "lonely" | "alive" | "crowded"

/**
 * The Life class of an edge with `n` alive neighbours.
 * Laws: `lifeClass(n) == "alive"` iff `lifeLonely ≤ n ≤ lifeCrowded`.
 * @complexity O(1)
 * @example
 * ```ts
 * Decay.lifeClass(0, Params.defaults) // "lonely"
 * ```
 */
export const lifeClass = (n: number, params: Params): LifeClass =>
  n < params.lifeLonely ? "lonely" : n > params.lifeCrowded ? "crowded" : "alive"

/**
 * The decay rate (per ms) of an edge with `aliveNeighbours` alive neighbours at time `now`.
 * Laws: `rate ≥ 0`; `rate == 0` for a solidified edge and for a record (mention, sequence link).
 * @complexity O(1)
 * @example
 * ```ts
 * Decay.rate(edge, 3, Params.defaults, now) // ln 2 / 14 days × (1 − 0.5), or less when recent
 * ```
 */
export const rate = (e: Fact, aliveNeighbours: number, params: Params, now: number): number => {
  if (e.solidified || isRecord(e)) return 0
  const base = Math.LN2 / params.decayHalfLife
  const life = lifeClass(aliveNeighbours, params) === "alive" ? 1 - params.lifeSupport : 1 + params.lifePenalty
  const recency = now - e.lastReinforced <= params.recencyWindow ? 1 - params.recencyProtection : 1
  return base * life * recency
}

/**
 * A counter of alive neighbours (see the module doc) for the edges of `edges`, built in one pass.
 *
 * Computed from per-node alive counts (`alive(v)` = alive edges incident to `v`) and per-pair
 * alive counts (`pair(s, o)` = alive edges between `s` and `o`, either direction):
 * `|N(e)| = alive(s) + alive(o) − pair(s, o) − [e alive]` by inclusion–exclusion, and
 * `alive(s) − [e alive]` for a self-loop. Nodes are numbered so that counts live in a typed array
 * and pairs are numeric keys.
 * Laws: agrees with the naive count over incident edge sets.
 * @complexity O(m) expected to build, O(1) expected per query, instead of O(average degree)
 * @example
 * ```ts
 * const count = Decay.aliveNeighbours(LiquidGraph.edges(g), Params.defaults)
 * count(edge) // 2
 * ```
 */
export const aliveNeighbours = (edges: ReadonlyArray<Fact>, params: Params): (e: Fact) => number => {
  const c = countAlive(edges, params)
  return (e: Fact): number => {
    const s = c.index.get(e.subject)
    const o = c.index.get(e.object)
    if (s === undefined || o === undefined) return 0
    return c.query(s, o, e.weight >= params.activeWeight ? 1 : 0)
  }
}

/** The per-node and per-pair alive counts behind {@link aliveNeighbours}, nodes numbered. */
interface AliveCounts {
  readonly index: Map<string, number>
  /** `ends[2k]`, `ends[2k+1]`: the numbers of the subject and object of `edges[k]`. */
  readonly ends: Int32Array
  /** Alive neighbours of an edge between node numbers `s` and `o`; `self` = 1 if it is alive. */
  readonly query: (s: number, o: number, self: number) => number
}

const countAlive = (edges: ReadonlyArray<Fact>, params: Params): AliveCounts => {
  const threshold = params.activeWeight
  const index = new Map<string, number>()
  const number = (id: string): number => {
    let i = index.get(id)
    if (i === undefined) {
      i = index.size
      index.set(id, i)
    }
    return i
  }
  const ends = new Int32Array(2 * edges.length)
  for (let k = 0; k < edges.length; k++) {
    ends[2 * k] = number(edges[k]!.subject)
    ends[2 * k + 1] = number(edges[k]!.object)
  }
  const n = index.size
  const perNode = new Int32Array(n)
  const perPair = new Map<number, number>()
  const pair = (a: number, b: number): number => (a < b ? a * n + b : b * n + a)
  for (let k = 0; k < edges.length; k++) {
    if (!(edges[k]!.weight >= threshold)) continue
    const s = ends[2 * k]!
    const o = ends[2 * k + 1]!
    perNode[s]!++
    if (o !== s) {
      perNode[o]!++
      const key = pair(s, o)
      perPair.set(key, (perPair.get(key) ?? 0) + 1)
    }
  }
  const query = (s: number, o: number, self: number): number =>
    s === o ? perNode[s]! - self : perNode[s]! + perNode[o]! - (perPair.get(pair(s, o)) ?? 0) - self
  return { index, ends, query }
}

// ── transitions ───────────────────────────────────────────────────────────────

const validate = (input: DecayInput, now: number): void => {
  if (typeof input?.dt !== "number" || !Number.isFinite(input.dt) || input.dt < 0) {
    throw new InvalidInput({ transition: "decay", message: `dt must be a finite number ≥ 0, got ${String(input?.dt)}` })
  }
  if (!Number.isFinite(now)) throw new InvalidInput({ transition: "decay", message: `now must be finite, got ${now}` })
}

/**
 * Decays every edge but the solidified ones and the records of the telling over `dt` ms (see the
 * module doc for the rule).
 *
 * Laws:
 * - `decay(g, 0) == g` (identity);
 * - no weight rises: `weight(decay(g, t), e) ≤ weight(g, e)`; solidified edges and records (mentions, sequence links) are unchanged;
 * - time composition, with `now` and the params fixed: when the set of alive edges of
 *   `decay(g, t1)` equals that of `g` (e.g. `activeWeight = 0`), or when
 *   `lifePenalty = lifeSupport = 0`, `decay(decay(g, t1), t2) == decay(g, t1 + t2)` up to float
 *   rounding. In general alive counts can only fall between the steps, so: with no crowded edge
 *   in `g`, `decay(decay(g, t1), t2) ≤ decay(g, t1 + t2)` edgewise (an edge can only turn
 *   lonely, i.e. faster); with `lifeLonely = 0`, `≥` (an edge can only leave crowding, i.e.
 *   slower). Neither inequality holds in general.
 * - `changes.edgesWeakened` lists, sorted by id, exactly the edges whose weight fell.
 *
 * @complexity O(m log m): O(m) to count neighbours and update, O(m log m) to sort the changes
 * @example
 * ```ts
 * const { graph } = Decay.decay(g, { dt: 14 * DAY }, { ...Params.defaults, lifeSupport: 0, lifePenalty: 0, recencyProtection: 0 }, now)
 * // every non-solidified weight is halved
 * ```
 */
export const decay: {
  (input: DecayInput, params: Params, now: number): (graph: LiquidGraph.LiquidGraph) => Step
  (graph: LiquidGraph.LiquidGraph, input: DecayInput, params: Params, now: number): Step
} = dual(4, (graph: LiquidGraph.LiquidGraph, input: DecayInput, params: Params, now: number): Step => {
  validate(input, now)
  const changes = new Collector()
  if (input.dt === 0) return { graph, changes: changes.done() }
  const edges = LiquidGraph.edges(graph)
  const { ends, query } = countAlive(edges, params)
  const threshold = params.activeWeight
  const d = LiquidGraph.draft(graph)
  for (let k = 0; k < edges.length; k++) {
    const e = edges[k]!
    if (e.solidified || e.weight === 0 || isRecord(e)) continue
    const alive = query(ends[2 * k]!, ends[2 * k + 1]!, e.weight >= threshold ? 1 : 0)
    const weight = e.weight * Math.exp(-rate(e, alive, params, now) * input.dt)
    if (weight < e.weight) {
      // `e` is the source's version and each edge is written once: no lookup needed
      d.replaceEdge(e, { ...e, weight })
      changes.edgesWeakened.push(e.id)
    }
  }
  if (changes.edgesWeakened.length === 0) return { graph, changes: changes.done() }
  // ids are strings: the default sort orders by UTF-16 code units, as `<` does
  changes.edgesWeakened.sort()
  return { graph: d.finish(), changes: changes.done() }
})
