/**
 * Data — a robust loader for LoCoMo-shaped files (`../shared/data/locomo-dev.json`, or any file
 * of the same shape passed with `--data`).
 *
 * Shape (see `../shared/data/README.md`): a JSON array of samples
 * `{ sample_id, conversation, qa, observation?, ... }`;
 * - `conversation.session_<N>` = `[{ speaker, dia_id, text, blip_caption? }]`, with
 *   `conversation.session_<N>_date_time` like `"1:56 pm on 8 May, 2023"`. Only keys matching
 *   `^session_(\d+)$` are sessions (a date without a session is ignored);
 * - `qa[]` = `{ question, answer | adversarial_answer, evidence: [dia_id...], category }`;
 * - `observation.session_<N>_observation` = `{ speaker: [[fact_text, dia_id | [dia_id...]], ...] }`.
 *
 * Validation is by careful manual checks: every problem is reported as a {@link LocomoFormatError}
 * naming the JSON path (e.g. `[2].conversation.session_3[4].text: expected a string`).
 * Evidence ids are normalised by {@link normaliseEvidence}; ids that name no turn of their
 * conversation are dropped (and counted); QA items left with no evidence are kept but flagged
 * (`evidence: []`), and the metric skips them.
 *
 * Pure except {@link loadFile} (one `readFile`).
 */
import * as Fs from "node:fs/promises"

// ── model ─────────────────────────────────────────────────────────────────────

export interface Turn {
  readonly diaId: string
  readonly session: number
  readonly index: number
  readonly speaker: string
  readonly text: string
  readonly caption: string | undefined
  /** World time (ms, UTC) of the turn's session. */
  readonly time: number
}

export interface Session {
  readonly number: number
  readonly time: number
  readonly dateText: string
  readonly turns: ReadonlyArray<Turn>
}

export interface Observation {
  /** A stable id: `obs:<session>:<k>` (k counts the session's observations from 1). */
  readonly id: string
  readonly session: number
  readonly speaker: string
  readonly text: string
  /** Provenance turns (normalised; unknown ids dropped). */
  readonly diaIds: ReadonlyArray<string>
  readonly time: number
}

export interface QaItem {
  readonly index: number
  readonly question: string
  readonly category: number
  /** Normalised evidence ids naming turns that exist (may be empty: skipped by the metric). */
  readonly evidence: ReadonlyArray<string>
  /** Evidence tokens that were malformed or named no turn. */
  readonly droppedEvidence: ReadonlyArray<string>
}

export interface Conversation {
  readonly sampleId: string
  readonly speakers: readonly [string, string]
  readonly sessions: ReadonlyArray<Session>
  readonly observations: ReadonlyArray<Observation>
  readonly qa: ReadonlyArray<QaItem>
}

export class LocomoFormatError extends Error {
  readonly path: string
  constructor(path: string, problem: string, file?: string) {
    super(`${file === undefined ? "" : file + ": "}${path === "" ? "(root)" : path}: ${problem}`)
    this.name = "LocomoFormatError"
    this.path = path
  }
}

// ── evidence ids ──────────────────────────────────────────────────────────────

const EVIDENCE = /^D:?(\d+):0*(\d+)$/

/**
 * Normalises raw evidence: each entry is split on `[;,\s]+`, each piece must match
 * `^D:?(\d+):0*(\d+)$` and becomes `D<session>:<turn>` (numbers without leading zeros).
 * Returns the ids (first-seen order, no repeats) and the pieces that did not match.
 *
 * @example normaliseEvidence(["D8:6; D9:17", "D:11:26", "D"]) // { ids: ["D8:6", "D9:17", "D11:26"], bad: ["D"] }
 */
export const normaliseEvidence = (raw: ReadonlyArray<unknown>): { ids: Array<string>; bad: Array<string> } => {
  const ids: Array<string> = []
  const bad: Array<string> = []
  for (const entry of raw) {
    if (typeof entry !== "string") {
      bad.push(String(entry))
      continue
    }
    for (const piece of entry.split(/[;,\s]+/)) {
      if (piece === "") continue
      const id = normaliseId(piece)
      if (id === undefined) bad.push(piece)
      else if (!ids.includes(id)) ids.push(id)
    }
  }
  return { ids, bad }
}

/** One dia id normalised (`D:11:026` → `D11:26`), or undefined when it does not match. */
export const normaliseId = (piece: string): string | undefined => {
  const m = EVIDENCE.exec(piece.trim())
  return m === null ? undefined : `D${Number(m[1])}:${Number(m[2])}`
}

