/**
 * Render — how the `mags` CLI shows memory to a person: node labels, facts, paths, and facts as
 * plain sentences (the no-model answer template).
 *
 * Notation:
 * - a fact: `Mira —live_in→ Vell`; negated `Tobin —not like→ storms`; a fact that ended or was
 *   superseded carries `[until 2025-03-01]`; its validity start `[from 2021-01-01]`;
 * - a path: the labels of its nodes joined by the relations of its edges in the direction they
 *   point: `Tobin —visit→ Mira —live_in→ Vell`, or `Vell ←live_in— Mira` when walked backwards;
 *   episodes show as the start of their text in quotes.
 *
 * **The sentence template** ({@link sentence}): `<subject> <relation> <object>.` where the
 * relation's underscores become spaces and its first word is put in the third person singular
 * (`live_in` → "lives in", `work_at` → "works at", `own` → "owns", `is_a` → "is a"; words that are
 * already inflected — `is`, `was`, `has`, a word ending in `ed` — are kept, and `born`
 * becomes "was born"). A negated fact reads `<subject> does not <relation> <object>.` (`is not`
 * for `is`). A fact with a start adds ` (since <year or date>)`, an ended fact ` (until <date>)`;
 * the first letter is capitalised. This is a template, not grammar: it never
 * invents words beyond these rules.
 *
 * @since 0.1.0
 */
import type { Path } from "../../core/Connect.ts"
import type { Fact } from "../../core/Fact.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import { isoDate } from "../loop/Prompt.ts"

// ── labels ────────────────────────────────────────────────────────────────────

const QUOTE_CHARS = 32

/**
 * The label a person reads for a node: its label, or for an episode the start of its text in
 * quotes; the id itself when the node is gone.
 * @complexity O(log n)
 */
export const label = (g: LiquidGraph.LiquidGraph, id: string): string => {
  const n = LiquidGraph.node(g, id)
  if (n === undefined) return id
  if (n.kind !== "episode") return n.label
  const text = (n.text ?? n.label).replace(/\s+/g, " ").trim()
  return "“" + (text.length > QUOTE_CHARS ? text.slice(0, QUOTE_CHARS) + "…" : text) + "”"
}

/**
 * A world/system time as an ISO date (`YYYY-MM-DD`); total (see `Prompt.isoDate`: a year
 * outside 0000–9999 or a time `Date` cannot hold reads `year …`, never throws).
 * @complexity O(1)
 */
export const date = (ms: number): string => isoDate(ms)

// ── facts and paths ───────────────────────────────────────────────────────────

/**
 * One fact: `subject —relation→ object`, with `[from …]` / `[until …]` when bounded.
 * Laws: names the subject's and the object's labels.
 * @complexity O(log n)
 */
export const fact = (g: LiquidGraph.LiquidGraph, f: Fact): string => {
  const rel = (f.negated ? "not " : "") + f.relation
  const from = f.validFrom === null ? "" : ` [from ${date(f.validFrom)}]`
  const until = f.validUntil === null ? "" : ` [until ${date(f.validUntil)}]`
  return `${label(g, f.subject)} —${rel}→ ${label(g, f.object)}${from}${until}`
}

/**
 * A path as labels joined by its edges' relations, each arrow in the edge's own direction.
 * Laws: names every node of the path, in order.
 * @complexity O(length · log n)
 */
export const path = (g: LiquidGraph.LiquidGraph, p: Pick<Path, "nodes" | "edges">): string => {
  const parts: Array<string> = [label(g, p.nodes[0] ?? "?")]
  for (let i = 0; i < p.edges.length; i++) {
    const e = LiquidGraph.edge(g, p.edges[i]!)
    const next = p.nodes[i + 1] ?? "?"
    const rel = e === undefined ? "?" : (e.negated ? "not " : "") + e.relation
    const forward = e === undefined || e.subject === p.nodes[i]
    parts.push(forward ? `—${rel}→` : `←${rel}—`, label(g, next))
  }
  return parts.join(" ")
}

// ── sentences ─────────────────────────────────────────────────────────────────

const KEEP = new Set(["is", "was", "are", "were", "has", "had", "does", "did", "can", "not"])

const thirdPerson = (verb: string): string => {
  if (KEEP.has(verb) || verb.endsWith("ed") || verb.endsWith("ing")) return verb
  if (verb === "born") return "was born"
  if (verb === "have") return "has"
  if (verb === "be") return "is"
  if (/(s|sh|ch|x|z|o)$/.test(verb)) return verb + "es"
  if (/[^aeiou]y$/.test(verb)) return verb.slice(0, -1) + "ies"
  return verb + "s"
}

/**
 * A fact as a plain sentence (the template of the module header).
 * Laws: starts with the subject label (first letter capitalised), contains the object label, ends with "."; negated facts
 * contain "not".
 * @complexity O(|labels|)
 * @example
 * ```ts
 * Render.sentence("Mira", "live_in", "Vell", false, null) // "Mira lives in Vell."
 * ```
 */
export const sentence = (
  subject: string,
  relation: string,
  object: string,
  negated: boolean,
  until: number | null,
  from: number | null = null
): string => {
  const words = relation.split("_").filter((w) => w.length > 0)
  const [first = "", ...rest] = words
  const verb = negated
    ? (first === "is" || first === "was" ? `${first} not` : first === "born" ? "was not born" : `does not ${first}`)
    : thirdPerson(first)
  const phrase = [verb, ...rest].join(" ")
  const since = from === null ? "" : ` (since ${when(from)})`
  const upTo = until === null ? "" : ` (until ${when(until)})`
  const text = `${subject} ${phrase} ${object}${since}${upTo}.`
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** A time as a year when it is the first instant of a year (UTC), else as a date. @complexity O(1) */
export const when = (ms: number): string => {
  const d = new Date(ms)
  if (Number.isNaN(d.getTime())) return date(ms)
  return d.getUTCMonth() === 0 && d.getUTCDate() === 1 && ms % 86_400_000 === 0 ? String(d.getUTCFullYear()) : date(ms)
}

/** A fact of the graph as a sentence. @complexity O(log n) */
export const factSentence = (g: LiquidGraph.LiquidGraph, f: Fact): string =>
  sentence(label(g, f.subject), f.relation, label(g, f.object), f.negated, f.validUntil, f.validFrom)
