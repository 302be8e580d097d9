/**
 * Export — a memory as JSON, Graphviz DOT or Mermaid (MISSION feature 15).
 *
 * - **json**: the state's snapshot (`Replay.snapshot`: `{ format, seq, params, graph }`), the
 *   exact memory — `Replay.restore` reads it back;
 * - **dot** / **mermaid**: a picture of the graph. By default the `fact` edges only (current ones
 *   solid; superseded or ended ones dashed, labelled `(until …)`) and the nodes they touch; with
 *   `all` also the association and mention edges (dotted) and episodes. Nodes are ordered by id
 *   and numbered `n0, n1, …` so the output is deterministic; labels are escaped.
 *
 * @since 0.1.0
 */
import type { Fact } from "../../core/Fact.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Replay from "../../core/Replay.ts"
import * as Render from "./Render.ts"

/** An export format. */
export type Format = "json" | "dot" | "mermaid"

/** Options of the pictures. */
export interface PictureOptions {
  /** Include association and mention edges and episodes (default false). */
  readonly all?: boolean
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

interface Picture {
  readonly nodes: ReadonlyArray<{ readonly id: string; readonly name: string; readonly label: string; readonly episode: boolean }>
  readonly edges: ReadonlyArray<{ readonly from: string; readonly to: string; readonly label: string; readonly style: "solid" | "dashed" | "dotted" }>
}

const picture = (g: LiquidGraph.LiquidGraph, options: PictureOptions): Picture => {
  const chosen: Array<Fact> = LiquidGraph.edges(g)
    .filter((e) => options.all === true || e.kind === "fact")
    .sort((a, b) => cmp(a.id, b.id))
  const ids = new Set<string>()
  for (const e of chosen) ids.add(e.subject).add(e.object)
  if (options.all === true) for (const n of LiquidGraph.nodes(g)) ids.add(n.id)
  const sorted = [...ids].sort(cmp)
  const name = new Map(sorted.map((id, i) => [id, `n${i}`]))
  return {
    nodes: sorted.map((id) => ({ id, name: name.get(id)!, label: Render.label(g, id), episode: LiquidGraph.node(g, id)?.kind === "episode" })),
    edges: chosen.map((e) => {
      const ended = e.validUntil !== null || e.supersededBy !== null
      const rel = (e.negated ? "not " : "") + e.relation
      return {
        from: name.get(e.subject)!,
        to: name.get(e.object)!,
        label: e.validUntil !== null ? `${rel} (until ${Render.date(e.validUntil)})` : ended ? `${rel} (superseded)` : rel,
        style: e.kind !== "fact" ? "dotted" : ended ? "dashed" : "solid"
      }
    })
  }
}

const dotString = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, "\\\"").replace(/\n/g, "\\n")}"`

/**
 * The graph as Graphviz DOT: `digraph mags { … }`, one `nK [label=…]` line per node and one
 * `nA -> nB [label=…]` line per edge.
 * Laws: deterministic; one edge line per exported edge.
 * @complexity O((n + m) log (n + m))
 */
export const dot = (g: LiquidGraph.LiquidGraph, options: PictureOptions = {}): string => {
  const p = picture(g, options)
  const lines = ["digraph mags {", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
  for (const n of p.nodes) lines.push(`  ${n.name} [label=${dotString(n.label)}${n.episode ? ", shape=note" : ""}];`)
  for (const e of p.edges) {
    lines.push(`  ${e.from} -> ${e.to} [label=${dotString(e.label)}${e.style === "solid" ? "" : `, style=${e.style}`}];`)
  }
  lines.push("}")
  return lines.join("\n") + "\n"
}

const mermaidString = (s: string): string =>
  `"${s.replace(/"/g, "#quot;").replace(/\|/g, "#124;").replace(/[<>]/g, (c) => (c === "<" ? "#lt;" : "#gt;")).replace(/\n/g, " ")}"`

/**
 * The graph as a Mermaid flowchart: `graph LR`, one `nK["label"]` line per node and one
 * `nA -->|"label"| nB` line per edge (`-.->` when dashed or dotted).
 * Laws: deterministic; one edge line per exported edge.
 * @complexity O((n + m) log (n + m))
 */
export const mermaid = (g: LiquidGraph.LiquidGraph, options: PictureOptions = {}): string => {
  const p = picture(g, options)
  const lines = ["graph LR"]
  for (const n of p.nodes) lines.push(`  ${n.name}${n.episode ? `>${mermaidString(n.label)}]` : `[${mermaidString(n.label)}]`}`)
  for (const e of p.edges) lines.push(`  ${e.from} ${e.style === "solid" ? "-->" : "-.->"}|${mermaidString(e.label)}| ${e.to}`)
  return lines.join("\n") + "\n"
}

/**
 * The state in `format`.
 * @complexity O((n + m) log (n + m) + vectors · dim)
 */
export const render = (state: Replay.State, format: Format, options: PictureOptions = {}): string =>
  format === "json" ? JSON.stringify(Replay.snapshot(state)) + "\n" : format === "dot" ? dot(state.graph, options) : mermaid(state.graph, options)
