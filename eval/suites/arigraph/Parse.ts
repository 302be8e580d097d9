/**
 * Parse — a tolerant parser for the AriGraph TextWorld agent logs
 * (`../shared/data/arigraph/{hunt,cook,clean}.log`, from AIRI-Institute/AriGraph, MIT).
 *
 * A log is plain text: `Attempt: N` starts an attempt (the agent's memory starts empty), each
 * `Step: N` a step, and a step is a run of `Header: value` sections, some of them multi-line:
 * - `Observation:` the game text (multi-line, up to the next known header);
 * - `New triplets: [...]` a Python list literal of `"subject, relation, object"` strings, quoted
 *   with `'` or `"`, with backslash escapes;
 * - `Outdated triplets: [["old" -> "new"], ...]`, optionally prefixed by `Replacing:`; the pairs
 *   come quoted per side (`["a, r, b" -> "c, r, d"]`), quoted as a whole (`["a, r, b -> c, r, d"]`)
 *   or bare (`[a, r, b -> c, r, d]`);
 * - `Graph: [...]` the run's whole semantic memory after the step (absent in `clean.log`);
 * - `Plan0: {...}` and `Action: {...}` JSON (multi-line);
 * - `Navigation step: N` blocks (the agent's scripted moves between steps: an observation, no
 *   triplets) are counted and skipped.
 *
 * Nothing here throws on bad input: every section that does not parse is recorded in
 * `malformed` (line, section, reason) and the rest of the log is still read. A triplet string
 * that does not split into three non-empty parts is malformed too (and dropped).
 *
 * Triplets are compared by their **key** `Key.node(subject)|Key.relation(relation)|Key.node(object)`
 * — the same normalisation the core uses for node and relation keys — so `"floor."` and `"floor"`
 * are one node, as they are in our graph.
 */
import * as Key from "../../../core/Key.ts"

/** One `subject, relation, object` triplet as written in the log, with its normalised key. */
export interface Triplet {
  readonly subject: string
  readonly relation: string
  readonly object: string
  /** `Key.node(subject)|Key.relation(relation)|Key.node(object)`. */
  readonly key: string
}

/** One labelled replacement: the run's LLM judged `old` outdated by `replacement`. */
export interface Replacement {
  readonly old: Triplet
  readonly replacement: Triplet
}

/** A section (or part of one) that did not parse. */
export interface Malformed {
  /** 1-based line of the section's header. */
  readonly line: number
  readonly section: string
  readonly reason: string
}

/** One step of an attempt. */
export interface Step {
  /** The number after `Step:`. */
  readonly step: number
  /** 1-based line of the `Step:` header. */
  readonly line: number
  readonly observation: string
  readonly newTriplets: ReadonlyArray<Triplet>
  readonly outdated: ReadonlyArray<Replacement>
  /** The run's graph after the step (`Graph:`), or `null` when the log has none. */
  readonly graph: ReadonlyArray<Triplet> | null
  readonly plan: unknown
  /** `action_to_take` of the `Action:` JSON, or `null`. */
  readonly action: string | null
}

/** One attempt (one game played from an empty memory). */
export interface Attempt {
  readonly attempt: number
  readonly steps: ReadonlyArray<Step>
}

/** A parsed log. */
export interface Log {
  readonly attempts: ReadonlyArray<Attempt>
  readonly malformed: ReadonlyArray<Malformed>
  /** `Navigation step:` blocks skipped. */
  readonly navigationSteps: number
}

// ── Python literals ──────────────────────────────────────────────────────────

/** The result of scanning a literal: the value and the index just past it, or an error. */
export type Scan<A> = { readonly ok: true; readonly value: A; readonly end: number } | { readonly ok: false; readonly error: string }

const isSpace = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\n" || c === "\r"

