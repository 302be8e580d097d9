/**
 * Controller — the memory controller: what a memory-using agent decides about its memory at each
 * step, the features it decides from, the hand-written rule, and the learned policy's file
 * (MISSION feature 18: "a small memory-controller policy … trained with GRPO", the LLM frozen).
 *
 * Decisions (the {@link HEADS}; the first action of each head is the hand-written controller's):
 * - `recall` — how wide and deep to recall: `default` (the params as given), `shallow`
 *   (`maxDepth` ≤ 1, half the anchors: a cheap look at the query's own facts), `deep`
 *   (`maxDepth` + 2, twice the anchors and walk budget: reach facts several hops away) — as
 *   `reach` in the recall's input ({@link recallOverrides}, resolved by `Recall.reach`), which
 *   its event records;
 * - `trust` — which recalled facts to act on: `all`; `fresh` (drop the facts of a subject that
 *   memory last saw hold BEFORE that subject's latest surprise — evidence that predates a
 *   change of the world is suspect); `recent` (only facts seen within the last
 *   {@link RECENT_STEPS} steps);
 * - `engram` — which new observations to store: `all` (every new triple), or `novel` (new positive
 *   triples, and negative ones that contradict something believed; a negative that contradicts
 *   nothing is not stored). There is no "store nothing": a policy trained on short horizons
 *   learns it (memory costs now, forgetting costs later) and then forgets everything;
 * - `maintain` — whether to run the housekeeping now: `no`, or `yes` (decay over the time since
 *   the last housekeeping, prune, consolidate).
 *
 * Stages. The `recall` head decides BEFORE the recall, from the pre-recall features (the result
 * features read 0); the other heads decide after it, from all features. {@link features} builds
 * both vectors from one {@link Context}.
 *
 * What is a "surprise": an observation that contradicts a fact memory returned for the step (a
 * believed positive now seen negated, or another object of a single-valued relation). Steps are
 * the agent's decision steps (a game round, a conversational turn).
 *
 * The hand-written controller ({@link hand}) always takes each head's first action: the MAGS agent
 * as it ran before any learning. A learned controller is a {@link Policy.Policy} over
 * {@link SPEC}, stored in a {@link PolicyFile}.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Key from "./Key.ts"
import * as LiquidGraph from "./LiquidGraph.ts"
import * as Policy from "./Policy.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** The decisions and their actions (first = the hand-written controller's). */
export const HEADS = [
  { name: "recall", actions: ["default", "shallow", "deep"] },
  { name: "trust", actions: ["all", "fresh", "recent"] },
  { name: "engram", actions: ["all", "novel"] },
  { name: "maintain", actions: ["no", "yes"] }
] as const

/** A decision's name. */
export type HeadName = (typeof HEADS)[number]["name"]

/** The actions of a decision. */
export type ActionOf<H extends HeadName> = Extract<(typeof HEADS)[number], { name: H }>["actions"][number]

/** One action per decision. */
export interface Actions {
  readonly recall: ActionOf<"recall">
  readonly trust: ActionOf<"trust">
  readonly engram: ActionOf<"engram">
  readonly maintain: ActionOf<"maintain">
}

/** The heads decided before the recall (from the pre-recall features). */
export const PRE_RECALL: ReadonlyArray<HeadName> = ["recall"]
/** The heads decided after it. */
export const POST_RECALL: ReadonlyArray<HeadName> = ["trust", "engram", "maintain"]

/** The window of `trust: recent`, in steps. */
export const RECENT_STEPS = 32

/**
 * What the controller sees at a step. Counts are plain numbers; `since*` are steps since the
 * event (`undefined`: never happened). The `recalled*` fields describe the recall's result and
 * are ignored in the pre-recall stage.
 */
