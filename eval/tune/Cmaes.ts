/**
 * Cmaes — the derivative-free optimiser of `npm run tune`: the (μ/μ_w, λ) covariance matrix
 * adaptation evolution strategy (CMA-ES), with rank-one and rank-μ covariance updates,
 * cumulative step-size adaptation (CSA), box constraints through a mirror transform, IPOP
 * restarts, and an evaluation budget.
 *
 * Why our own: no maintained CMA-ES or TPE package exists on npm (checked: `cmaes`, `cma-es`,
 * `cma`, `tpe` do not exist; `fmin` is Nelder–Mead and conjugate gradient, unmaintained;
 * `hyperparameters` is an untyped, unmaintained hyperopt port; `optimization-js` ships build
 * tools as runtime dependencies). The algorithm and its default constants follow N. Hansen,
 * "The CMA Evolution Strategy: A Tutorial" (arXiv:1604.00772), written from the equations.
 *
 * Determinism: all randomness comes from the `Uniform` source the caller passes (the shared
 * seeded PRNG); Gaussian draws are Box–Muller transforms of it; ranking breaks ties by index.
 * The same source state and the same objective values give the same points, bit for bit.
 *
 * Box constraints: the strategy searches an unbounded *genotype* space; the point handed to the
 * objective (the *phenotype*) is the genotype mirrored into the box, coordinate by coordinate
 * (`reflect`: a triangle wave of period 2·(hi − lo), the identity inside the box). The update
 * uses the genotypes, so the sampling distribution is not biased by a repair, and the objective
 * only ever sees points inside the box. An optimum on a bound is reached from both sides.
 *
 * @since 0.1.0
 */
import { Rng } from "../baselines/Prng.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** A source of uniform numbers in [0, 1): the shared seeded PRNG, never `Math.random`. */
export interface Uniform {
  next(): number
}

/** A closed box: `lower[i] <= x[i] <= upper[i]`, with `lower[i] < upper[i]`. */
export interface Bounds {
  readonly lower: ReadonlyArray<number>
  readonly upper: ReadonlyArray<number>
}

/** How a strategy is started. */
export interface Options {
  /** The initial mean (inside `bounds` when given). */
  readonly x0: ReadonlyArray<number>
  /** The initial step size (in the units of `x0`; for a [0,1] box, 0.2–0.3 is customary). */
  readonly sigma0: number
  readonly bounds?: Bounds
  /** λ, the population size; default `4 + ⌊3 ln n⌋`. */
  readonly popSize?: number
}

/** Why a strategy stopped making progress (a run ends; {@link minimize} may restart). */
export type StopReason =
  | "tolFun" // best values of recent generations and of this one all within tolFun
  | "tolX" // σ times every coordinate's standard deviation below tolX
  | "conditionCov" // the covariance matrix's condition number above 1e14
  | "noEffectAxis" // adding 0.1 σ along a principal axis does not change the mean
  | "sigmaDiverged" // σ grew beyond 1e8 × σ0 (an unbounded objective)

/** One generation's record. */
export interface Generation {
  /** 0-based over the whole {@link minimize} call (restarts continue the count). */
  readonly generation: number
  /** Which run (0 = the first, then one per restart). */
  readonly run: number
  /** Evaluations so far, this generation's included. */
  readonly evaluations: number
  /** The best objective value of this generation. */
  readonly best: number
  /** The mean objective value of this generation (over its finite values; `Infinity` if none). */
  readonly mean: number
  /** The best objective value so far, all runs together. */
  readonly bestSoFar: number
  /** σ after this generation's update. */
  readonly sigma: number
  readonly popSize: number
}

// ── numerics ──────────────────────────────────────────────────────────────────

/**
 * Mirrors `x` into `[lo, hi]`: identity inside, reflected at each bound (a triangle wave of
 * period 2·(hi − lo)).
 *
 * Laws: `lo <= reflect(x, lo, hi) <= hi`; `reflect(x) == x` for x in [lo, hi];
 * `reflect(lo - d) == reflect(lo + d)`; `reflect(x + 2(hi − lo)) == reflect(x)`.
 * @complexity O(1)
 */
export const reflect = (x: number, lo: number, hi: number): number => {
  if (x >= lo && x <= hi) return x
  const w = hi - lo
  let t = (x - lo) % (2 * w)
  if (t < 0) t += 2 * w
  const y = t <= w ? lo + t : hi - (t - w)
  return Math.min(hi, Math.max(lo, y))
}