// ── dates ─────────────────────────────────────────────────────────────────────

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11
}

/**
 * `"1:56 pm on 8 May, 2023"` → ms since the epoch (UTC), or undefined when it does not parse.
 * Also accepts `"8 May 2023"` (midnight) and full month names.
 */
export const parseSessionDate = (s: string): number | undefined => {
  const m = /^\s*(?:(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+)?(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})\s*$/i.exec(s)
  if (m === null) return undefined
  const month = MONTHS[m[5]!.slice(0, 3).toLowerCase()]
  if (month === undefined) return undefined
  let hour = m[1] === undefined ? 0 : Number(m[1])
  const minute = m[2] === undefined ? 0 : Number(m[2])
  if (m[3] !== undefined) {
    if (hour < 1 || hour > 12) return undefined
    const pm = m[3].toLowerCase() === "pm"
    hour = (hour % 12) + (pm ? 12 : 0)
  }
  const day = Number(m[4])
  const year = Number(m[6])
  if (minute > 59 || day < 1 || day > 31) return undefined
  const t = Date.UTC(year, month, day, hour, minute)
  return new Date(t).getUTCDate() === day ? t : undefined
}

// ── parsing ───────────────────────────────────────────────────────────────────

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const SESSION = /^session_(\d+)$/
const OBS_SESSION = /^session_(\d+)_observation$/

/**
 * Parses a decoded LoCoMo-shaped document. Throws {@link LocomoFormatError} (with the JSON path
 * of the first problem) when it does not have the shape.
 *
 * @param file named in error messages
 */
