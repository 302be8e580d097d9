/**
 * Dates — the project's one reader of written dates.
 *
 * Three entry points over one calendar:
 * - {@link parseIsoDate}: a strict `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (what a model or a command
 *   line writes) → its first instant in ms UTC.
 * - {@link findDates}: the date phrases of an English sentence, written ("On 3 March 2023",
 *   "In June 2023", "in 2024", "from 2015 to 2018", "until 2020", "since 2019", "in the summer
 *   of 2019") or relative ("last week", "yesterday", "two years ago", "in May", "last May", "since last
 *   spring"), with what each says about a fact's
 *   interval: a start (`from`) and/or an end (`until`). Written calendar phrases are read by the
 *   maintained parser `chrono-node`; bare years after a preposition ("in 2024", "until 2020"),
 *   months named relative to the anchor ("last May": the latest May that has ended), and seasons
 *   ("last spring", "winter 2020": meteorological, northern hemisphere), which chrono does not
 *   read, are read here. A relative phrase resolves only against an
 *   anchor (the turn's time); without one it is still found (so the grammar can skip it) but
 *   gives no instant.
 * - {@link timeHint}: what a *question* says about time ("What did I do last May?", "When did
 *   Ola move?") → the window and asks-when hint recall's time source takes; read with
 *   {@link findDates}.
 *
 * A written date is truncated to what it names: a year → its 1 January, a month → its first
 * day, a day → its midnight, all UTC. A relative phrase shifts the anchor's day by what it says
 * ("two years ago" → the same day two years before; "last week" → seven days before).
 *
 * Determinism: chrono is given a fixed reference instant (the anchor, or the epoch when there is
 * none) and the UTC time zone, so the output is a pure function of the sentence and the anchor.
 *
 * @since 0.2.0
 */
import * as chrono from "chrono-node"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * A date phrase of a sentence: `[start, end)` in the sentence (the preposition included), and
 * the interval bounds it states (ms UTC, or `null`).
 * Laws: `0 <= start < end <= sentence.length`; mentions come in text order and do not overlap.
 * @since 0.2.0
 */
export interface DateMention {
  readonly start: number
  readonly end: number
  readonly from: number | null
  readonly until: number | null
}

// ── strict dates ──────────────────────────────────────────────────────────────

const ISO_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/

/**
 * `"YYYY"`, `"YYYY-MM"` or `"YYYY-MM-DD"` → its first instant in ms UTC; `undefined` when not
 * such a date (month 1–12, day valid for the month).
 * Laws: `parseIsoDate("2021") === Date.UTC(2021, 0, 1)`; `parseIsoDate("2021-02-30") === undefined`.
 * @complexity O(1)
 * @example
 * ```ts
 * parseIsoDate("2021-03") // Date.UTC(2021, 2, 1)
 * ```
 * @since 0.2.0
 */
export const parseIsoDate = (written: string): number | undefined => {
  const m = ISO_DATE.exec(written)
  if (m === null) return undefined
  const year = Number(m[1])
  const month = m[2] === undefined ? 1 : Number(m[2])
  const day = m[3] === undefined ? 1 : Number(m[3])
  const ms = Date.UTC(year, month - 1, day)
  const date = new Date(ms)
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? ms : undefined
}

// ── date phrases ──────────────────────────────────────────────────────────────

/**
 * What chrono is needed for: a month or weekday name, a relative word, a numeric date. A
 * sentence without one is not handed to chrono (bare years are read here), which keeps the
 * extractor's cost low on the many sentences that hold no date or only a number.
 */