/** A standard normal draw from two uniforms (Box–Muller), caching the second. */
class Gaussian {
  private spare: number | undefined = undefined
  private readonly u: Uniform
  constructor(u: Uniform) {
    this.u = u
  }
  next(): number {
    if (this.spare !== undefined) {
      const s = this.spare
      this.spare = undefined
      return s
    }
    const u1 = 1 - this.u.next() // (0, 1]: ln is finite
    const u2 = this.u.next()
    const r = Math.sqrt(-2 * Math.log(u1))
    this.spare = r * Math.sin(2 * Math.PI * u2)
    return r * Math.cos(2 * Math.PI * u2)
  }
}

/**
 * Eigendecomposition of a symmetric matrix by cyclic Jacobi rotations: `a = V diag(d) Vᵀ`,
 * `V`'s columns the eigenvectors. Deterministic, accurate to working precision for the small
 * matrices (n ≲ 100) a tuner uses.
 *
 * @complexity O(n³) per sweep, a handful of sweeps
 */
export const symmetricEigen = (
  a: ReadonlyArray<Float64Array>
): { readonly values: Float64Array; readonly vectors: Array<Float64Array> } => {
  const n = a.length
  const m = a.map((row) => Float64Array.from(row))
  const v = Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(n)
    row[i] = 1
    return row
  })
  const at = (i: number, j: number): number => m[i]![j]!
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    let diag = 0
    for (let i = 0; i < n; i++) {
      diag += at(i, i) * at(i, i)
      for (let j = i + 1; j < n; j++) off += at(i, j) * at(i, j)
    }
    if (off <= 1e-30 * diag || off === 0) break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = at(p, q)
        if (apq === 0) continue
        const theta = (at(q, q) - at(p, p)) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const mkp = at(k, p)
          const mkq = at(k, q)
          m[k]![p] = c * mkp - s * mkq
          m[k]![q] = s * mkp + c * mkq
        }
        for (let k = 0; k < n; k++) {
          const mpk = at(p, k)
          const mqk = at(q, k)
          m[p]![k] = c * mpk - s * mqk
          m[q]![k] = s * mpk + c * mqk
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!
          const vkq = v[k]![q]!
          v[k]![p] = c * vkp - s * vkq
          v[k]![q] = s * vkp + c * vkq
        }
      }
    }
  }
  const values = Float64Array.from({ length: n }, (_, i) => at(i, i))
  return { values, vectors: v }
}

// ── the strategy ──────────────────────────────────────────────────────────────

/**
 * One CMA-ES run, ask/tell: `ask()` a population, evaluate it, `tell(values)` in the same
 * order. Minimises.
 *
 * Laws: every point `ask()` returns lies inside `bounds`; the same `Uniform` state and the same
 * told values give the same sequence of points; `tell` requires exactly the last `ask`'s count.
 * @complexity ask O(λ n²); tell O(λ n² + n³ every few generations (eigendecomposition))
 */
export class Strategy {
  readonly n: number
  readonly lambda: number
  readonly mu: number
  readonly weights: Float64Array
  readonly muEff: number
  readonly bounds: Bounds | undefined
  private readonly cSigma: number
  private readonly dSigma: number
  private readonly cc: number
  private readonly c1: number
  private readonly cMu: number
  private readonly chiN: number
  private readonly eigenEvery: number
  private readonly gauss: Gaussian
  readonly sigma0: number

  private m: Float64Array
  private sigmaValue: number
  private pSigma: Float64Array
  private pc: Float64Array
  private c: Array<Float64Array>
  private b: Array<Float64Array>
  private d: Float64Array
  private invSqrtC: Array<Float64Array>
  private sinceEigen = 0
  private generationValue = 0
  private pending: Array<Float64Array> | undefined = undefined
  private recentBest: Array<number> = []
  private lastValues: Array<number> = []