export const parse = (doc: unknown, file?: string): Array<Conversation> => {
  const fail = (path: string, problem: string): never => {
    throw new LocomoFormatError(path, problem, file)
  }
  const str = (u: unknown, path: string): string => (typeof u === "string" ? u : fail(path, `expected a string, got ${describe(u)}`))
  if (!Array.isArray(doc)) return fail("", `expected a JSON array of samples, got ${describe(doc)}`)
  if (doc.length === 0) return fail("", "the file holds no samples")
  const seenIds = new Set<string>()
  return doc.map((sample, si): Conversation => {
    const at = `[${si}]`
    if (!isObject(sample)) return fail(at, `expected an object, got ${describe(sample)}`)
    const sampleId = sample["sample_id"] === undefined ? `sample-${si}` : str(sample["sample_id"], `${at}.sample_id`)
    if (seenIds.has(sampleId)) fail(`${at}.sample_id`, `duplicate sample_id ${JSON.stringify(sampleId)}`)
    seenIds.add(sampleId)
    const conv = sample["conversation"]
    if (!isObject(conv)) return fail(`${at}.conversation`, `expected an object, got ${describe(conv)}`)
    const speakers: [string, string] = [
      str(conv["speaker_a"], `${at}.conversation.speaker_a`),
      str(conv["speaker_b"], `${at}.conversation.speaker_b`)
    ]
    // sessions, in number order
    const numbers = Object.keys(conv).flatMap((k) => {
      const m = SESSION.exec(k)
      return m === null ? [] : [Number(m[1])]
    }).sort((a, b) => a - b)
    if (numbers.length === 0) fail(`${at}.conversation`, "no session_<N> keys")
    const turnIds = new Set<string>()
    const sessions = numbers.map((n): Session => {
      const key = `session_${n}`
      const dateKey = `${key}_date_time`
      const dateText = str(conv[dateKey], `${at}.conversation.${dateKey}`)
      const time = parseSessionDate(dateText) ?? fail(`${at}.conversation.${dateKey}`, `cannot read the date ${JSON.stringify(dateText)}`)
      const raw = conv[key]
      if (!Array.isArray(raw)) return fail(`${at}.conversation.${key}`, `expected an array of turns, got ${describe(raw)}`)
      const turns = raw.map((t, ti): Turn => {
        const tp = `${at}.conversation.${key}[${ti}]`
        if (!isObject(t)) return fail(tp, `expected a turn object, got ${describe(t)}`)
        const rawId = str(t["dia_id"], `${tp}.dia_id`)
        const diaId = normaliseId(rawId) ?? fail(`${tp}.dia_id`, `not a dia id: ${JSON.stringify(rawId)}`)
        if (turnIds.has(diaId)) fail(`${tp}.dia_id`, `duplicate dia id ${diaId}`)
        turnIds.add(diaId)
        const caption = t["blip_caption"]
        if (caption !== undefined && caption !== null && typeof caption !== "string") {
          fail(`${tp}.blip_caption`, `expected a string, got ${describe(caption)}`)
        }
        return {
          diaId,
          session: n,
          index: ti,
          speaker: str(t["speaker"], `${tp}.speaker`),
          text: str(t["text"], `${tp}.text`),
          caption: typeof caption === "string" && caption.trim() !== "" ? caption : undefined,
          time
        }
      })
      return { number: n, time, dateText, turns }
    })
    const sessionTime = new Map(sessions.map((s) => [s.number, s.time]))
    // observations (optional)
    const observations: Array<Observation> = []
    const obs = sample["observation"]
    if (obs !== undefined && obs !== null) {
      if (!isObject(obs)) fail(`${at}.observation`, `expected an object, got ${describe(obs)}`)
      const keys = Object.keys(obs as Record<string, unknown>).flatMap((k) => {
        const m = OBS_SESSION.exec(k)
        return m === null ? [] : [[Number(m[1]), k] as const]
      }).sort((a, b) => a[0] - b[0])
      for (const [n, k] of keys) {
        const op = `${at}.observation.${k}`
        const bySpeaker = (obs as Record<string, unknown>)[k]
        if (!isObject(bySpeaker)) fail(op, `expected an object of speaker → facts, got ${describe(bySpeaker)}`)
        let count = 0
        for (const speaker of Object.keys(bySpeaker as Record<string, unknown>).sort()) {
          const list = (bySpeaker as Record<string, unknown>)[speaker]
          if (!Array.isArray(list)) fail(`${op}.${speaker}`, `expected an array, got ${describe(list)}`)
          ;(list as Array<unknown>).forEach((item, i) => {
            const ip = `${op}.${speaker}[${i}]`
            if (!Array.isArray(item) || item.length < 2) fail(ip, `expected [fact_text, dia_id | [dia_id...]], got ${describe(item)}`)
            const [text, prov] = item as [unknown, unknown]
            const provList = Array.isArray(prov) ? prov : [prov]
            const { ids } = normaliseEvidence(provList)
            count++
            observations.push({
              id: `obs:${n}:${count}`,
              session: n,
              speaker,
              text: str(text, `${ip}[0]`),
              diaIds: ids.filter((id) => turnIds.has(id)),
              time: sessionTime.get(n) ?? sessions[sessions.length - 1]!.time
            })
          })
        }
      }
    }
    // qa
    const rawQa = sample["qa"]
    if (!Array.isArray(rawQa)) return fail(`${at}.qa`, `expected an array, got ${describe(rawQa)}`)
    const qa = rawQa.map((q, qi): QaItem => {
      const qp = `${at}.qa[${qi}]`
      if (!isObject(q)) return fail(qp, `expected an object, got ${describe(q)}`)
      const category = q["category"]
      if (typeof category !== "number" || !Number.isInteger(category)) fail(`${qp}.category`, `expected an integer, got ${describe(category)}`)
      const ev = q["evidence"] ?? []
      if (!Array.isArray(ev)) fail(`${qp}.evidence`, `expected an array, got ${describe(ev)}`)
      const { ids, bad } = normaliseEvidence(ev as Array<unknown>)
      return {
        index: qi,
        question: str(q["question"], `${qp}.question`),
        category: category as number,
        evidence: ids.filter((id) => turnIds.has(id)),
        droppedEvidence: [...bad, ...ids.filter((id) => !turnIds.has(id))]
      }
    })
    return { sampleId, speakers, sessions, observations, qa }
  })
}

const describe = (u: unknown): string =>
  u === null ? "null" : Array.isArray(u) ? "an array" : typeof u === "string" ? `the string ${JSON.stringify(u.slice(0, 40))}` : typeof u

/** Reads and parses a LoCoMo-shaped file; throws {@link LocomoFormatError} on bad JSON or shape. */
export const loadFile = async (path: string): Promise<Array<Conversation>> => {
  const text = await Fs.readFile(path, "utf8")
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    throw new LocomoFormatError("", `not valid JSON (${e instanceof Error ? e.message : String(e)})`, path)
  }
  return parse(doc, path)
}

/** All turns of a conversation in order. */
export const turnsOf = (c: Conversation): Array<Turn> => c.sessions.flatMap((s) => s.turns)
