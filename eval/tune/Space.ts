/**
 * Space — the tuner's search space: a chosen subset of the numeric `Params` (core/Params.ts
 * `spec`) mapped onto the unit box [0, 1]^d and back, so that one optimiser step size means
 * the same for every parameter.
 *
 * Each chosen parameter becomes a {@link Dimension}: a search range `[lo, hi]`, a scale, and
 * whether it is an integer. The rule that picks them when the caller gives no override:
 *
 * - **Range.** The spec's `[min, max]`, except for a *wide* parameter — a positive default `d`
 *   with `max >= 100·d` (half-lives, windows, budgets, fusion weights, counts with an
 *   "effectively unbounded" maximum) — whose range is narrowed to the window `[d / W, d · W] ∩ [min, max]` (W = 100 by
 *   default, two orders of magnitude each side of the default). A wide parameter's 0 (often
 *   "off") is then outside the range: give an override with `min: 0` to search it.
 * - **Scale.** Logarithmic when the range is positive and spans at least two orders of
 *   magnitude (`lo > 0` and `hi / lo >= 100`), linear otherwise (similarities, rates, shares).
 * - **Integers.** The range is shrunk to `[⌈lo⌉, ⌊hi⌋]` and a decoded value is rounded to the
 *   nearest integer (after the log map, for a log scale).
 *
 * The default of every parameter lies in its automatic range, so `toUnit(space, defaults)` is
 * the optimiser's natural start.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import * as Params from "../../core/Params.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** How a unit coordinate maps to a value: evenly, or evenly in the logarithm. */
export type Scale = "linear" | "log"

/** One searched parameter: its range, scale and integrality. */
export interface Dimension {
  readonly name: Params.ParamName
  readonly lo: number
  readonly hi: number
  readonly scale: Scale
  readonly int: boolean
}

/** A caller's choice for one parameter (inside the spec's range), replacing the automatic rule. */
export interface Override {
  readonly min?: number
  readonly max?: number
  readonly scale?: Scale
}

/** The search space: one dimension per chosen parameter, in the order given. */
export interface Space {
  readonly dimensions: ReadonlyArray<Dimension>
}

/** Options of {@link make}. */
export interface Options {
  /** Per-parameter overrides of the automatic range and scale. */
  readonly overrides?: Partial<Record<Params.ParamName, Override>>
  /** W, the half-width in factors of the window around a wide parameter's default; default 100. */
  readonly window?: number
}

// ── constructors ──────────────────────────────────────────────────────────────

/** Every numeric parameter name, in the spec's order. */
export const allNames: ReadonlyArray<Params.ParamName> = Object.keys(Params.spec) as Array<Params.ParamName>

/**
 * The dimension of one parameter: the override where given, else the automatic rule of the
 * module documentation. Throws a `RangeError` for an unknown name, an override outside the
 * spec's range, an empty range, or a log scale over a range that is not positive.
 *
 * Laws: `spec.min <= lo < hi <= spec.max`; `scale == "log"` ⇒ `lo > 0`; without an override,
 * `lo <= spec.default <= hi`.
 * @complexity O(1)
 */
export const dimension = (name: Params.ParamName, override: Override = {}, window = 100): Dimension => {
  const s: Params.ParamSpec | undefined = (Params.spec as Record<string, Params.ParamSpec>)[name]
  if (!s) throw new RangeError(`Space: unknown parameter ${name}`)
  if (!(window > 1)) throw new RangeError("Space: window must be > 1")
  const wide = s.default > 0 && s.max >= 100 * s.default
  let lo = override.min ?? (wide ? Math.max(s.min, s.default / window) : s.min)
  let hi = override.max ?? (wide ? Math.min(s.max, s.default * window) : s.max)
  if (lo < s.min || hi > s.max) throw new RangeError(`Space: ${name}'s range [${lo}, ${hi}] leaves the spec's [${s.min}, ${s.max}]`)
  if (s.int) {
    lo = Math.ceil(lo)
    hi = Math.floor(hi)
  }
  if (!(lo < hi)) throw new RangeError(`Space: ${name}'s range [${lo}, ${hi}] is empty`)
  const scale = override.scale ?? (lo > 0 && hi / lo >= 100 ? "log" : "linear")
  if (scale === "log" && !(lo > 0)) throw new RangeError(`Space: ${name} cannot be searched on a log scale from ${lo}`)
  return { name, lo, hi, scale, int: s.int }
}