  constructor(options: Options, uniform: Uniform) {
    checkOptions(options)
    const n = options.x0.length
    this.n = n
    this.bounds = options.bounds
    this.sigma0 = options.sigma0
    this.gauss = new Gaussian(uniform)
    const lambda = options.popSize ?? 4 + Math.floor(3 * Math.log(n))
    if (!(Number.isInteger(lambda) && lambda >= 2)) throw new RangeError("Cmaes: popSize must be an integer >= 2")
    this.lambda = lambda
    this.mu = Math.floor(lambda / 2)
    const raw = Array.from({ length: this.mu }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1))
    const sum = raw.reduce((a, w) => a + w, 0)
    this.weights = Float64Array.from(raw, (w) => w / sum)
    this.muEff = 1 / this.weights.reduce((a, w) => a + w * w, 0)
    const mueff = this.muEff
    this.cSigma = (mueff + 2) / (n + mueff + 5)
    this.dSigma = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + this.cSigma
    this.cc = (4 + mueff / n) / (n + 4 + (2 * mueff) / n)
    this.c1 = 2 / ((n + 1.3) ** 2 + mueff)
    this.cMu = Math.min(1 - this.c1, (2 * (mueff - 2 + 1 / mueff)) / ((n + 2) ** 2 + mueff))
    this.chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n))
    // The decomposition is O(n³); C changes slowly, so it is refreshed every few generations.
    this.eigenEvery = Math.max(1, Math.floor(1 / (10 * n * (this.c1 + this.cMu))))
    this.m = Float64Array.from(options.x0)
    this.sigmaValue = options.sigma0
    this.pSigma = new Float64Array(n)
    this.pc = new Float64Array(n)
    this.c = identity(n)
    this.b = identity(n)
    this.d = new Float64Array(n).fill(1)
    this.invSqrtC = identity(n)
  }

  /** σ, the current step size. */
  get sigma(): number {
    return this.sigmaValue
  }

  /** Generations told so far. */
  get generation(): number {
    return this.generationValue
  }

  /** The distribution's mean, mapped into the box. */
  get mean(): Array<number> {
    return this.phenotype(this.m)
  }

  /** The point the objective sees for a genotype: mirrored into the box when there is one. */
  phenotype(x: ArrayLike<number>): Array<number> {
    const out = Array.from(x)
    if (!this.bounds) return out
    return out.map((v, i) => reflect(v, this.bounds!.lower[i]!, this.bounds!.upper[i]!))
  }

  /**
   * Samples λ points `m + σ B D z`, z ~ N(0, I), and returns them as phenotypes (inside the box).
   *
   * @complexity O(λ n²)
   */
  ask(): Array<Array<number>> {
    const n = this.n
    const genotypes: Array<Float64Array> = []
    for (let k = 0; k < this.lambda; k++) {
      const z = Float64Array.from({ length: n }, () => this.gauss.next())
      const x = new Float64Array(n)
      for (let i = 0; i < n; i++) {
        let y = 0
        for (let j = 0; j < n; j++) y += this.b[i]![j]! * this.d[j]! * z[j]!
        x[i] = this.m[i]! + this.sigmaValue * y
      }
      genotypes.push(x)
    }
    this.pending = genotypes
    return genotypes.map((g) => this.phenotype(g))
  }

  /**
   * Updates mean, evolution paths, covariance and step size from the last `ask`'s values
   * (non-finite values rank last).
   *
   * @complexity O(λ n² + n³ / eigenEvery)
   */
  tell(values: ReadonlyArray<number>): void {
    const xs = this.pending
    if (!xs) throw new Error("Cmaes: tell without ask")
    if (values.length !== xs.length) throw new RangeError(`Cmaes: told ${values.length} values for ${xs.length} points`)
    this.pending = undefined
    const n = this.n
    const key = (v: number): number => (Number.isNaN(v) ? Infinity : v)
    const order = xs.map((_, i) => i).sort((i, j) => key(values[i]!) - key(values[j]!) || i - j)
    const sigma = this.sigmaValue
    const old = this.m
    const ys = order.slice(0, this.mu).map((k) => Float64Array.from(xs[k]!, (x, i) => (x - old[i]!) / sigma))
    const yw = new Float64Array(n)
    ys.forEach((y, r) => {
      for (let i = 0; i < n; i++) yw[i] = yw[i]! + this.weights[r]! * y[i]!
    })
    this.m = Float64Array.from(old, (v, i) => v + sigma * yw[i]!)

    // Step-size path: C^{-1/2} y_w.
    const cs = this.cSigma
    const zw = matVec(this.invSqrtC, yw)
    const sNorm = Math.sqrt(cs * (2 - cs) * this.muEff)
    for (let i = 0; i < n; i++) this.pSigma[i] = (1 - cs) * this.pSigma[i]! + sNorm * zw[i]!
    const psNorm = norm(this.pSigma)
    const g = this.generationValue + 1
    const hSigma = psNorm / Math.sqrt(1 - (1 - cs) ** (2 * g)) / this.chiN < 1.4 + 2 / (n + 1) ? 1 : 0

    // Covariance path and covariance: rank-one (p_c) and rank-μ (the selected steps).
    const cc = this.cc
    const cNorm = Math.sqrt(cc * (2 - cc) * this.muEff)
    for (let i = 0; i < n; i++) this.pc[i] = (1 - cc) * this.pc[i]! + hSigma * cNorm * yw[i]!
    const c1 = this.c1
    const cMu = this.cMu
    const stall = (1 - hSigma) * cc * (2 - cc)
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let rankMu = 0
        for (let r = 0; r < ys.length; r++) rankMu += this.weights[r]! * ys[r]![i]! * ys[r]![j]!
        const cij =
          (1 - c1 - cMu) * this.c[i]![j]! +
          c1 * (this.pc[i]! * this.pc[j]! + stall * this.c[i]![j]!) +
          cMu * rankMu
        this.c[i]![j] = cij
        this.c[j]![i] = cij
      }
    }

    this.sigmaValue = sigma * Math.exp((cs / this.dSigma) * (psNorm / this.chiN - 1))
    this.generationValue = g
    this.sinceEigen++
    if (this.sinceEigen >= this.eigenEvery) this.decompose()

    const best = key(values[order[0]!]!)
    this.recentBest.push(best)
    const keep = 10 + Math.ceil((30 * n) / this.lambda)
    if (this.recentBest.length > keep) this.recentBest.shift()
    this.lastValues = values.map(key)
  }

  /**
   * The reason this run should end, if any (standard criteria; thresholds relative to σ0).
   *
   * @complexity O(n² + history)
   */
  stopReason(tolFun = 1e-12, tolX = 1e-12 * this.sigma0): StopReason | undefined {
    if (this.generationValue === 0) return undefined
    if (this.sigmaValue > 1e8 * this.sigma0) return "sigmaDiverged"
    const maxD = Math.max(...this.d)
    const minD = Math.min(...this.d)
    if ((maxD / minD) ** 2 > 1e14) return "conditionCov"
    const sdMax = Math.max(...this.c.map((row, i) => Math.sqrt(row[i]!)))
    if (this.sigmaValue * sdMax < tolX && this.sigmaValue * Math.max(...this.pc.map(Math.abs)) < tolX) return "tolX"
    const full = this.recentBest.length >= 10 + Math.ceil((30 * this.n) / this.lambda)
    if (full) {
      const all = [...this.recentBest, ...this.lastValues].filter(Number.isFinite)
      if (all.length > 0 && Math.max(...all) - Math.min(...all) < tolFun) return "tolFun"
    }
    const axis = this.generationValue % this.n
    let moved = false
    for (let i = 0; i < this.n; i++) {
      const step = 0.1 * this.sigmaValue * this.d[axis]! * this.b[i]![axis]!
      if (this.m[i]! + step !== this.m[i]!) moved = true
    }
    if (!moved) return "noEffectAxis"
    return undefined
  }

  private decompose(): void {
    this.sinceEigen = 0
    const { values, vectors } = symmetricEigen(this.c)
    const n = this.n
    // Guard against round-off: eigenvalues of a covariance are positive.
    const floor = Math.max(...values) * 1e-20 || 1e-300
    this.d = Float64Array.from(values, (v) => Math.sqrt(Math.max(v, floor)))
    this.b = vectors
    this.invSqrtC = Array.from({ length: n }, (_, i) => {
      const row = new Float64Array(n)
      for (let j = 0; j < n; j++) {
        let s = 0
        for (let k = 0; k < n; k++) s += (vectors[i]![k]! * vectors[j]![k]!) / this.d[k]!
        row[j] = s
      }
      return row
    })
  }
}

