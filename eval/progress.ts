/**
 * Progress lines for long runs: the `progress(message, done?, total?)` callback a suite receives,
 * written to stderr as `[eval] <suite>: <message> <done>/<total> (<pct>%) <rate>/s ETA <eta>`.
 *
 * The rate is measured from the first call of the current phase (a phase restarts when `total`
 * changes or `done` goes back); lines with a count are throttled to one per `intervalMs` (the
 * first and the last of a phase always print). Messages without a count always print.
 */

export const formatDuration = (seconds: number): string => {
  if (!Number.isFinite(seconds) || seconds < 0) return "?"
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`
  const m = Math.floor(seconds / 60)
  if (m < 60) return `${m}m${String(Math.round(seconds - m * 60)).padStart(2, "0")}s`
  const h = Math.floor(m / 60)
  return `${h}h${String(m - h * 60).padStart(2, "0")}m`
}

const formatRate = (perSecond: number): string =>
  perSecond >= 100 ? perSecond.toFixed(0) : perSecond >= 1 ? perSecond.toFixed(1) : perSecond.toPrecision(2)

export const makeProgress = (
  suite: string,
  write: (line: string) => void,
  clock: () => number = () => performance.now(),
  intervalMs = 1000
): ((message: string, done?: number, total?: number) => void) => {
  let phase: { total: number; t0: number; done0: number; last: number; lastPrint: number } | undefined
  return (message, done, total) => {
    if (done === undefined || total === undefined || !Number.isFinite(done) || !Number.isFinite(total) || total <= 0) {
      write(`[eval] ${suite}: ${message}${done !== undefined ? ` ${done}` : ""}`)
      return
    }
    const t = clock()
    let first = false
    if (phase === undefined || phase.total !== total || done < phase.last) {
      phase = { total, t0: t, done0: done, last: done, lastPrint: -Infinity }
      first = true
    }
    phase.last = done
    const finished = done >= total
    if (!first && !finished && t - phase.lastPrint < intervalMs) return
    phase.lastPrint = t
    const pct = ((100 * done) / total).toFixed(1)
    const elapsed = (t - phase.t0) / 1000
    let tail = ""
    if (elapsed > 0 && done > phase.done0) {
      const rate = (done - phase.done0) / elapsed
      tail = finished ? ` ${formatRate(rate)}/s in ${formatDuration(elapsed)}` : ` ${formatRate(rate)}/s ETA ${formatDuration((total - done) / rate)}`
    }
    write(`[eval] ${suite}: ${message} ${done}/${total} (${pct}%)${tail}`)
  }
}
