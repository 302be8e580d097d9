/**
 * Tuner — the search of `npm run tune`: CMA-ES (`Cmaes.minimize`) over a {@link Space.Space} of
 * `Params`, each candidate scored by the {@link Objective} on the suites' *train* splits; the
 * best candidate and the defaults are then scored on the *validation* splits, which the search
 * never sees.
 *
 * - Start: the optimiser's first point is `Params.defaults` (a unit coordinate that equals the
 *   start's is decoded to the default value itself, not a round-off of it), so the tuned record
 *   is never worse than the defaults on train.
 * - Normalisation: the penalty terms are relative to the defaults' figures on the same split
 *   (`Objective.combine`), so the train objective of the defaults is Σ loss + λ + μ + ν, and the
 *   validation objectives of defaults and tuned are comparable with each other.
 * - A candidate whose parameters do not decode, or whose replay throws, scores `+Infinity`.
 * - Identical parameter records are scored once (memo by their JSON).
 *
 * No I/O: suites are closures over their recordings; `clock` times them (for the seconds per
 * evaluation in the report).
 *
 * @since 0.1.0
 */
import { Params } from "../../core/index.ts"
import * as Cmaes from "./Cmaes.ts"
import * as Objective from "./Objective.ts"
import * as Space from "./Space.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** A suite's two splits, each a replay under a parameter record. */
export interface SuiteSplits {
  readonly name: string
  readonly train: (params: Params.Params) => Objective.Figures
  readonly validation: (params: Params.Params) => Objective.Figures
  /** What the splits hold, in words (for the report). */
  readonly description: string
}

export interface Options {
  readonly suites: ReadonlyArray<SuiteSplits>
  readonly space: Space.Space
  /** Objective evaluations on train, the defaults' included. */
  readonly budget: number
  readonly seed: number
  /** CMA-ES step size in the unit box; default 0.2. */
  readonly sigma0?: number
  /** CMA-ES population; default 4 + ⌊3 ln d⌋. */
  readonly popSize?: number
  /** Called after each train evaluation. */
  readonly onEvaluation?: (e: Evaluation, budget: number) => void
  /** Milliseconds (default `performance.now`). */
  readonly clock?: () => number
}

/** One scored candidate on train. */
export interface Evaluation {
  /** 0-based, in the order the optimiser asked. */
  readonly index: number
  /** The searched parameters' values (undefined when they did not decode). */
  readonly values: Partial<Record<Params.ParamName, number>> | undefined
  readonly objective: number
  readonly terms: Objective.Terms | undefined
  readonly figures: Readonly<Record<string, Objective.Figures>> | undefined
  /** Seconds the replay took, per suite. */
  readonly seconds: Readonly<Record<string, number>>
  readonly error: string | undefined
  /** Whether the memo answered (no replay). */
  readonly cached: boolean
}

/** Scores of one parameter record on one split. */
export interface Scored {
  readonly figures: Readonly<Record<string, Objective.Figures>>
  readonly terms: Objective.Terms
}

export interface Result {
  readonly space: Space.Space
  readonly budget: number
  readonly seed: number
  readonly popSize: number
  readonly sigma0: number
  readonly defaults: Params.Params
  readonly tuned: Params.Params
  readonly generations: ReadonlyArray<Cmaes.Generation>
  readonly stops: ReadonlyArray<string>
  readonly evaluations: ReadonlyArray<Evaluation>
  readonly train: { readonly defaults: Scored; readonly tuned: Scored }
  readonly validation: { readonly defaults: Scored; readonly tuned: Scored }
  /** Mean seconds of an uncached train evaluation (all suites), and per suite. */
  readonly secondsPerEvaluation: number
  readonly secondsPerSuite: Readonly<Record<string, number>>
  /** Seconds of the validation replays (defaults and tuned together), per suite. */
  readonly validationSeconds: Readonly<Record<string, number>>
}