const checkOptions = (options: Options): void => {
  const n = options.x0.length
  if (n < 1) throw new RangeError("Cmaes: x0 must have at least one coordinate")
  if (!options.x0.every(Number.isFinite)) throw new RangeError("Cmaes: x0 must be finite")
  if (!(options.sigma0 > 0 && Number.isFinite(options.sigma0))) throw new RangeError("Cmaes: sigma0 must be positive")
  if (options.bounds) {
    const { lower, upper } = options.bounds
    if (lower.length !== n || upper.length !== n) throw new RangeError("Cmaes: bounds must match x0's length")
    for (let i = 0; i < n; i++) {
      if (!(lower[i]! < upper[i]!)) throw new RangeError(`Cmaes: bound ${i} is empty (lower >= upper)`)
    }
  }
}

const identity = (n: number): Array<Float64Array> =>
  Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(n)
    row[i] = 1
    return row
  })

const matVec = (a: ReadonlyArray<Float64Array>, x: Float64Array): Float64Array =>
  Float64Array.from(a, (row) => row.reduce((s, v, j) => s + v * x[j]!, 0))

const norm = (x: Float64Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0))

// ── minimize ──────────────────────────────────────────────────────────────────

/** The options of {@link minimize}. */
export interface MinimizeOptions extends Options {
  /** Most objective evaluations, the first (at `x0`) included. */
  readonly budget: number
  /** Seed of the shared PRNG (`eval/baselines/Prng.ts`) that draws every sample. */
  readonly seed: number
  /**
   * Restarts after a run stops (IPOP-CMA-ES: each restart doubles λ and starts from a uniform
   * point of the box, or from `x0` when there is no box); default 0. Restarts are what a
   * multimodal objective (Rastrigin) needs.
   */
  readonly restarts?: number
  /** Stop a run when recent best values differ by less than this; default 1e-12. */
  readonly tolFun?: number
  /** Stop everything once a value at or below this is found; default −∞ (never). */
  readonly target?: number
}