const skipSpace = (s: string, i: number): number => {
  while (i < s.length && isSpace(s[i])) i++
  return i
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\", "'": "'", "\"": "\"", n: "\n", t: "\t", r: "\r", "0": "\0", a: "\x07", b: "\b", f: "\f", v: "\v"
}

/**
 * Scans a Python string literal (`'...'` or `"..."`) starting at `i` (optionally prefixed by
 * `r`/`u`/`b`), decoding backslash escapes (`\\ \' \" \n \t \r \xhh \uhhhh \Uhhhhhhhh`; an
 * unknown escape keeps its backslash, as Python does).
 */
export const scanString = (s: string, i: number): Scan<string> => {
  let raw = false
  while (i < s.length && /[rRuUbB]/.test(s[i]!) && (s[i + 1] === "'" || s[i + 1] === "\"" || /[rRuUbB]/.test(s[i + 1] ?? ""))) {
    if (s[i] === "r" || s[i] === "R") raw = true
    i++
  }
  const q = s[i]
  if (q !== "'" && q !== "\"") return { ok: false, error: `expected a quote at ${i}` }
  let out = ""
  let j = i + 1
  while (j < s.length) {
    const c = s[j]!
    if (c === q) return { ok: true, value: out, end: j + 1 }
    if (c === "\\" && j + 1 < s.length) {
      const n = s[j + 1]!
      if (raw) {
        out += c + n
        j += 2
        continue
      }
      const simple = SIMPLE_ESCAPES[n]
      if (simple !== undefined) {
        out += simple
        j += 2
        continue
      }
      const hexLen = n === "x" ? 2 : n === "u" ? 4 : n === "U" ? 8 : 0
      if (hexLen > 0) {
        const hex = s.slice(j + 2, j + 2 + hexLen)
        if (hex.length === hexLen && /^[0-9a-fA-F]+$/.test(hex)) {
          out += String.fromCodePoint(parseInt(hex, 16))
          j += 2 + hexLen
          continue
        }
        return { ok: false, error: `bad \\${n} escape at ${j}` }
      }
      if (n === "\n") {
        j += 2
        continue
      }
      out += c + n
      j += 2
      continue
    }
    if (c === "\n") return { ok: false, error: `newline inside a string at ${j}` }
    out += c
    j++
  }
  return { ok: false, error: `unterminated string starting at ${i}` }
}

/**
 * Scans a Python list (or tuple) of string literals starting at `i`: `['a', "b", ]`, `()`.
 */
export const scanStringList = (s: string, i: number): Scan<ReadonlyArray<string>> => {
  i = skipSpace(s, i)
  const open = s[i]
  const close = open === "[" ? "]" : open === "(" ? ")" : undefined
  if (close === undefined) return { ok: false, error: `expected [ or ( at ${i}` }
  i++
  const values: Array<string> = []
  for (;;) {
    i = skipSpace(s, i)
    if (i >= s.length) return { ok: false, error: "unterminated list" }
    if (s[i] === close) return { ok: true, value: values, end: i + 1 }
    const str = scanString(s, i)
    if (!str.ok) return str
    values.push(str.value)
    i = skipSpace(s, str.end)
    if (s[i] === ",") i++
    else if (s[i] !== close) return { ok: false, error: `expected , or ${close} at ${i}` }
  }
}

/** Parses a whole Python list of strings (nothing but whitespace after it). */
export const parseStringList = (s: string): Scan<ReadonlyArray<string>> => {
  const r = scanStringList(s, 0)
  if (!r.ok) return r
  const rest = skipSpace(s, r.end)
  return rest === s.length ? r : { ok: false, error: `unexpected text after the list at ${rest}` }
}

// ── triplets ─────────────────────────────────────────────────────────────────

/** The key of a triplet: normalised subject, relation, object (see the module header). */
export const tripletKey = (subject: string, relation: string, object: string): string =>
  Key.node(subject) + "|" + Key.relation(relation) + "|" + Key.node(object)

