/**
 * `mags history <fact|node>` — the versions of what memory believes. For a fact id
 * (`f|subject|relation|object…`, as `export --format json` shows), the facts of its slot (same
 * subject and relation); for a node (label or id), the facts of every slot it is the subject of,
 * and the facts it is the object of. Each version with its validity (`valid` or `until …`,
 * `from …`), when it was learned, and what superseded it. Oldest first within a slot. Read only
 * (the database is opened read only). A target memory does not know fails with `NotFound`
 * (exit 12, as `connect` does). `--json` prints one `HistoryView` line, with the journal events
 * that wrote the facts.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Argument, Command } from "effect/cli"
import type { Fact } from "../../../core/Fact.ts"
import * as LiquidGraph from "../../../core/LiquidGraph.ts"
import { fail } from "../../app/Failure.ts"
import * as Ops from "../../app/Ops.ts"
import * as Render from "../../app/Render.ts"
import * as Services from "../../app/Services.ts"
import * as Json from "../Json.ts"
import * as Root from "../Root.ts"

const version = (g: LiquidGraph.LiquidGraph, f: Fact): string => {
  const status = f.supersededBy !== null
    ? `superseded by ${Render.fact(g, LiquidGraph.edge(g, f.supersededBy) ?? f)}`
    : f.validUntil !== null
    ? "ended"
    : "current"
  return `  ${Render.fact(g, f)}  · learned ${Render.date(f.learnedAt)} · confidence ${f.confidence.toFixed(2)} · ${status}`
}

/**
 * The history lines of a fact id or node (see the module header; the facts are
 * `Ops.historyFacts`'); `undefined` when unknown.
 * @complexity O(facts of the node · log)
 */
export const lines = (g: LiquidGraph.LiquidGraph, target: string): Array<string> | undefined => {
  const found = Ops.historyFacts(g, target)
  if (found === undefined) return undefined
  const out: Array<string> = []
  for (const slot of found.slots) {
    out.push(`${Render.label(g, slot.subject)} —${slot.relation}→ (${slot.chain.length} version${slot.chain.length === 1 ? "" : "s"})`)
    for (const f of slot.chain) out.push(version(g, f))
  }
  if (found.incoming.length > 0) {
    out.push(`facts about it as object (${found.incoming.length}):`)
    for (const f of found.incoming) out.push(version(g, f))
  }
  if (out.length === 0) out.push("no facts")
  return out
}

/** The `history` command. */
export const history = Command.make("history", {
  target: Argument.String("target").pipe(Argument.withDescription("A fact id (f|…) or a node label / id")),
  json: Json.flag
}, ({ json, target }) =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    if (json) return yield* Json.print(yield* Services.withMemory(s, (memory) => Ops.history(memory, target), { readOnly: true }))
    const state = yield* Services.withMemory(s, (memory) => memory.state, { readOnly: true })
    const out = lines(state.graph, target)
    if (out === undefined) return yield* fail("NotFound", `not in memory: "${target}"`)
    for (const line of out) yield* Console.log(line)
  })).pipe(Command.withDescription("The versions of a fact or of a node's facts"))