// ── the search ────────────────────────────────────────────────────────────────

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** Default population of CMA-ES for `d` dimensions (Hansen's 4 + ⌊3 ln d⌋). */
export const defaultPopSize = (d: number): number => 4 + Math.floor(3 * Math.log(Math.max(1, d)))

/**
 * The parameter record at a unit point: `Space.apply` over the defaults, except that a coordinate
 * equal to `start`'s is the default value itself. Throws when the record does not decode.
 */
export const decodePoint = (space: Space.Space, start: ReadonlyArray<number>, u: ReadonlyArray<number>): Params.Params => {
  const p = Space.apply(space, Params.defaults, u) as Record<string, unknown>
  const out: Record<string, unknown> = { ...p }
  space.dimensions.forEach((d, i) => {
    if (u[i] === start[i]) out[d.name] = Params.defaults[d.name]
  })
  return out as Params.Params
}

/** A canonical key of a parameter record (fields in name order). */
export const paramsKey = (p: Params.Params): string =>
  JSON.stringify(Object.keys(p).sort().map((k) => [k, (p as Record<string, unknown>)[k]]))

/** The searched values of a record. */
export const searchedValues = (space: Space.Space, p: Params.Params): Partial<Record<Params.ParamName, number>> =>
  Object.fromEntries(space.dimensions.map((d) => [d.name, p[d.name]]))

/**
 * Runs the search and the validation (see the module doc).
 *
 * Laws: `result.train.tuned.terms.total <= result.train.defaults.terms.total`; the validation
 * evaluators are called with exactly two records, the defaults and the tuned; `evaluations.length
 * <= budget`.
 * @complexity O(budget · (cost of the train replays + d²))
 */
export const tune = (options: Options): Result => {
  const clock = options.clock ?? (() => performance.now())
  const space = options.space
  const d = Space.size(space)
  const popSize = options.popSize ?? defaultPopSize(d)
  const sigma0 = options.sigma0 ?? 0.2
  const start = Space.toUnit(space, Params.defaults)

  const run = (split: "train" | "validation", params: Params.Params, seconds: Record<string, number>): Record<string, Objective.Figures> => {
    const figures: Record<string, Objective.Figures> = {}
    for (const s of options.suites) {
      const t0 = clock()
      figures[s.name] = s[split](params)
      seconds[s.name] = (seconds[s.name] ?? 0) + (clock() - t0) / 1000
    }
    return figures
  }

  // the defaults on train: the reference of the penalty terms
  const refSeconds: Record<string, number> = {}
  const refTrain = run("train", Params.defaults, refSeconds)
  const refTerms = Objective.combine(refTrain, refTrain)
  const memo = new Map<string, { objective: number; terms: Objective.Terms; figures: Record<string, Objective.Figures> }>()
  memo.set(paramsKey(Params.defaults), { objective: refTerms.total, terms: refTerms, figures: refTrain })

  const evaluations: Array<Evaluation> = []
  const uncached: Array<Record<string, number>> = [refSeconds]
  let firstCall = true
  const f = (u: ReadonlyArray<number>): number => {
    const index = evaluations.length
    let params: Params.Params
    try {
      params = decodePoint(space, start, u)
    } catch (e) {
      evaluations.push({ index, values: undefined, objective: Infinity, terms: undefined, figures: undefined, seconds: {}, error: message(e), cached: false })
      options.onEvaluation?.(evaluations[index]!, options.budget)
      return Infinity
    }
    const key = paramsKey(params)
    const found = memo.get(key)
    let e: Evaluation
    if (found !== undefined) {
      // the defaults' replay was timed before the search: count it as the first evaluation's time
      e = { index, values: searchedValues(space, params), ...found, seconds: firstCall ? refSeconds : {}, error: undefined, cached: !firstCall }
    } else {
      const seconds: Record<string, number> = {}
      try {
        const figures = run("train", params, seconds)
        const terms = Objective.combine(figures, refTrain)
        memo.set(key, { objective: terms.total, terms, figures })
        e = { index, values: searchedValues(space, params), objective: terms.total, terms, figures, seconds, error: undefined, cached: false }
      } catch (err) {
        e = { index, values: searchedValues(space, params), objective: Infinity, terms: undefined, figures: undefined, seconds, error: message(err), cached: false }
      }
      uncached.push(seconds)
    }
    firstCall = false
    evaluations.push(e)
    options.onEvaluation?.(e, options.budget)
    return e.objective
  }

  const found = Cmaes.minimize(f, {
    x0: start,
    sigma0,
    bounds: { lower: start.map(() => 0), upper: start.map(() => 1) },
    budget: options.budget,
    seed: options.seed,
    popSize
  })
  const tuned = Number.isFinite(found.value) ? decodePoint(space, start, found.x) : Params.defaults
  const trainTuned = memo.get(paramsKey(tuned))!

  const validationSeconds: Record<string, number> = {}
  const refValidation = run("validation", Params.defaults, validationSeconds)
  const tunedValidation = run("validation", tuned, validationSeconds)

  const totals = new Map<string, number>()
  for (const s of uncached) for (const [k, v] of Object.entries(s)) totals.set(k, (totals.get(k) ?? 0) + v)
  const secondsPerSuite = Object.fromEntries([...totals].map(([k, v]) => [k, v / uncached.length]))
  return {
    space,
    budget: options.budget,
    seed: options.seed,
    popSize,
    sigma0,
    defaults: Params.defaults,
    tuned,
    generations: found.history,
    stops: found.stops,
    evaluations,
    train: {
      defaults: { figures: refTrain, terms: refTerms },
      tuned: { figures: trainTuned.figures, terms: trainTuned.terms }
    },
    validation: {
      defaults: { figures: refValidation, terms: Objective.combine(refValidation, refValidation) },
      tuned: { figures: tunedValidation, terms: Objective.combine(tunedValidation, refValidation) }
    },
    secondsPerEvaluation: Object.values(secondsPerSuite).reduce((a, b) => a + b, 0),
    secondsPerSuite,
    validationSeconds
  }
}