/**
 * The space over `names` (no duplicates), each by {@link dimension}.
 *
 * @example
 * ```ts
 * const space = Space.make(["decayHalfLife", "pruneWeight", "anchors"])
 * const x0 = Space.toUnit(space, Params.defaults) // the defaults, in [0, 1]^3
 * ```
 * @complexity O(names)
 */
export const make = (names: ReadonlyArray<Params.ParamName>, options: Options = {}): Space => {
  if (new Set(names).size !== names.length) throw new RangeError("Space: a parameter is named twice")
  return { dimensions: names.map((n) => dimension(n, options.overrides?.[n], options.window)) }
}

// ── getters ───────────────────────────────────────────────────────────────────

/** d, the number of searched parameters. */
export const size = (space: Space): number => space.dimensions.length

// ── maps ──────────────────────────────────────────────────────────────────────

const clampUnit = (u: number): number => (Number.isNaN(u) ? 0.5 : Math.min(1, Math.max(0, u)))

/**
 * A value's unit coordinate in one dimension; a value outside the range maps to the nearer end.
 *
 * Laws: `0 <= valueToUnit(d, x) <= 1`; `valueToUnit(d, d.lo) == 0`; `valueToUnit(d, d.hi) == 1`;
 * monotone non-decreasing in `x`.
 * @complexity O(1)
 */
export const valueToUnit = (d: Dimension, x: number): number => {
  const v = Math.min(d.hi, Math.max(d.lo, x))
  const u = d.scale === "log" ? Math.log(v / d.lo) / Math.log(d.hi / d.lo) : (v - d.lo) / (d.hi - d.lo)
  return clampUnit(u)
}

/**
 * The value at a unit coordinate (clamped into [0, 1]) of one dimension, rounded for an integer.
 *
 * Laws: `d.lo <= unitToValue(d, u) <= d.hi`; an integer dimension gives integers;
 * `unitToValue(d, valueToUnit(d, x)) == x` for an integer x in range (for a real, up to
 * round-off); monotone non-decreasing in `u`.
 * @complexity O(1)
 */
export const unitToValue = (d: Dimension, u: number): number => {
  const t = clampUnit(u)
  const x = d.scale === "log" ? d.lo * Math.pow(d.hi / d.lo, t) : d.lo + t * (d.hi - d.lo)
  const v = d.int ? Math.round(x) : x
  return Math.min(d.hi, Math.max(d.lo, v))
}

/**
 * The unit point of a parameter record: one coordinate per dimension.
 *
 * @complexity O(d)
 */
export const toUnit = (space: Space, params: Params.Params): Array<number> =>
  space.dimensions.map((d) => valueToUnit(d, params[d.name]))

/**
 * The parameter values at a unit point (length d): the searched parameters only.
 *
 * @complexity O(d)
 */
export const fromUnit = (space: Space, u: ReadonlyArray<number>): Partial<Record<Params.ParamName, number>> => {
  if (u.length !== space.dimensions.length) throw new RangeError(`Space: a point of ${u.length} coordinates for ${space.dimensions.length} dimensions`)
  return Object.fromEntries(space.dimensions.map((d, i) => [d.name, unitToValue(d, u[i]!)]))
}

/**
 * `base` with the searched parameters set from the unit point, validated by `Params.decode`.
 *
 * Laws: `apply(s, p, toUnit(s, p)) == p` for a record whose searched values lie in their ranges
 * (integers exactly, reals up to round-off); the result always decodes.
 * @complexity O(number of parameters)
 */
export const apply = (space: Space, base: Params.Params, u: ReadonlyArray<number>): Params.Params => {
  const decoded = Params.decode({ ...base, ...fromUnit(space, u) })
  if (Result.isFailure(decoded)) throw decoded.failure
  return decoded.success
}
