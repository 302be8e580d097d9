/**
 * Grpo — Group Relative Policy Optimization as the seeds define it, for a `core/Policy` policy,
 * and the Adam optimiser that applies its gradient. Pure and deterministic: no clock, no draws.
 *
 * Data. A GROUP is G rollouts of the same situation (the same world, seed and memory state), each
 * a list of decisions `(x, head, action, log π_old)` sampled from the policy before the update,
 * and a return `R_i`. The group-relative advantage of rollout i is
 *
 *     Â_i = (R_i − mean_j R_j) / max(std_j R_j, σ_min)       (every decision of rollout i gets Â_i)
 *
 * — the seeds' `Â_t = A_t − mean over the group` (seed 000, "Mathematical Formulation — GRPO"),
 * scaled by the group's spread as DeepSeek's GRPO does, so that groups of different reward scales
 * weigh alike — but never by less than `σ_min` (`stdFloor`): without the floor, a group whose
 * rollouts differ only by a tiny tie-break term (a few nodes of memory) gets advantages of ±1 like
 * a group that differs by wins, and the policy learns to trade wins it cannot see within the
 * horizon for memory it can. A group whose returns are all equal teaches nothing (all Â = 0).
 *
 * Objective (maximised), the mean over every decision d of every rollout of every group:
 *
 *     L(θ) = E_d [ min(r_d Â, clip(r_d, 1 − ε, 1 + ε) Â) ] − β · E_d [ KL_d ]
 *     r_d = π_θ(a_d | x_d) / π_old(a_d | x_d)
 *     KL_d = π_ref/π_θ − log(π_ref/π_θ) − 1        (at a_d: the unbiased, non-negative k3 estimate
 *                                                    of KL(π_θ ‖ π_ref) GRPO uses)
 *
 * Its gradient per decision is `w_d ∇ log π_θ(a_d | x_d)` with
 * `w_d = Â r_d` when the clip is inactive (`Â ≥ 0 ∧ r_d ≤ 1 + ε` or `Â < 0 ∧ r_d ≥ 1 − ε`), else 0,
 * minus `β (1 − π_ref/π_θ)` (the KL term's derivative in log π_θ).
 *
 * @complexity one {@link step} is O(decisions · policy forward pass)
 */
import * as Policy from "../../core/Policy.ts"

/** One sampled decision of a rollout. */
export interface Decision {
  readonly x: ReadonlyArray<number>
  readonly head: string
  readonly action: string
  /** `log π_old(action | x)`: the log-probability it was sampled with. */
  readonly logpOld: number
}

/** One rollout: its decisions and its return. */
export interface Rollout {
  readonly decisions: ReadonlyArray<Decision>
  readonly ret: number
}

/** GRPO's settings. */
export interface Settings {
  /** ε: the clip range of the probability ratio. */
  readonly clip: number
  /** β: the weight of the KL term to the reference policy. */
  readonly beta: number
  /** σ_min: the least spread a group's returns are divided by (in return units). */
  readonly stdFloor: number
}

export const DEFAULTS: Settings = { clip: 0.2, beta: 0.05, stdFloor: 0.25 }

/**
 * The group-relative advantages of a group's returns: `(R_i − mean) / max(std, stdFloor)`
 * (population standard deviation). Laws: they sum to 0; all 0 when the returns are equal;
 * invariant to adding a constant to every return; a group spread wider than the floor gets
 * advantages of unit standard deviation.
 * @complexity O(G)
 */
export const advantages = (returns: ReadonlyArray<number>, stdFloor = DEFAULTS.stdFloor): Array<number> => {
  const n = returns.length
  if (n === 0) return []
  const mean = returns.reduce((a, b) => a + b, 0) / n
  const variance = returns.reduce((a, b) => a + (b - mean) * (b - mean), 0) / n
  const std = Math.sqrt(variance)
  if (std === 0) return returns.map(() => 0)
  return returns.map((r) => (r - mean) / Math.max(std, stdFloor))
}

/** What one evaluation of the objective found. */
export interface Evaluation {
  /** L(θ): the clipped surrogate minus β · KL (to maximise). */
  readonly objective: number
  readonly surrogate: number
  /** Mean k3 estimate of KL(π_θ ‖ π_ref). */
  readonly kl: number
  /** Fraction of decisions whose ratio was clipped. */
  readonly clipped: number
  /** ∇_θ L(θ). */
  readonly gradient: Float64Array
}

/**
 * The GRPO objective and its gradient at `policy`, for groups of rollouts sampled from `π_old`,
 * against the reference policy `reference` (same spec).
 * Laws: with `policy = π_old`, every ratio is 1 and the surrogate is the mean advantage weighted
 * by decisions; the gradient matches central finite differences of `objective` away from the
 * clip boundaries (tested).
 * @complexity O(decisions · forward pass)
 */
