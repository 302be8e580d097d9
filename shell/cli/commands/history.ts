/**
 * `mags history <fact|node>` — the versions of what memory believes. For a fact id
 * (`f|subject|relation|object…`, as `export --format json` shows), the facts of its slot (same
 * subject and relation); for a node (label or id), the facts of every slot it is the subject of,
 * and the facts it is the object of. Each version with its validity (`valid` or `until …`,
 * `from …`), when it was learned, and what superseded it. Oldest first within a slot. Read only.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Argument, Command } from "effect/cli"
import * as Connect from "../../../core/Connect.ts"
import type { Fact } from "../../../core/Fact.ts"
import * as LiquidGraph from "../../../core/LiquidGraph.ts"
import * as Reconcile from "../../../core/Reconcile.ts"
import { fail } from "../../app/Failure.ts"
import * as Render from "../../app/Render.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"

const version = (g: LiquidGraph.LiquidGraph, f: Fact): string => {
  const status = f.supersededBy !== null
    ? `superseded by ${Render.fact(g, LiquidGraph.edge(g, f.supersededBy) ?? f)}`
    : f.validUntil !== null
    ? "ended"
    : "current"
  return `  ${Render.fact(g, f)}  · learned ${Render.date(f.learnedAt)} · confidence ${f.confidence.toFixed(2)} · ${status}`
}

/**
 * The history lines of a fact id or node (see the module header); `undefined` when unknown.
 * @complexity O(facts of the node · log)
 */
export const lines = (g: LiquidGraph.LiquidGraph, target: string): Array<string> | undefined => {
  const asFact = LiquidGraph.edge(g, target)
  const slots = new Map<string, Array<Fact>>()
  const incoming: Array<Fact> = []
  if (asFact !== undefined && asFact.kind === "fact") {
    slots.set(`${asFact.subject}|${asFact.relation}`, LiquidGraph.slot(g, asFact.subject, asFact.relation))
  } else {
    const node = Connect.resolveNode(g, target)
    if (node === undefined) return undefined
    for (const f of LiquidGraph.incident(g, node)) {
      if (f.kind !== "fact") continue
      if (f.subject === node) {
        const key = `${f.subject}|${f.relation}`
        if (!slots.has(key)) slots.set(key, LiquidGraph.slot(g, f.subject, f.relation))
      } else incoming.push(f)
    }
  }
  const out: Array<string> = []
  for (const [key, facts] of [...slots.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [subject, relation] = key.split("|") as [string, string]
    out.push(`${Render.label(g, subject)} —${relation}→ (${facts.length} version${facts.length === 1 ? "" : "s"})`)
    for (const f of [...facts].sort(Reconcile.chronological)) out.push(version(g, f))
  }
  if (incoming.length > 0) {
    out.push(`facts about it as object (${incoming.length}):`)
    for (const f of incoming.sort(Reconcile.chronological)) out.push(version(g, f))
  }
  if (out.length === 0) out.push("no facts")
  return out
}

/** The `history` command. */
export const history = Command.make("history", {
  target: Argument.String("target").pipe(Argument.withDescription("A fact id (f|…) or a node label / id"))
}, ({ target }) =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const state = yield* Services.withMemory(s, (memory) => memory.state)
    const out = lines(state.graph, target)
    if (out === undefined) return yield* fail("Usage", `not in memory: "${target}"`)
    for (const line of out) yield* Console.log(line)
  })).pipe(Command.withDescription("The versions of a fact or of a node's facts"))