export interface Context {
  /** Words of the query. */
  readonly queryWords: number
  /** Fraction of the query's words (or the whole query) that are nodes of the graph, in [0, 1]. */
  readonly queryKnown: number
  readonly nodes: number
  readonly edges: number
  /** Steps since the latest surprise anywhere. */
  readonly sinceSurprise: number | undefined
  /** Steps since the latest surprise about the query's subject. */
  readonly sinceSubjectSurprise: number | undefined
  /** Exponential moving average of the step rewards (0 before any), in [-1, 1]. */
  readonly rewardRate: number
  /** The previous step's reward, in [-1, 1]. */
  readonly lastReward: number
  /** Steps since the last housekeeping (or since the start). */
  readonly sinceMaintain: number
  /** Facts the recall returned. */
  readonly recalled: number
  /** Of those, the fraction that are negations. */
  readonly recalledNegated: number
  /** Of those, the fraction last seen before their subject's latest surprise. */
  readonly recalledStale: number
  /** Of those, the fraction last seen more than {@link RECENT_STEPS} steps ago. */
  readonly recalledOld: number
}

/** The feature names, in input order. */
export const FEATURES = [
  "bias", "query_words", "query_known", "graph_nodes", "graph_edges", "since_surprise", "subject_surprise",
  "reward_rate", "last_reward", "since_maintain", "recalled", "recalled_negated", "recalled_stale", "recalled_old"
] as const

/** The number of result features (the last ones), zeroed in the pre-recall stage. */
const RESULT_FEATURES = 4

/** Default hidden units of a learned controller. */
export const HIDDEN = 8

/** The spec of a learned controller's policy. */
export const SPEC: Policy.Spec = { features: FEATURES, hidden: HIDDEN, heads: HEADS }

// ── features ──────────────────────────────────────────────────────────────────

const recency = (since: number | undefined, scale: number): number => (since === undefined ? 0 : Math.exp(-Math.max(0, since) / scale))
const clamp = (x: number, lo: number, hi: number): number => (Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : 0)

/**
 * The feature vector of a context: every entry in [-1, 1] (counts squashed by `log1p`, times
 * since an event by `exp(-Δ/scale)`). `stage: "pre"` zeroes the result features.
 * Laws: deterministic; `length === FEATURES.length`.
 * @complexity O(1)
 */
export const features = (c: Context, stage: "pre" | "post"): Array<number> => {
  const x = [
    1,
    clamp(Math.log1p(c.queryWords) / Math.log1p(32), 0, 1),
    clamp(c.queryKnown, 0, 1),
    clamp(Math.log1p(c.nodes) / Math.log1p(1e5), 0, 1),
    clamp(Math.log1p(c.edges) / Math.log1p(1e6), 0, 1),
    recency(c.sinceSurprise, 8),
    recency(c.sinceSubjectSurprise, 8),
    clamp(c.rewardRate, -1, 1),
    clamp(c.lastReward, -1, 1),
    1 - recency(c.sinceMaintain, 50),
    clamp(Math.log1p(c.recalled) / Math.log1p(64), 0, 1),
    clamp(c.recalledNegated, 0, 1),
    clamp(c.recalledStale, 0, 1),
    clamp(c.recalledOld, 0, 1)
  ]
  if (stage === "pre") for (let i = x.length - RESULT_FEATURES; i < x.length; i++) x[i] = 0
  return x
}

/** What a caller knows of its own history, in its own steps (game steps, turns, questions). */
export interface History {
  readonly sinceSurprise?: number | undefined
  /** Steps since the latest surprise about the query's own node (the query as a node key). */
  readonly sinceSubjectSurprise?: number | undefined
  readonly rewardRate?: number
  readonly lastReward?: number
  readonly sinceMaintain?: number
}

/**
 * The pre-recall context of `query` on `g` (the result fields 0): its words, the share of them
 * (or of the whole query) that are nodes, the graph's size, and what the caller knows (`h`;
 * absent: never happened, rewards 0).
 * @complexity O(query words)
 */
export const contextOf = (g: LiquidGraph.LiquidGraph, query: string, h: History = {}): Context => {
  const key = Key.node(query)
  const words = key.split(" ").filter((w) => w.length > 0)
  const known = LiquidGraph.hasNode(g, key) ? 1 : words.length === 0 ? 0 : words.filter((w) => LiquidGraph.hasNode(g, w)).length / words.length
  return {
    queryWords: words.length, queryKnown: known, nodes: LiquidGraph.nodeCount(g), edges: LiquidGraph.edgeCount(g),
    sinceSurprise: h.sinceSurprise, sinceSubjectSurprise: h.sinceSubjectSurprise, rewardRate: h.rewardRate ?? 0,
    lastReward: h.lastReward ?? 0, sinceMaintain: h.sinceMaintain ?? 0, recalled: 0, recalledNegated: 0, recalledStale: 0, recalledOld: 0
  }
}