/**
 * Parses `"subject, relation, object"`: exactly three comma-separated parts, each with a
 * non-empty key. `null` otherwise.
 */
export const parseTriplet = (text: string): Triplet | null => {
  const parts = text.split(",").map((p) => p.trim())
  if (parts.length !== 3) return null
  const [subject, relation, object] = parts as [string, string, string]
  if (Key.node(subject) === "" || Key.relation(relation) === "" || Key.node(object) === "") return null
  return { subject, relation, object, key: tripletKey(subject, relation, object) }
}

/** Parses a list of triplet strings; bad strings are dropped and described in `errors`. */
export const parseTripletList = (
  text: string
): { readonly listOk: boolean; readonly triplets: Array<Triplet>; readonly errors: Array<string> } => {
  const list = parseStringList(text)
  if (!list.ok) return { listOk: false, triplets: [], errors: [list.error] }
  const triplets: Array<Triplet> = []
  const errors: Array<string> = []
  for (const v of list.value) {
    const t = parseTriplet(v)
    if (t === null) errors.push(`not a triplet: ${JSON.stringify(v.slice(0, 80))}`)
    else triplets.push(t)
  }
  return { listOk: true, triplets, errors }
}

/** The text between a bracket at `i` and its match (quotes respected); `end` is past the close. */
const scanBracketed = (s: string, i: number): Scan<string> => {
  const open = s[i]
  if (open !== "[") return { ok: false, error: `expected [ at ${i}` }
  let depth = 0
  let j = i
  while (j < s.length) {
    const c = s[j]!
    if (c === "'" || c === "\"") {
      const str = scanString(s, j)
      // an unbalanced quote inside a bare pair (`[it's, ...]`) is taken as text
      j = str.ok ? str.end : j + 1
      continue
    }
    if (c === "[") depth++
    else if (c === "]") {
      depth--
      if (depth === 0) return { ok: true, value: s.slice(i + 1, j), end: j + 1 }
    }
    j++
  }
  return { ok: false, error: "unbalanced brackets" }
}

/** Unquotes every string literal in `s`, keeping the bare text around them. */
const unquoteAll = (s: string): string => {
  let out = ""
  let i = 0
  while (i < s.length) {
    const c = s[i]!
    if (c === "'" || c === "\"") {
      const str = scanString(s, i)
      if (str.ok) {
        out += str.value
        i = str.end
        continue
      }
    }
    out += c
    i++
  }
  return out
}

/** Parses one replacement's inner text (`"a, r, b" -> "c, r, d"` in any quoting). */
export const parseReplacement = (inner: string): Replacement | string => {
  const text = unquoteAll(inner)
  const sides = text.split("->")
  if (sides.length !== 2) return `expected one "->" in ${JSON.stringify(text.slice(0, 120))}`
  const old = parseTriplet(sides[0]!.replace(/,\s*$/, ""))
  const replacement = parseTriplet(sides[1]!.replace(/^\s*,/, ""))
  if (old === null) return `old side is not a triplet: ${JSON.stringify(sides[0]!.trim().slice(0, 80))}`
  if (replacement === null) return `new side is not a triplet: ${JSON.stringify(sides[1]!.trim().slice(0, 80))}`
  return { old, replacement }
}

/**
 * Parses the value of an `Outdated triplets:` section: an optional `Replacing:` prefix, then a
 * list of pairs. Pairs that do not parse are dropped and described in `errors`; an unbalanced
 * list keeps the pairs read before the damage.
 */
