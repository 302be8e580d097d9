/**
 * Policy — a small stochastic policy: a feature vector in, one categorical distribution per
 * decision ("head") out (MISSION feature 18: the memory controller that GRPO trains).
 *
 * The model. Inputs `x ∈ ℝⁿ` (n = the spec's feature count), one hidden layer
 * `h = tanh(W₁x + b₁)` of `hidden` units, and for each head k a softmax over its actions
 * `π_k(·|x) = softmax(W_k h + V_k x + c_k)` — the hidden layer for interactions, a direct linear
 * path `V_k x` so that a policy with `hidden = 0` is plain multinomial logistic regression. Heads
 * are independent given `x` (a factored policy): the probability of a joint decision is the
 * product of its heads' probabilities, each head's log-probability and gradient are separate.
 *
 * All parameters live in ONE flat array `theta` whose layout is a function of the spec alone
 * (W₁ row-major, b₁, then per head W_k, V_k, c_k): an optimiser, a file and a gradient check see
 * one vector. A policy is a value; every function here is pure and deterministic, and draws no
 * random numbers — {@link sample} takes its uniform draws as arguments.
 *
 * Complexity: with n features, H hidden units and A actions over all heads, a forward pass and a
 * gradient are O(H·n + A·(H + n)); a policy file holds that many numbers.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

// ── model ─────────────────────────────────────────────────────────────────────

/** One decision of the policy: its name and its actions (at least one). */
export interface Head {
  readonly name: string
  readonly actions: ReadonlyArray<string>
}

/** The shape of a policy: its input features (by name), hidden units and heads. */
export interface Spec {
  readonly features: ReadonlyArray<string>
  readonly hidden: number
  readonly heads: ReadonlyArray<Head>
}

/** A policy: its spec and its parameters (`theta.length === size(spec)`). */
export interface Policy {
  readonly spec: Spec
  readonly theta: ReadonlyArray<number>
}

/** The schema of a spec (what a policy file stores). */
export const SpecSchema = Schema.Struct({
  features: Schema.Array(Schema.String),
  hidden: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 4096 })),
  heads: Schema.Array(Schema.Struct({ name: Schema.String, actions: Schema.Array(Schema.String).check(Schema.isMinLength(1)) }))
})

/** The schema of a policy (spec and finite parameters; {@link make} checks the length). */
export const PolicySchema = Schema.Struct({
  spec: SpecSchema,
  theta: Schema.Array(Schema.Finite)
})

// ── layout ────────────────────────────────────────────────────────────────────

/** Where a head's parameters start in `theta`, and its action count. */
interface HeadLayout {
  readonly w: number
  readonly v: number
  readonly c: number
  readonly actions: number
}

interface Layout {
  readonly n: number
  readonly hidden: number
  readonly w1: number
  readonly b1: number
  readonly heads: ReadonlyArray<HeadLayout>
  readonly size: number
}

const layoutOf = (spec: Spec): Layout => {
  const n = spec.features.length
  const hidden = spec.hidden
  let at = 0
  const w1 = at
  at += hidden * n
  const b1 = at
  at += hidden
  const heads = spec.heads.map((h): HeadLayout => {
    const a = h.actions.length
    const w = at
    at += a * hidden
    const v = at
    at += a * n
    const c = at
    at += a
    return { w, v, c, actions: a }
  })
  return { n, hidden, w1, b1, heads, size: at }
}

// ── constructors ──────────────────────────────────────────────────────────────

/**
 * The number of parameters of a policy of this spec.
 * @complexity O(heads)
 */
export const size = (spec: Spec): number => layoutOf(spec).size

/**
 * A policy from a spec and parameters; throws a `RangeError` when `theta` does not have
 * `size(spec)` finite numbers, when a head has no action, or head names repeat.
 * @complexity O(size)
 */