/** What {@link minimize} found. */
export interface MinimizeResult {
  /** The best point evaluated (inside the box). */
  readonly x: Array<number>
  /** Its objective value. */
  readonly value: number
  readonly evaluations: number
  /** One record per generation, all runs in order. */
  readonly history: Array<Generation>
  /** Why each run ended: a {@link StopReason}, `"budget"` or `"target"`. */
  readonly stops: Array<StopReason | "budget" | "target">
}

/**
 * Minimises `f` with CMA-ES within `budget` evaluations: evaluates `x0` first (so the result is
 * never worse than the start), then whole generations while the budget allows; a last
 * generation that does not fit is sampled and only as many points as remain are evaluated (no
 * update). With `restarts`, IPOP: a run that stops is followed by one with twice the population.
 *
 * Laws: `evaluations <= budget`; `value == f(x)`; `value <= f(x0)`; every evaluated point lies
 * in `bounds`; the same seed state gives the same result.
 * @complexity O(budget · (cost of f + n²) + n³ · generations / eigenEvery)
 */
export const minimize = (f: (x: ReadonlyArray<number>) => number, options: MinimizeOptions): MinimizeResult => {
  if (!(Number.isInteger(options.budget) && options.budget >= 1)) throw new RangeError("Cmaes: budget must be an integer >= 1")
  checkOptions(options)
  const uniform: Uniform = Rng.of(options.seed)
  const target = options.target ?? -Infinity
  const history: Array<Generation> = []
  const stops: Array<StopReason | "budget" | "target"> = []
  const key = (v: number): number => (Number.isNaN(v) ? Infinity : v)
  let evaluations = 0
  let generation = 0
  const bounds = options.bounds
  const x0 = options.x0.map((v, i) => (bounds ? reflect(v, bounds.lower[i]!, bounds.upper[i]!) : v))
  let bestX = x0
  let bestValue = key(f(x0))
  evaluations++
  const evaluate = (points: Array<Array<number>>): Array<number> =>
    points.map((p) => {
      const v = key(f(p))
      evaluations++
      if (v < bestValue) {
        bestValue = v
        bestX = p
      }
      return v
    })
  if (bestValue <= target) return { x: bestX, value: bestValue, evaluations, history, stops: ["target"] }

  const restarts = options.restarts ?? 0
  let popSize = options.popSize
  let start: ReadonlyArray<number> = options.x0
  for (let run = 0; run <= restarts; run++) {
    const es = new Strategy({ ...options, x0: start, ...(popSize !== undefined ? { popSize } : {}) }, uniform)
    let stop: StopReason | "budget" | "target" | undefined
    while (stop === undefined) {
      const remaining = options.budget - evaluations
      if (remaining <= 0) {
        stop = "budget"
        break
      }
      const points = es.ask()
      const values = evaluate(points.slice(0, remaining))
      const finite = values.filter(Number.isFinite)
      const record = (sigma: number): void => {
        history.push({
          generation: generation++,
          run,
          evaluations,
          best: Math.min(...values),
          mean: finite.length > 0 ? finite.reduce((a, v) => a + v, 0) / finite.length : Infinity,
          bestSoFar: bestValue,
          sigma,
          popSize: es.lambda
        })
      }
      if (values.length < points.length) {
        record(es.sigma)
        stop = "budget"
        break
      }
      es.tell(values)
      record(es.sigma)
      if (bestValue <= target) stop = "target"
      else stop = es.stopReason(options.tolFun ?? 1e-12)
    }
    stops.push(stop)
    if (stop === "budget" || stop === "target") break
    popSize = 2 * es.lambda
    start = bounds ? bounds.lower.map((lo, i) => lo + uniform.next() * (bounds.upper[i]! - lo)) : options.x0
  }
  return { x: bestX, value: bestValue, evaluations, history, stops }
}