export const parseOutdated = (text: string): { readonly pairs: Array<Replacement>; readonly errors: Array<string> } => {
  const s = text.trim().replace(/^Replacing:\s*/, "")
  const pairs: Array<Replacement> = []
  const errors: Array<string> = []
  if (s[0] !== "[") return { pairs, errors: s.length === 0 ? [] : [`expected a list, got ${JSON.stringify(s.slice(0, 60))}`] }
  let i = 1
  for (;;) {
    i = skipSpace(s, i)
    while (s[i] === ",") i = skipSpace(s, i + 1)
    if (i >= s.length) {
      errors.push("unterminated list of replacements")
      return { pairs, errors }
    }
    if (s[i] === "]") {
      const rest = skipSpace(s, i + 1)
      if (rest !== s.length) errors.push(`unexpected text after the list: ${JSON.stringify(s.slice(rest, rest + 40))}`)
      return { pairs, errors }
    }
    let inner: string
    if (s[i] === "[") {
      const b = scanBracketed(s, i)
      if (!b.ok) {
        errors.push(b.error)
        return { pairs, errors }
      }
      inner = b.value
      i = b.end
    } else if (s[i] === "'" || s[i] === "\"") {
      const str = scanString(s, i)
      if (!str.ok) {
        errors.push(str.error)
        return { pairs, errors }
      }
      inner = JSON.stringify(str.value)
      i = str.end
    } else {
      errors.push(`unexpected ${JSON.stringify(s[i])} at ${i}`)
      return { pairs, errors }
    }
    const r = parseReplacement(inner)
    if (typeof r === "string") errors.push(r)
    else pairs.push(r)
  }
}

// ── JSON blocks ──────────────────────────────────────────────────────────────

/** The first balanced `{...}` of `s` (JSON strings respected), parsed; an error otherwise. */
export const parseJsonBlock = (s: string): Scan<unknown> => {
  const start = s.indexOf("{")
  if (start < 0) return { ok: false, error: "no JSON object" }
  let depth = 0
  let inString = false
  for (let j = start; j < s.length; j++) {
    const c = s[j]!
    if (inString) {
      if (c === "\\") j++
      else if (c === "\"") inString = false
      continue
    }
    if (c === "\"") inString = true
    else if (c === "{") depth++
    else if (c === "}") {
      depth--
      if (depth === 0) {
        try {
          return { ok: true, value: JSON.parse(s.slice(start, j + 1)) as unknown, end: j + 1 }
        } catch (e) {
          return { ok: false, error: `invalid JSON: ${e instanceof Error ? e.message : String(e)}` }
        }
      }
    }
  }
  return { ok: false, error: "unbalanced JSON object" }
}

// ── the log ──────────────────────────────────────────────────────────────────

const HEADER = new RegExp(
  "^(Attempt|Step|Observation|Inventory|Crucial items|New triplets|Outdated triplets|Associated_subgraph|" +
    "Associated triplets|Length of subgraph|Episodic memory|Graph|If explore|Actions that isn't tried|Plan\\d*|Action|" +
    "tokens [a-z ]+|Step cost|Total cost|Total amount|Total time|REWARDS|Game itog|Navigation step):(.*)$"
)

interface Section {
  readonly name: string
  readonly line: number
  readonly lines: Array<string>
}

/** Splits the log into header sections; text before the first header is ignored. */
const sections = (text: string): Array<Section> => {
  const out: Array<Section> = []
  const lines = text.split(/\r?\n/)
  let current: Section | undefined
  for (let n = 0; n < lines.length; n++) {
    const l = lines[n]!
    const m = HEADER.exec(l)
    if (m !== null) {
      current = { name: m[1]!, line: n + 1, lines: [m[2]!] }
      out.push(current)
    } else if (/^(NAVIGATION|={10,})\s*$/.test(l)) {
      current = { name: l.startsWith("=") ? "separator" : "NAVIGATION", line: n + 1, lines: [] }
      out.push(current)
    } else if (current !== undefined) {
      current.lines.push(l)
    }
  }
  return out
}

/**
 * Cleans an observation for use as an episode: drops the game's prompt lines (`$`, `>` status
 * bars, `Game step #N`, a leading `Step: N`) and collapses blank runs.
 */
