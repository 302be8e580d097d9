/**
 * Render — how the `mags` CLI shows memory to a person: node labels, facts, paths, and facts as
 * plain sentences (what the no-model answer template says).
 *
 * Notation:
 * - a fact: `Mira —live_in→ Vell`; negated `Tobin —not like→ storms`; a fact that ended or was
 *   superseded carries `[until 2025-03-01]`; its validity start `[from 2021-01-01]`;
 * - a path: the labels of its nodes joined by the relations of its edges in the direction they
 *   point: `Tobin —visit→ Mira —live_in→ Vell`, or `Vell ←live_in— Mira` when walked backwards;
 *   episodes show as the start of their text in quotes.
 *
 * **The sentence template** ({@link sentence}): `<subject> <phrase> <object>.` where the phrase
 * is the fact's own surface phrase or its canonical relation's display phrase
 * (`Relation.display`: "lives in", "moved to", "is married to", "is the sister of") — the words
 * as told, never an inflection made up from a relation key (`Relation.sentence`: "Kim is not
 * married to Lee", "Tobin does not like storms", "Kim's favourite colour is blue"). A fact with a
 * start adds ` (since <year or date>)`, an ended fact ` (until <date>)`; the first letter is
 * capitalised.
 *
 * @since 0.1.0
 */
import type { Path } from "../../core/Connect.ts"
import type { Fact } from "../../core/Fact.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Relation from "../../core/Relation.ts"
import { isoDate } from "../extract/Dates.ts"

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
 * A world/system time as an ISO date (`YYYY-MM-DD`); total (see `Dates.isoDate`: a year
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

/**
 * A fact as a plain sentence (the template of the module header), from its display phrase.
 * Laws: starts with the subject label (first letter capitalised) or its possessive,
 * contains the phrase and the object label, ends with "."; negated facts contain "not".
 * @complexity O(|labels| + |phrase|)
 * @example
 * ```ts
 * Render.sentence("Mira", "lives in", "Vell", false, null) // "Mira lives in Vell."
 * Render.sentence("Kim", "lived in", "Berlin", false, Date.UTC(2018, 0, 1)) // "Kim lived in Berlin (until 2018)."
 * ```
 */
export const sentence = (
  subject: string,
  phrase: string,
  object: string,
  negated: boolean,
  until: number | null,
  from: number | null = null
): string => {
  const since = from === null ? "" : ` (since ${when(from)})`
  const upTo = until === null ? "" : ` (until ${when(until)})`
  const text = Relation.sentence({ subject, relation: Relation.canon(phrase), phrase, object, negated })
  const out = `${text}${since}${upTo}.`
  return out.charAt(0).toUpperCase() + out.slice(1)
}

/** A time as a year when it is the first instant of a year (UTC), else as a date. @complexity O(1) */
export const when = (ms: number): string => {
  const d = new Date(ms)
  if (Number.isNaN(d.getTime())) return date(ms)
  return d.getUTCMonth() === 0 && d.getUTCDate() === 1 && ms % 86_400_000 === 0 ? String(d.getUTCFullYear()) : date(ms)
}

/** A fact of the graph as a sentence, with its display phrase (`Relation.display`). @complexity O(log n) */
export const factSentence = (g: LiquidGraph.LiquidGraph, f: Fact): string =>
  sentence(label(g, f.subject), Relation.display(f), label(g, f.object), f.negated, f.validUntil, f.validFrom)