export const make = (spec: Spec, theta: ReadonlyArray<number>): Policy => {
  const want = size(spec)
  if (theta.length !== want) throw new RangeError(`a policy of this spec has ${want} parameters, not ${theta.length}`)
  if (theta.some((t) => !Number.isFinite(t))) throw new RangeError("policy parameters must be finite")
  const names = new Set<string>()
  for (const h of spec.heads) {
    if (h.actions.length === 0) throw new RangeError(`head "${h.name}" has no action`)
    if (names.has(h.name)) throw new RangeError(`head "${h.name}" appears twice`)
    names.add(h.name)
  }
  return { spec, theta: [...theta] }
}

/**
 * A policy whose every parameter is `init(i)` (e.g. small seeded noise for W₁), then whose head
 * biases are set by `bias(head, action)` (e.g. a log-prior that favours a reference action).
 * @complexity O(size)
 */
export const initial = (
  spec: Spec,
  init: (i: number) => number,
  bias: (head: string, action: string) => number = () => 0
): Policy => {
  const L = layoutOf(spec)
  const theta = Array.from({ length: L.size }, (_, i) => init(i))
  spec.heads.forEach((h, k) => {
    const hl = L.heads[k]!
    for (let a = 0; a < hl.actions; a++) theta[hl.c + a] = bias(h.name, h.actions[a]!)
    // The hidden-to-head and direct weights start at zero: the initial policy is its biases.
    for (let i = hl.w; i < hl.c; i++) theta[i] = 0
  })
  return make(spec, theta)
}

// ── getters ───────────────────────────────────────────────────────────────────

/**
 * The index of a head by name; throws a `RangeError` for an unknown head.
 * @complexity O(heads)
 */
export const headIndex = (spec: Spec, head: string): number => {
  const k = spec.heads.findIndex((h) => h.name === head)
  if (k < 0) throw new RangeError(`no head "${head}"`)
  return k
}

const hiddenOf = (p: Policy, L: Layout, x: ReadonlyArray<number>): Float64Array => {
  const h = new Float64Array(L.hidden)
  for (let j = 0; j < L.hidden; j++) {
    let s = p.theta[L.b1 + j]!
    const row = L.w1 + j * L.n
    for (let i = 0; i < L.n; i++) s += p.theta[row + i]! * x[i]!
    h[j] = Math.tanh(s)
  }
  return h
}

const softmax = (z: Float64Array): Float64Array => {
  let m = -Infinity
  for (const v of z) if (v > m) m = v
  let s = 0
  const out = new Float64Array(z.length)
  for (let i = 0; i < z.length; i++) {
    out[i] = Math.exp(z[i]! - m)
    s += out[i]!
  }
  for (let i = 0; i < z.length; i++) out[i] = out[i]! / s
  return out
}

const headProbs = (p: Policy, L: Layout, k: number, x: ReadonlyArray<number>, h: Float64Array): Float64Array => {
  const hl = L.heads[k]!
  const z = new Float64Array(hl.actions)
  for (let a = 0; a < hl.actions; a++) {
    let s = p.theta[hl.c + a]!
    const wr = hl.w + a * L.hidden
    for (let j = 0; j < L.hidden; j++) s += p.theta[wr + j]! * h[j]!
    const vr = hl.v + a * L.n
    for (let i = 0; i < L.n; i++) s += p.theta[vr + i]! * x[i]!
    z[a] = s
  }
  return softmax(z)
}

const checkInput = (L: Layout, x: ReadonlyArray<number>): void => {
  if (x.length !== L.n) throw new RangeError(`the policy reads ${L.n} features, not ${x.length}`)
}

/**
 * The distribution of one head at `x`: a probability per action, in the head's action order.
 * Laws: entries are positive and sum to 1 (within rounding).
 * @complexity O(H·n + A_k·(H + n))
 */
export const probs = (p: Policy, x: ReadonlyArray<number>, head: string): Array<number> => {
  const L = layoutOf(p.spec)
  checkInput(L, x)
  return Array.from(headProbs(p, L, headIndex(p.spec, head), x, hiddenOf(p, L, x)))
}

/**
 * `log π_head(action | x)`; throws a `RangeError` for an unknown action.
 * @complexity as {@link probs}
 */
