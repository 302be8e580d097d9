/**
 * Progress — a progress bar with rate and ETA on stderr, for long commands (`ingest`).
 *
 *     ingest [██████████░░░░░░░░░░]  52% 156/300 sentences · 48.1/s · ETA 3s
 *
 * Modes: `"tty"` redraws one line in place (at most every 100 ms, and at the end); `"lines"`
 * prints a line at most every second and at the end (for logs and pipes); `"off"` prints
 * nothing. {@link render} is pure.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Ref } from "effect"

/** How progress is shown. */
export type Mode = "tty" | "lines" | "off"

/** A state of progress. */
export interface State {
  readonly done: number
  readonly total: number
  readonly elapsedMs: number
}

/** Width of the bar in cells. */
export const BAR_WIDTH = 20

/** A duration in seconds as `4s`, `2m05s`, `1h02m`. @complexity O(1) */
export const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return "?"
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`
}

/**
 * The progress line (see the module header).
 * Laws: the bar has {@link BAR_WIDTH} cells, `round(done / total · width)` of them full; the rate
 * is items per second over the elapsed time; the ETA is `(total − done) / rate`.
 * @complexity O(width)
 */
export const render = (label: string, unit: string, s: State): string => {
  const fraction = s.total === 0 ? 1 : Math.min(1, s.done / s.total)
  const full = Math.round(fraction * BAR_WIDTH)
  const bar = "█".repeat(full) + "░".repeat(BAR_WIDTH - full)
  const rate = s.elapsedMs > 0 ? (s.done * 1000) / s.elapsedMs : 0
  const eta = s.done >= s.total ? "done" : rate > 0 ? `ETA ${duration((s.total - s.done) / rate)}` : "ETA ?"
  const pct = String(Math.round(fraction * 100)).padStart(3, " ")
  return `${label} [${bar}] ${pct}% ${s.done}/${s.total} ${unit} · ${rate.toFixed(1)}/s · ${eta}`
}

/** A running progress display. */
export interface Bar {
  /** Reports `done` items finished. */
  readonly update: (done: number) => Effect.Effect<void>
  /** Draws the final state and ends the line. */
  readonly finish: (done: number) => Effect.Effect<void>
}

/**
 * A progress display of `total` items writing to `write` (default: stderr).
 * @complexity O(1) per update
 */
export const make = (
  label: string,
  unit: string,
  total: number,
  mode: Mode,
  write: (s: string) => void = (s) => void process.stderr.write(s)
): Effect.Effect<Bar> =>
  Effect.gen(function*() {
    const start = yield* Clock.currentTimeMillis
    const last = yield* Ref.make(-Infinity)
    const drawn = yield* Ref.make(-1)
    const every = mode === "tty" ? 100 : 1000
    const draw = (done: number, final: boolean) =>
      Effect.gen(function*() {
        if (mode === "off") return
        const now = yield* Clock.currentTimeMillis
        const previous = yield* Ref.get(last)
        if (!final && now - previous < every) return
        // in lines mode the final state is printed once, even when the last update showed it
        if (final && mode === "lines" && (yield* Ref.get(drawn)) === done) return
        yield* Ref.set(last, now)
        yield* Ref.set(drawn, done)
        const line = render(label, unit, { done, total, elapsedMs: now - start })
        yield* Effect.sync(() => write(mode === "tty" ? `\r\x1b[2K${line}${final ? "\n" : ""}` : line + "\n"))
      })
    return { update: (done) => draw(done, false), finish: (done) => draw(done, true) }
  })