// ── controllers ───────────────────────────────────────────────────────────────

/** A controller: the hand-written rule, or a learned policy over {@link SPEC}. */
export type Controller =
  | { readonly _tag: "Hand" }
  | { readonly _tag: "Learned"; readonly policy: Policy.Policy }

/** The hand-written controller: each head's first action, always. */
export const hand: Controller = { _tag: "Hand" }

/**
 * A learned controller; throws a `RangeError` when the policy's spec is not {@link SPEC}'s
 * features and heads (names and order; hidden units may differ).
 * @complexity O(features + actions)
 */
export const learned = (policy: Policy.Policy): Controller => {
  const s = policy.spec
  const same = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) => a.length === b.length && a.every((x, i) => x === b[i])
  if (!same(s.features, FEATURES)) throw new RangeError(`the policy's features (${s.features.join(", ")}) are not the controller's (${FEATURES.join(", ")})`)
  if (s.heads.length !== HEADS.length || !HEADS.every((h, i) => s.heads[i]!.name === h.name && same(s.heads[i]!.actions, h.actions))) {
    throw new RangeError("the policy's decisions are not the controller's (" + HEADS.map((h) => `${h.name}: ${h.actions.join("|")}`).join("; ") + ")")
  }
  return { _tag: "Learned", policy }
}

/** The first (hand-written) action of a head. */
export const handAction = <H extends HeadName>(head: H): ActionOf<H> =>
  HEADS.find((h) => h.name === head)!.actions[0] as ActionOf<H>

/**
 * The action of `head` for feature vector `x`: the hand-written one, or the learned policy's
 * most probable one (deterministic; a trainer samples with `Policy.sample` instead).
 * @complexity O(1) for the hand controller; a policy forward pass otherwise
 */
export const decide = <H extends HeadName>(c: Controller, head: H, x: ReadonlyArray<number>): ActionOf<H> =>
  c._tag === "Hand" ? handAction(head) : (Policy.greedy(c.policy, x, head) as ActionOf<H>)

/**
 * Picks the action of a decision from its feature vector at a step (a step of the caller's own
 * count): a controller's {@link decider}, or a trainer that samples and records.
 */
export type Decider = <H extends HeadName>(head: H, x: ReadonlyArray<number>, step: number) => ActionOf<H>

/** The hand-written controller as a {@link Decider}. */
export const handDecider: Decider = (head) => handAction(head)

/**
 * A controller as a {@link Decider} (the step is not read).
 * @complexity as {@link decide}
 */
export const decider = (c: Controller): Decider => (head, x) => decide(c, head, x)

/** What a `recall` action puts in a recall's input (`Recall.RecallInput.reach`). */
export interface RecallOverrides {
  readonly reach?: "shallow" | "deep"
}

/**
 * The recall-input field of a `recall` action: nothing for `default`, else `reach` (which recall
 * resolves against its params, `Recall.reach`). It goes INTO the recall's input, so its
 * `Recalled` event carries it and a replay recalls alike.
 * @complexity O(1)
 */
export const recallOverrides = (action: ActionOf<"recall">): RecallOverrides => (action === "default" ? {} : { reach: action })

// ── policy files ──────────────────────────────────────────────────────────────

/** The format tag of a controller policy file. */
export const FORMAT = "mags-controller/1"

/**
 * A learned controller's file (JSON): the format tag, the policy, and what it was trained on
 * (free-form, for the reader: suite, seed, iterations, the held-out figures…).
 */
export const PolicyFile = Schema.Struct({
  format: Schema.Literal(FORMAT),
  policy: Policy.PolicySchema,
  trained: Schema.Record(Schema.String, Schema.Unknown)
})
export type PolicyFile = typeof PolicyFile.Type

/**
 * The controller of a decoded policy file; throws a `RangeError` when the policy does not fit
 * {@link SPEC} (see {@link learned}) or `Policy.make`.
 * @complexity O(parameters)
 */
export const fromFile = (file: PolicyFile): Controller => learned(Policy.make(file.policy.spec, file.policy.theta))