export const logProb = (p: Policy, x: ReadonlyArray<number>, head: string, action: string): number => {
  const k = headIndex(p.spec, head)
  const a = p.spec.heads[k]!.actions.indexOf(action)
  if (a < 0) throw new RangeError(`head "${head}" has no action "${action}"`)
  return Math.log(probs(p, x, head)[a]!)
}

/**
 * The most probable action of a head (ties: the earlier action).
 * @complexity as {@link probs}
 */
export const greedy = (p: Policy, x: ReadonlyArray<number>, head: string): string => {
  const ps = probs(p, x, head)
  let best = 0
  for (let a = 1; a < ps.length; a++) if (ps[a]! > ps[best]!) best = a
  return p.spec.heads[headIndex(p.spec, head)]!.actions[best]!
}

/**
 * The action of a head drawn with the uniform draw `u ∈ [0, 1)` (inverse CDF over the actions in
 * their order). Laws: deterministic in `u`; over uniform `u`, action a is drawn with probability
 * `probs(p, x, head)[a]`.
 * @complexity as {@link probs}
 */
export const sample = (p: Policy, x: ReadonlyArray<number>, head: string, u: number): string => {
  const ps = probs(p, x, head)
  const actions = p.spec.heads[headIndex(p.spec, head)]!.actions
  let acc = 0
  for (let a = 0; a < ps.length; a++) {
    acc += ps[a]!
    if (u < acc) return actions[a]!
  }
  return actions[actions.length - 1]!
}

// ── gradients ─────────────────────────────────────────────────────────────────

/**
 * Adds `coef · ∇_θ log π_head(action | x)` to `grad` (which has `size(spec)` entries) and returns
 * `log π_head(action | x)`. Backpropagation through the softmax, the direct path and the tanh
 * layer; checked against central finite differences in the policy's tests.
 * @complexity as {@link probs}
 */
export const addGradLogProb = (
  p: Policy,
  x: ReadonlyArray<number>,
  head: string,
  action: string,
  coef: number,
  grad: Float64Array
): number => {
  const L = layoutOf(p.spec)
  checkInput(L, x)
  if (grad.length !== L.size) throw new RangeError(`the gradient needs ${L.size} entries, not ${grad.length}`)
  const k = headIndex(p.spec, head)
  const a = p.spec.heads[k]!.actions.indexOf(action)
  if (a < 0) throw new RangeError(`head "${head}" has no action "${action}"`)
  const h = hiddenOf(p, L, x)
  const pr = headProbs(p, L, k, x, h)
  const hl = L.heads[k]!
  const dh = new Float64Array(L.hidden)
  for (let b = 0; b < hl.actions; b++) {
    const d = coef * ((b === a ? 1 : 0) - pr[b]!) // ∂ log π_a / ∂ z_b, scaled
    if (d === 0) continue
    grad[hl.c + b] = grad[hl.c + b]! + d
    const wr = hl.w + b * L.hidden
    for (let j = 0; j < L.hidden; j++) {
      grad[wr + j] = grad[wr + j]! + d * h[j]!
      dh[j] = dh[j]! + d * p.theta[wr + j]!
    }
    const vr = hl.v + b * L.n
    for (let i = 0; i < L.n; i++) grad[vr + i] = grad[vr + i]! + d * x[i]!
  }
  for (let j = 0; j < L.hidden; j++) {
    const dpre = dh[j]! * (1 - h[j]! * h[j]!)
    if (dpre === 0) continue
    grad[L.b1 + j] = grad[L.b1 + j]! + dpre
    const row = L.w1 + j * L.n
    for (let i = 0; i < L.n; i++) grad[row + i] = grad[row + i]! + dpre * x[i]!
  }
  return Math.log(pr[a]!)
}

/**
 * The policy with parameters `theta` (same spec).
 * @complexity O(size)
 */
export const withTheta = (p: Policy, theta: ReadonlyArray<number>): Policy => make(p.spec, theta)
