/**
 * Objective — what `npm run tune` minimises: one number per parameter record, lower is better.
 *
 * ```
 * objective = Σ_suite loss_suite  +  λ·cost  +  μ·size  +  ν·churn
 * ```
 *
 * - **loss** (per suite, in [0, 1]): `locomo` 1 − recall@10 (categories 1–4, turn level, pooled
 *   over the split's questions); `conflicts` 1 − strict accuracy (the case handled entirely
 *   right: detection, winner and history; triple families and natural-language cases together —
 *   detection accuracy alone let a run trade winner accuracy away unseen, see
 *   Histories/Conflicts.ts); `games` the mean over the worlds (nonsense, maze,
 *   kitchen) of 1 − score (win rate, goals per episode, meals per episode: each in [0, 1]).
 * - **cost**: work per query — recall's work (candidates scored + edges examined, `RecallCost`)
 *   plus the engram work of ingestion (graph changes) spread over the queries.
 * - **size**: (active nodes + active edges) per told item (episode, observation, statement).
 * - **churn**: graph changes per event (every engram, decay, prune, … step).
 *
 * Normalisation: each of cost, size and churn is taken per suite as the *ratio* to the same
 * figure of `Params.defaults` on the same suite and split (`x / x_defaults`; `1 + x` when the
 * defaults' figure is 0), then averaged over the suites that report it. At the defaults each
 * term is therefore exactly 1, and a term of 2 means "twice what the defaults spend". A suite
 * may leave a term out (`undefined`: the conflicts runner does not expose its graphs), and a
 * term no suite reports is 0.
 *
 * Constants: {@link LAMBDA} = {@link MU} = {@link NU} = 0.01 — small, so task loss dominates:
 * doubling the recall cost, the graph size or the churn costs as much as one point of recall@10
 * on one suite; the three penalties of the defaults sum to 0.03. A non-finite figure makes the
 * objective `+Infinity` (a candidate that throws is scored the same way by the tuner).
 *
 * @since 0.1.0
 */

// ── model ─────────────────────────────────────────────────────────────────────

/** λ: weight of the cost term. */
export const LAMBDA = 0.01
/** μ: weight of the size term. */
export const MU = 0.01
/** ν: weight of the churn term. */
export const NU = 0.01

/** What one suite measured under one parameter record on one split. */
export interface Figures {
  /** Task loss in [0, 1] (lower is better). */
  readonly loss: number
  /** Work per query (raw units; see the module doc); undefined when the suite cannot measure it. */
  readonly cost: number | undefined
  /** (Active nodes + edges) per told item; undefined when not measured. */
  readonly size: number | undefined
  /** Graph changes per event; undefined when not measured. */
  readonly churn: number | undefined
  /** Suite-specific figures for the report (recall@10, accuracy, per-world scores, counts…). */
  readonly metrics: Readonly<Record<string, number>>
}

/** The penalty terms. */
export type Penalty = "cost" | "size" | "churn"
export const PENALTIES: ReadonlyArray<Penalty> = ["cost", "size", "churn"]

/** The weight of each penalty term. */
export const WEIGHTS: Readonly<Record<Penalty, number>> = { cost: LAMBDA, size: MU, churn: NU }

/** One suite's share of the objective: its loss and its normalised penalty ratios. */
export interface SuiteTerms {
  readonly loss: number
  readonly cost: number | undefined
  readonly size: number | undefined
  readonly churn: number | undefined
}

/** The objective and every term of it. */
export interface Terms {
  /** The objective value. */
  readonly total: number
  /** Σ of the suites' losses. */
  readonly loss: number
  /** The normalised penalty terms (before weighting), averaged over the suites that report them. */
  readonly cost: number
  readonly size: number
  readonly churn: number
  /** Per suite. */
  readonly perSuite: Readonly<Record<string, SuiteTerms>>
}

// ── terms ─────────────────────────────────────────────────────────────────────

/**
 * A figure relative to the defaults' figure: `x / ref`, or `1 + x` when `ref` is 0.
 *
 * Laws: `ratio(x, x) == 1` for x > 0; `ratio(0, 0) == 1`; monotone increasing in `x`.
 * @complexity O(1)
 */
export const ratio = (x: number, ref: number): number => (ref > 0 ? x / ref : 1 + x)

const mean = (xs: ReadonlyArray<number>): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length)

/**
 * The objective of `figures` (suite → figures under a candidate) normalised by `reference`
 * (suite → figures under `Params.defaults` on the same split). A suite missing from `reference`
 * is normalised by itself (its penalty ratios are 1).
 *
 * Laws: `combine(r, r).total == Σ loss + (λ + μ + ν)` when every suite reports every term with
 * positive figures; the total is `+Infinity` when any loss or reported figure is not finite;
 * lowering one suite's loss lowers the total by the same amount.
 * @complexity O(suites)
 */
export const combine = (
  figures: Readonly<Record<string, Figures>>,
  reference: Readonly<Record<string, Figures>>
): Terms => {
  const perSuite: Record<string, SuiteTerms> = {}
  let finite = true
  for (const [suite, f] of Object.entries(figures)) {
    const ref = reference[suite] ?? f
    const term = (p: Penalty): number | undefined => {
      const x = f[p]
      if (x === undefined) return undefined
      const r = ref[p]
      if (!Number.isFinite(x) || (r !== undefined && !Number.isFinite(r))) {
        finite = false
        return Infinity
      }
      return ratio(x, r ?? x)
    }
    if (!Number.isFinite(f.loss)) finite = false
    perSuite[suite] = { loss: f.loss, cost: term("cost"), size: term("size"), churn: term("churn") }
  }
  const suites = Object.values(perSuite)
  const loss = suites.reduce((a, s) => a + s.loss, 0)
  const pen = (p: Penalty): number => mean(suites.map((s) => s[p]).filter((x): x is number => x !== undefined))
  const cost = pen("cost")
  const size = pen("size")
  const churn = pen("churn")
  const total = finite ? loss + LAMBDA * cost + MU * size + NU * churn : Infinity
  return { total, loss, cost, size, churn, perSuite }
}