const CHRONO_CUE =
  /\b(?:yesterday|today|tonight|tomorrow|ago|last|next|past|previous|jan|january|feb|february|mar|march|apr|april|may|june?|july?|aug|august|sept?|september|oct|october|nov|november|dec|december|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b|\d{1,4}[-/]\d{1,2}[-/]\d{1,4}/i
const YEAR_CUE = /\b[12]\d{3}\b/

/** Parsers and refiners of chrono's casual English that read times of day, future spans and time zones: not needed here. */
const UNUSED_PARTS = new Set([
  "ENTimeExpressionParser", "ENCasualTimeParser", "ENTimeUnitWithinFormatParser", "ENTimeUnitLaterFormatParser",
  "ENEndOfCurrentMonthParser", "ExtractTimezoneOffsetRefiner", "ExtractTimezoneAbbrRefiner"
])

let reader: chrono.Chrono | undefined

/** chrono's casual English without the parts listed above (about half the cost per sentence). */
const dateReader = (): chrono.Chrono => {
  if (reader === undefined) {
    const c = chrono.casual.clone()
    c.parsers = c.parsers.filter((p) => !UNUSED_PARTS.has(p.constructor.name))
    c.refiners = c.refiners.filter((r) => !UNUSED_PARTS.has(r.constructor.name))
    reader = c
  }
  return reader
}

/** Prepositions that make a date the END of a fact's interval. */
const UNTIL_PREPS = new Set(["until", "till", "til", "to", "through", "before"])
/** Every preposition a date phrase may start with (it is part of the mention). */
const DATE_PREPS = new Set(["in", "on", "at", "since", "from", "during", "until", "till", "til", "to", "through", "before", "after", "by", "of", "as of", "starting", "between", "and"])

/** A bare year after a preposition: chrono does not read "in 2024" or "until 2020". */
const BARE_YEAR = /\b(in|since|from|until|till|to|through|before|after|by|during|between|and|as of)\s+([12]\d{3})\b(?![.,]?\d)/gi

/** A season word: the cue for {@link SEASON}. */
const SEASON_CUE = /\b(?:spring|summer|autumn|fall|winter)\b/i
/**
 * A season phrase: "last spring", "this summer", "(in) the winter of 2019", "autumn 2020", with
 * the preposition before it. chrono reads none of these.
 */
const SEASON =
  /\b(?:(in|since|from|until|till|to|by|during|before|after)\s+)?(?:(last|this|next|past)\s+(spring|summer|autumn|fall|winter)|(?:the\s+)?(spring|summer|autumn|fall|winter)\s+(?:of\s+)?([12]\d{3}))\b(?![.,]?\d)/gi
/** The month (0-based) a meteorological season of the northern hemisphere starts in. */
const SEASON_MONTH: Readonly<Record<string, number>> = { spring: 2, summer: 5, autumn: 8, fall: 8, winter: 11 }

/** The month a season named with its year starts in: a winter of 2019 is its January (it stays in the year written). */
const yearSeasonMonth = (season: string): number => (season === "winter" ? 0 : SEASON_MONTH[season]!)

/**
 * The first day of a season named relative to `anchor`: "last" (or "past") is the latest one
 * that has ended, "this" the one under way or else the one of the anchor's year, "next" the
 * first that starts after the anchor. A winter runs from 1 December to the end of February.
 */
const relativeSeason = (which: string, season: string, anchor: number): number => {
  const month = SEASON_MONTH[season]!
  const year = new Date(anchor).getUTCFullYear()
  const starts = [year - 2, year - 1, year, year + 1].map((y) => Date.UTC(y, month, 1))
  const endOf = (start: number): number => {
    const d = new Date(start)
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 3, 1)
  }
  if (which === "next") return starts.find((st) => st > anchor) ?? starts[3]!
  if (which === "this") {
    const current = starts.find((st) => st <= anchor && anchor < endOf(st))
    return current ?? starts[2]!
  }
  let last = starts[0]!
  for (const st of starts) if (endOf(st) <= anchor) last = st
  return last
}

/**
 * A month named relative to the anchor: "last May", "this June", "next March", with the
 * preposition before it. chrono reads none of these. The month name must be capitalised ("the
 * last may" is a modal verb).
 */
