/**
 * World — the shape every game world has, and the triples agents learn from.
 *
 * A world is pure: `reset(seed)` gives the initial state and observation, `step(state, action)`
 * gives `{ state, observation, reward, done }`. Every observation carries its text (what an agent
 * "reads"; lines start with `[t=<step>]`), and the world's `parse(text)` turns any text it wrote
 * (a whole history, a window of it, a retrieved chunk) into triples. Every agent learns through
 * the same `parse`, so the memories differ only in WHAT text or triples they keep and return.
 */
import { Key, Relation } from "../../core/index.ts"

/** A subject–relation–object triple read from a world's text, with the step it was observed at. */
export interface Triple {
  readonly subject: string
  readonly relation: string
  readonly object: string
  readonly negated: boolean
  readonly step: number
}

/**
 * A triple in the form the core stores it: the canonical relation of the phrase and its subject
 * and object in that relation's order (`Relation.normalize`, what `engram` applies: "north leads
 * to" → `north_lead_to`, "is in" → `located_in`), subject and object as node keys (`Key.node`).
 * Every agent reads triples in this one form, so a policy matches what MAGS's recall returns.
 */
export const triple = (subject: string, relation: string, object: string, negated: boolean, step: number): Triple => {
  const n = Relation.normalize({ subject, relation, object })
  return { subject: Key.node(n.subject), relation: n.relation, object: Key.node(n.object), negated, step }
}

/** A stable string for a triple's content (not its step). */
export const tripleKey = (t: Pick<Triple, "subject" | "relation" | "object" | "negated">): string =>
  t.subject + "|" + t.relation + "|" + t.object + (t.negated ? "|not" : "")

/**
 * Of many triples (possibly contradicting, from a raw history), the ones still believed: for each
 * (subject, relation, object) the latest observation's polarity; and for a single-valued relation
 * only the latest positive object. This is the explicit "latest evidence wins" rule the baselines'
 * policies apply to what their memory returns (MAGS's recall returns only current facts already,
 * reconciled by the core, so the rule changes nothing there).
 */
export const latestBeliefs = (ts: ReadonlyArray<Triple>, singleValued: ReadonlySet<string>): Array<Triple> => {
  const byObj = new Map<string, Triple>()
  for (const t of ts) {
    const k = t.subject + "|" + t.relation + "|" + t.object
    const old = byObj.get(k)
    if (old === undefined || t.step > old.step || (t.step === old.step && t.negated && !old.negated)) byObj.set(k, t)
  }
  const out: Array<Triple> = []
  const bestPositive = new Map<string, Triple>()
  for (const t of byObj.values()) {
    if (!t.negated && singleValued.has(t.relation)) {
      const slot = t.subject + "|" + t.relation
      const b = bestPositive.get(slot)
      if (b === undefined || t.step > b.step || (t.step === b.step && t.object < b.object)) bestPositive.set(slot, t)
    } else out.push(t)
  }
  for (const t of bestPositive.values()) out.push(t)
  return out.sort((a, b) => (a.step - b.step) || (tripleKey(a) < tripleKey(b) ? -1 : tripleKey(a) > tripleKey(b) ? 1 : 0))
}

/** The line prefix every observation line has. */
export const stamp = (step: number): string => `[t=${step}] `

/** Splits a text into its `[t=N]` lines: `{ step, body }`. Lines without a stamp are ignored. */
export const lines = (text: string): Array<{ step: number; body: string }> => {
  const out: Array<{ step: number; body: string }> = []
  for (const line of text.split("\n")) {
    const m = /^\[t=(\d+)\] (.*)$/.exec(line.trim())
    if (m !== null) out.push({ step: Number(m[1]), body: m[2] as string })
  }
  return out
}

/** What a world step returns. */
export interface Transition<S, O> {
  readonly state: S
  readonly observation: O
  readonly reward: number
  readonly done: boolean
}

/** The observation every world gives: its text, the legal actions, and a query for memory. */
export interface BaseObservation {
  readonly step: number
  readonly text: string
  readonly actions: ReadonlyArray<string>
  /** What an agent would ask its memory about now (the current situation, in the world's words). */
  readonly query: string
}

/**
 * A world with its documented, deterministic memory-driven policy. `decide` sees only the current
 * observation and the triples the agent's memory returned, and names the triples it relied on
 * (`used`, which MAGS reinforces when the step is rewarded).
 */
export interface World<S, O extends BaseObservation, Cfg> {
  readonly name: string
  readonly reset: (config: Cfg, seed: number) => Transition<S, O>
  readonly step: (state: S, action: string) => Transition<S, O>
  readonly parse: (text: string) => Array<Triple>
  readonly singleValued: ReadonlySet<string>
  readonly decide: (
    observation: O,
    knowledge: ReadonlyArray<Triple>,
    rngDraw: () => number
  ) => { readonly action: string; readonly used: ReadonlyArray<Triple> }
  /** A short statement of the task, for a language model's prompt. */
  readonly task: (observation: O) => string
}