export const cleanObservation = (raw: string): string =>
  raw
    .split("\n")
    .map((l) => l.replace(/\s+$/, ""))
    .filter((l) => !/^\s*(\$|>.*|Game step #\d+|Step: \d+)\s*$/.test(l))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()

interface StepDraft {
  step: number
  line: number
  observation: string | null
  newTriplets: Array<Triplet>
  outdated: Array<Replacement>
  graph: Array<Triplet> | null
  plan: unknown
  action: string | null
}

/**
 * Parses a whole log. Never throws: what does not parse is in `malformed`.
 * @complexity O(size of the log)
 */
export const parseLog = (text: string): Log => {
  const attempts: Array<{ attempt: number; steps: Array<StepDraft> }> = []
  const malformed: Array<Malformed> = []
  let navigationSteps = 0
  let step: StepDraft | undefined
  // inside a `Navigation step:` block (its observation belongs to no step)
  let navigating = false
  const bad = (sec: Section, reason: string): void => {
    malformed.push({ line: sec.line, section: sec.name, reason })
  }
  const currentAttempt = () => {
    if (attempts.length === 0) attempts.push({ attempt: 1, steps: [] })
    return attempts[attempts.length - 1]!
  }
  for (const sec of sections(text)) {
    const value = sec.lines.join("\n")
    const first = (sec.lines[0] ?? "").trim()
    switch (sec.name) {
      case "Attempt": {
        const n = Number.parseInt(first, 10)
        if (!Number.isFinite(n)) bad(sec, `attempt number ${JSON.stringify(first)}`)
        attempts.push({ attempt: Number.isFinite(n) ? n : attempts.length + 1, steps: [] })
        step = undefined
        navigating = false
        break
      }
      case "Step": {
        const n = Number.parseInt(first, 10)
        if (!Number.isFinite(n)) bad(sec, `step number ${JSON.stringify(first)}`)
        const a = currentAttempt()
        step = {
          step: Number.isFinite(n) ? n : a.steps.length + 1, line: sec.line, observation: null, newTriplets: [],
          outdated: [], graph: null, plan: null, action: null
        }
        a.steps.push(step)
        navigating = false
        break
      }
      case "Navigation step":
      case "NAVIGATION":
        if (sec.name === "Navigation step") navigationSteps++
        navigating = true
        break
      case "Observation":
        if (navigating) break
        if (step === undefined) bad(sec, "observation outside a step")
        else if (step.observation !== null) bad(sec, "second observation in a step")
        else step.observation = cleanObservation(value)
        break
      case "New triplets":
      case "Graph": {
        if (step === undefined || navigating) {
          bad(sec, "outside a step")
          break
        }
        const r = parseTripletList(value.trim())
        for (const e of r.errors) bad(sec, e)
        // a Graph: list that does not parse leaves the run's graph unknown (null), not empty
        if (sec.name === "Graph") step.graph = r.listOk ? r.triplets : null
        else step.newTriplets.push(...r.triplets)
        break
      }
      case "Outdated triplets": {
        if (step === undefined || navigating) {
          bad(sec, "outside a step")
          break
        }
        const r = parseOutdated(value)
        for (const e of r.errors) bad(sec, e)
        step.outdated.push(...r.pairs)
        break
      }
      case "Action": {
        if (step === undefined || navigating) break
        const r = parseJsonBlock(value)
        if (!r.ok) bad(sec, r.error)
        else {
          const a = (r.value as { action_to_take?: unknown } | null)?.action_to_take
          step.action = typeof a === "string" ? a : null
        }
        break
      }
      default:
        if (/^Plan\d*$/.test(sec.name) && step !== undefined && !navigating) {
          const r = parseJsonBlock(value)
          if (!r.ok) bad(sec, r.error)
          else step.plan = r.value
        }
    }
  }
  return {
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      steps: a.steps.map((s): Step => ({ ...s, observation: s.observation ?? "" }))
    })),
    malformed,
    navigationSteps
  }
}