const RELATIVE_MONTH =
  /\b(?:(in|since|from|until|till|to|by|during|before|after)\s+)?(last|this|next|past)\s+(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b(?![.,]?\s*\d)/gi
const MONTH_INDEX: ReadonlyArray<string> = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

/**
 * The first day of a month named relative to `anchor`, like {@link relativeSeason}: "last" (or
 * "past") is the latest such month that has ended, "this" the one of the anchor's year, "next"
 * the first that starts after the anchor.
 */
const relativeMonth = (which: string, month: number, anchor: number): number => {
  const year = new Date(anchor).getUTCFullYear()
  const starts = [year - 1, year, year + 1].map((y) => Date.UTC(y, month, 1))
  if (which === "this") return starts[1]!
  if (which === "next") return starts.find((st) => st > anchor) ?? starts[2]!
  let last = starts[0]!
  for (const st of starts) if (Date.UTC(new Date(st).getUTCFullYear(), month + 1, 1) <= anchor) last = st
  return last
}

const MONTH_WORD = /^(?:jan|january|feb|february|mar|march|apr|april|may|june?|july?|aug|august|sept?|september|oct|october|nov|november|dec|december)\.?$/i

const ABSOLUTE = /\b[12]\d{3}\b/

const EPOCH = new Date(0)

const MAX_CACHE = 4096
const cache = new Map<string, ReadonlyArray<DateMention>>()

interface Found {
  start: number
  end: number
  prep: string | null
  from: number | null
  until: number | null
}

/** A relative phrase ("two years ago", "last week") shifts the anchor: its day, as chrono computed it. */
const dayOf = (c: chrono.ParsedComponents): number => {
  const year = c.get("year") ?? 1970
  return Date.UTC(year, (c.get("month") ?? 1) - 1, c.get("day") ?? 1)
}

/** A written date names its own precision: a year → 1 January, a month → its first day. */
const truncate = (c: chrono.ParsedComponents): number => {
  const year = c.get("year") ?? 1970
  const month = c.isCertain("month") || c.isCertain("day") ? (c.get("month") ?? 1) : 1
  const day = c.isCertain("day") ? (c.get("day") ?? 1) : 1
  return Date.UTC(year, month - 1, day)
}

/** The preposition right before `index` in `sentence` (one or two words), and where it starts. */
const prepBefore = (sentence: string, index: number): { prep: string; at: number } | null => {
  const before = sentence.slice(Math.max(0, index - 12), index)
  const m = /(?:^|\s)((?:as\s+)?[A-Za-z]+)\s+$/.exec(before)
  if (m === null) return null
  const prep = m[1]!.toLowerCase().replace(/\s+/g, " ")
  if (!DATE_PREPS.has(prep)) return null
  return { prep, at: index - (before.length - before.lastIndexOf(m[1]!)) }
}

const read = (sentence: string, anchor: number | null): ReadonlyArray<DateMention> => {
  const found: Array<Found> = []
  const ref = { instant: anchor === null ? EPOCH : new Date(anchor), timezone: 0 }
  const results = CHRONO_CUE.test(sentence) ? dateReader().parse(sentence, ref) : []
  for (const r of results) {
    const text = r.text
    const before = prepBefore(sentence, r.index)
    // "may" the modal, "march" the verb: a month name alone must be capitalised; and a
    // capitalised one with no preposition before it is a name ("Jan likes tea", "May said").
    if (/^[a-z]+$/.test(text) && MONTH_WORD.test(text)) continue
    // "now" is a change cue ("now lives in"), not the date of the fact.
    if (/^(?:right )?now$/i.test(text)) continue
    if (/^[A-Za-z]+\.?$/.test(text) && MONTH_WORD.test(text) && before === null) continue
    const absolute = ABSOLUTE.test(text)
    const resolves = absolute || anchor !== null
    const start = before?.at ?? r.index
    const lead = /^(in|on|at|since|from|during|until|till|by|before|after)\s+/i.exec(text)
    const prep = before?.prep ?? (lead === null ? null : lead[1]!.toLowerCase())
    const at = absolute ? truncate : dayOf
    const instant = resolves ? at(r.start) : null
    const end = r.end !== null && r.end !== undefined && resolves ? at(r.end) : null
    const isUntil = prep !== null && UNTIL_PREPS.has(prep)
    found.push({
      start, end: r.index + text.length, prep,
      from: isUntil ? null : instant,
      until: isUntil ? instant : end
    })
  }
  if (SEASON_CUE.test(sentence)) {
    SEASON.lastIndex = 0
    for (let m = SEASON.exec(sentence); m !== null; m = SEASON.exec(sentence)) {
      const start = m.index
      const end = m.index + m[0].length
      const prep = m[1] === undefined ? null : m[1].toLowerCase()
      const read = m[3] !== undefined
        ? (anchor === null ? null : relativeSeason(m[2]!.toLowerCase(), m[3].toLowerCase(), anchor))
        : Date.UTC(Number(m[5]), yearSeasonMonth(m[4]!.toLowerCase()), 1)
      const instant = read !== null && Number.isFinite(read) ? read : null
      // a season phrase is wider than what chrono saw in it ("2019" of "the summer of 2019")
      for (let j = found.length - 1; j >= 0; j--) if (found[j]!.start < end && start < found[j]!.end) found.splice(j, 1)
      const isUntil = prep !== null && UNTIL_PREPS.has(prep)
      found.push({ start, end, prep, from: isUntil ? null : instant, until: isUntil ? instant : null })
    }
  }
  if (CHRONO_CUE.test(sentence)) {
    RELATIVE_MONTH.lastIndex = 0
    for (let m = RELATIVE_MONTH.exec(sentence); m !== null; m = RELATIVE_MONTH.exec(sentence)) {
      if (!/^[A-Z]/.test(m[3]!)) continue
      const start = m.index
      const end = m.index + m[0].length
      const prep = m[1] === undefined ? null : m[1].toLowerCase()
      const month = anchor === null ? null : relativeMonth(m[2]!.toLowerCase(), MONTH_INDEX.indexOf(m[3]!.slice(0, 3).toLowerCase()), anchor)
      const instant = month !== null && Number.isFinite(month) ? month : null
      for (let j = found.length - 1; j >= 0; j--) if (found[j]!.start < end && start < found[j]!.end) found.splice(j, 1)
      const isUntil = prep !== null && UNTIL_PREPS.has(prep)
      found.push({ start, end, prep, from: isUntil ? null : instant, until: isUntil ? instant : null })
    }
  }
  BARE_YEAR.lastIndex = 0
  for (let m = BARE_YEAR.exec(sentence); m !== null; m = BARE_YEAR.exec(sentence)) {
    const start = m.index
    const end = m.index + m[0].length
    if (found.some((f) => f.start < end && start < f.end)) continue
    const prep = m[1]!.toLowerCase().replace(/\s+/g, " ")
    const instant = Date.UTC(Number(m[2]), 0, 1)
    found.push({ start, end, prep, from: UNTIL_PREPS.has(prep) ? null : instant, until: UNTIL_PREPS.has(prep) ? instant : null })
  }
  found.sort((a, b) => a.start - b.start)
  // "from A to B", "between A and B": the second phrase closes the first's interval.
  const out: Array<DateMention & { readonly between: boolean }> = []
  for (const f of found) {
    const prev = out[out.length - 1]
    const gap = prev === undefined ? "" : sentence.slice(prev.end, f.start)
    const closes = f.prep === "to" || f.prep === "until" || f.prep === "till" || (f.prep === "and" && prev?.between === true)
    if (prev !== undefined && /^\s*$/.test(gap) && closes && prev.until === null) {
      out[out.length - 1] = { start: prev.start, end: f.end, from: prev.from, until: f.until ?? f.from, between: false }
      continue
    }
    if (prev !== undefined && f.start < prev.end) continue
    // "and 2019" outside a "between" range is not a date phrase of its own.
    if (f.prep === "and") continue
    out.push({ start: f.start, end: f.end, from: f.from, until: f.until, between: f.prep === "between" })
  }
  return out.map(({ start, end, from, until }) => ({ start, end, from, until }))
}

/**
 * The date phrases of one sentence, anchored at `anchor` (ms UTC) for relative phrases.
 *
 * Laws: deterministic; a sentence with no year, numeric date or date word gives `[]` without
 * calling chrono; a relative phrase ("yesterday") gives `from === until === null` when `anchor` is
 * `null`; a written year gives the same instants with or without an anchor.
 * @complexity O(|sentence|) (chrono's matchers), cached per (sentence, anchor)
 * @example
 * ```ts
 * findDates("Ola worked at Acme from 2015 to 2018.", null)
 * // [{ start: 20, end: 37, from: Date.UTC(2015, 0, 1), until: Date.UTC(2018, 0, 1) }]
 * ```
 * @since 0.2.0
 */
export const findDates = (sentence: string, anchor: number | null): ReadonlyArray<DateMention> => {
  if (!CHRONO_CUE.test(sentence) && !YEAR_CUE.test(sentence) && !SEASON_CUE.test(sentence)) return []
  const key = `${anchor ?? ""}|${sentence}`
  const hit = cache.get(key)
  if (hit !== undefined) return hit
  let out: ReadonlyArray<DateMention>
  try {
    out = read(sentence, anchor === null || !Number.isFinite(anchor) ? null : anchor)
  } catch {
    // chrono is total on ordinary text; a defect of it must not take a sentence's facts down.
    out = []
  }
  if (cache.size >= MAX_CACHE) cache.clear()
  cache.set(key, out)
  return out
}

// ── questions ─────────────────────────────────────────────────────────────────

/**
 * What a question says about time: the world-time window it names, `[from, until)` (ms UTC), and
 * whether it asks when something happened. The shape of recall's `RecallInput.time`.
 * @since 0.3.0
 */
export interface TimeHint {
  readonly from?: number
  readonly until?: number
  readonly asksWhen?: boolean
}

const DAY_MS = 86_400_000
const WHEN = /^\s*(?:when\b|what (?:date|day|year|month|time)\b|how long ago\b|in which (?:year|month)\b|which (?:year|month|day)\b)/i
const ONLY_YEAR = /^\D*\b[12]\d{3}\b\D*$/
const MONTH = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b/i

/**
 * The time hint of a question (recall's time source input): `asksWhen` when it opens with
 * "when" / "what date|day|year|month|time" / "how long ago" / "in which year|month" / "which
 * year|month|day"; and the window of its first date phrase with a start ({@link findDates},
 * relative phrases read against `now`): `[from, from + 2·span)`, span a month (31 days) when the
 * phrase names a month and no day number ("in March 2023", "last May"), a year (366 days) when it
 * names only a year, else a week — what is asked about was told at or after the time it names, within about one more span.
 * `undefined` when the question says nothing about time.
 *
 * Laws: deterministic in (question, now); `timeHint(q, now)?.until - from === 2·span`;
 * a question with no date phrase gives `{ asksWhen: true }` or `undefined`.
 * @complexity O(|question|) ({@link findDates})
 * @example
 * ```ts
 * timeHint("When did Ola move to Gdansk?", now) // { asksWhen: true }
 * timeHint("What happened in 2022?", now)       // { from: Date.UTC(2022, 0, 1), until: Date.UTC(2022, 0, 1) + 732 days }
 * timeHint("Where does Ola live?", now)         // undefined
 * ```
 * @since 0.3.0
 */
export const timeHint = (question: string, now: number): TimeHint | undefined => {
  const asksWhen = WHEN.test(question)
  const d = findDates(question, now).find((m) => m.from !== null)
  if (d === undefined || d.from === null) return asksWhen ? { asksWhen } : undefined
  const phrase = question.slice(d.start, d.end)
  // a question asks about what was told: a month or day named without its year that chrono read
  // as the coming one ("in May", asked in January) is last year's
  if (d.from > now && !/\b\d{3,4}\b/.test(phrase)) {
    const at = new Date(d.from)
    at.setUTCFullYear(at.getUTCFullYear() - 1)
    return hintOf(at.getTime(), phrase, asksWhen)
  }
  return hintOf(d.from, phrase, asksWhen)
}

/** The hint of a date phrase starting at `from` (see {@link timeHint}). */
const hintOf = (from: number, phrase: string, asksWhen: boolean): TimeHint => {
  // a month name decides first: "in March 2023" names a month (a year is there too)
  const span = MONTH.test(phrase)
    ? (/\b\d{1,2}\b/.test(phrase) ? 7 * DAY_MS : 31 * DAY_MS)
    : ONLY_YEAR.test(phrase) ? 366 * DAY_MS : 7 * DAY_MS
  return { from, until: from + 2 * span, ...(asksWhen ? { asksWhen } : {}) }
}

/** Mean Gregorian year in ms (365.2425 days). */
const MS_PER_YEAR = 365.2425 * 86_400_000

/**
 * A world/system time as an ISO date (`YYYY-MM-DD`); total: a time whose year is outside
 * 0000–9999 (ISO's four digits) reads `year <Y>`, a time beyond what `Date` holds (±8.64e15 ms)
 * `year ≈<Y>`, and a non-finite one `no date` — it never throws, whatever a journal holds.
 * Laws: `isoDate(Date.UTC(y, m, d))` is the `YYYY-MM-DD` of that day for 0 <= y <= 9999.
 * @complexity O(1)
 * @example
 * ```ts
 * Dates.isoDate(Date.UTC(2021, 0, 1)) // "2021-01-01"
 * Dates.isoDate(1e17)                  // "year ≈3170844"
 * ```
 */
export const isoDate = (ms: number): string => {
  if (!Number.isFinite(ms)) return "no date"
  const d = new Date(ms)
  if (Number.isNaN(d.getTime())) return `year ≈${Math.round(1970 + ms / MS_PER_YEAR)}`
  const year = d.getUTCFullYear()
  return year < 0 || year > 9999 ? `year ${year}` : d.toISOString().slice(0, 10)
}