export const evaluate = (
  policy: Policy.Policy,
  reference: Policy.Policy,
  groups: ReadonlyArray<ReadonlyArray<Rollout>>,
  settings: Settings = DEFAULTS
): Evaluation => {
  const gradient = new Float64Array(policy.theta.length)
  let count = 0
  for (const g of groups) for (const r of g) count += r.decisions.length
  if (count === 0) return { objective: 0, surrogate: 0, kl: 0, clipped: 0, gradient }
  let surrogate = 0, kl = 0, clipped = 0
  const scratch = new Float64Array(policy.theta.length)
  for (const group of groups) {
    const adv = advantages(group.map((r) => r.ret), settings.stdFloor)
    group.forEach((rollout, i) => {
      const A = adv[i]!
      for (const d of rollout.decisions) {
        const logp = Policy.logProb(policy, d.x, d.head, d.action)
        const logRef = Policy.logProb(reference, d.x, d.head, d.action)
        const ratio = Math.exp(logp - d.logpOld)
        const clippedRatio = Math.min(1 + settings.clip, Math.max(1 - settings.clip, ratio))
        surrogate += Math.min(ratio * A, clippedRatio * A)
        const active = A >= 0 ? ratio <= 1 + settings.clip : ratio >= 1 - settings.clip
        if (!active) clipped++
        const refOverPi = Math.exp(logRef - logp)
        kl += refOverPi - (logRef - logp) - 1
        const w = (active ? A * ratio : 0) - settings.beta * (1 - refOverPi)
        if (w !== 0) {
          scratch.fill(0)
          Policy.addGradLogProb(policy, d.x, d.head, d.action, 1, scratch)
          for (let j = 0; j < gradient.length; j++) gradient[j] = gradient[j]! + w * scratch[j]!
        }
      }
    })
  }
  for (let j = 0; j < gradient.length; j++) gradient[j] = gradient[j]! / count
  surrogate /= count
  kl /= count
  return { objective: surrogate - settings.beta * kl, surrogate, kl, clipped: clipped / count, gradient }
}

// ── Adam ──────────────────────────────────────────────────────────────────────

/** Adam's state: first and second moment estimates and the step count. */
export interface AdamState {
  readonly m: ReadonlyArray<number>
  readonly v: ReadonlyArray<number>
  readonly t: number
}

export interface AdamSettings {
  readonly lr: number
  readonly beta1: number
  readonly beta2: number
  readonly epsilon: number
}

export const ADAM: AdamSettings = { lr: 0.02, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }

export const adamInit = (n: number): AdamState => ({ m: new Array<number>(n).fill(0), v: new Array<number>(n).fill(0), t: 0 })

/**
 * One Adam step of gradient ASCENT on `theta` along `gradient` (bias-corrected moments).
 * Laws: a zero gradient from a zero state leaves `theta` unchanged; each coordinate moves by at
 * most about `lr`.
 * @complexity O(n)
 */
export const adamStep = (
  theta: ReadonlyArray<number>,
  gradient: ArrayLike<number>,
  state: AdamState,
  s: AdamSettings = ADAM
): { readonly theta: Array<number>; readonly state: AdamState } => {
  const t = state.t + 1
  const m = state.m.map((mi, j) => s.beta1 * mi + (1 - s.beta1) * gradient[j]!)
  const v = state.v.map((vi, j) => s.beta2 * vi + (1 - s.beta2) * gradient[j]! * gradient[j]!)
  const c1 = 1 - Math.pow(s.beta1, t)
  const c2 = 1 - Math.pow(s.beta2, t)
  const next = theta.map((th, j) => th + s.lr * (m[j]! / c1) / (Math.sqrt(v[j]! / c2) + s.epsilon))
  return { theta: next, state: { m, v, t } }
}

/**
 * `epochs` Adam steps on the GRPO objective of `groups` (sampled from `old`), starting at `policy`:
 * the inner loop of one GRPO iteration. Returns the new policy, the optimiser state and the last
 * evaluation.
 * @complexity O(epochs · decisions · forward pass)
 */
export const update = (
  policy: Policy.Policy,
  reference: Policy.Policy,
  groups: ReadonlyArray<ReadonlyArray<Rollout>>,
  state: AdamState,
  epochs: number,
  settings: Settings = DEFAULTS,
  adam: AdamSettings = ADAM
): { readonly policy: Policy.Policy; readonly state: AdamState; readonly evaluation: Evaluation } => {
  let p = policy
  let st = state
  let ev = evaluate(p, reference, groups, settings)
  for (let e = 0; e < epochs; e++) {
    const next = adamStep(p.theta, ev.gradient, st, adam)
    p = Policy.withTheta(p, next.theta)
    st = next.state
    ev = evaluate(p, reference, groups, settings)
  }
  return { policy: p, state: st, evaluation: ev }
}
