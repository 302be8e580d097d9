/**
 * Elements — a core graph as cytoscape elements: which nodes and edges to draw, and their classes.
 *
 * A memory can hold 10^5 facts; a drawing of more than a few hundred nodes is unreadable and slow,
 * so at most `limit` nodes are drawn: the `pinned` ones (a recall's path, the selection), then the
 * most important ones (`importance`, then id), each followed by its strongest neighbours (up to
 * {@link FANOUT}) — with every edge between drawn nodes.
 * Classes say what the style shows: `semantic` / `episodic` (the node's block), `working`
 * (working-memory tier), `fact` / `mention` / `association` (edge kind), `superseded` (a fact
 * no longer current: superseded or ended), `solidified`.
 */
import * as Fact from "../core/Fact.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Node from "../core/Node.ts"

/** What to draw. */
export interface Options {
  /** Most nodes drawn. */
  readonly limit: number
  /** Draw facts that are no longer current. */
  readonly superseded: boolean
  /** Draw episode → entity mention edges (and so the episodes' links). */
  readonly mentions: boolean
  /** Draw association edges (co-occurrence, sequence). */
  readonly associations: boolean
  /** Node ids drawn whatever their importance. */
  readonly pinned?: ReadonlySet<string>
}

/** The default drawing options. */
export const defaults: Options = { limit: 300, superseded: true, mentions: true, associations: false }

/** A cytoscape element definition (the subset the page uses). */
export interface Element {
  readonly group: "nodes" | "edges"
  readonly data: Record<string, string | number | boolean | null>
  readonly classes: string
}

/** The drawing of a graph and how much of it is drawn. */
export interface Drawing {
  readonly elements: ReadonlyArray<Element>
  readonly nodesShown: number
  readonly nodesTotal: number
  readonly edgesShown: number
  readonly edgesTotal: number
}

/** Neighbours drawn with each important node (its strongest edges). */
const FANOUT = 6

const short = (s: string, n: number): string => (s.length > n ? s.slice(0, n - 1) + "…" : s)

/** The text of a fact: subject, relation (its phrase when it has one), object, with negation. */
export const factText = (g: LiquidGraph.LiquidGraph | undefined, f: Fact.Fact): string => {
  const label = (id: string) => (g === undefined ? id : LiquidGraph.anyNode(g, id)?.label ?? id)
  return `${label(f.subject)} ${f.negated ? "not " : ""}${f.phrase ?? f.relation} ${label(f.object)}`
}

/**
 * The elements that draw `g` under `options`.
 * @complexity O(V log V + E)
 */
export const draw = (g: LiquidGraph.LiquidGraph, options: Options = defaults): Drawing => {
  const all = LiquidGraph.nodes(g)
  const pinned = options.pinned ?? new Set<string>()
  const ranked = all
    .filter((n) => options.mentions || n.kind !== "episode" || pinned.has(n.id))
    .sort((a, b) => b.importance - a.importance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const shown = new Set<string>()
  const limit = Math.max(options.limit, pinned.size)
  const drawable = (e: Fact.Fact): boolean =>
    (e.kind !== "mention" || options.mentions) && (e.kind !== "association" || options.associations) &&
    (options.superseded || Fact.isCurrent(e))
  for (const id of pinned) if (LiquidGraph.hasNode(g, id)) shown.add(id)
  // the most important nodes, each with its strongest drawable neighbours, so the drawing shows
  // connected neighbourhoods rather than a scatter of unrelated hubs
  for (const n of ranked) {
    if (shown.size >= limit) break
    shown.add(n.id)
    const neighbours = LiquidGraph.incident(g, n.id).filter(drawable)
      .sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    let added = 0
    for (const e of neighbours) {
      if (shown.size >= limit || added >= FANOUT) break
      const other = Fact.other(e, n.id)
      if (shown.has(other) || !LiquidGraph.hasNode(g, other)) continue
      if (!options.mentions && LiquidGraph.node(g, other)?.kind === "episode") continue
      shown.add(other)
      added++
    }
  }
  const elements: Array<Element> = []
  for (const n of all) {
    if (!shown.has(n.id)) continue
    const block = Node.block(n.kind)
    elements.push({
      group: "nodes",
      data: { id: n.id, label: short(n.label, block === "episodic" ? 28 : 40), kind: n.kind, importance: n.importance },
      classes: [block, n.tier === "working" ? "working" : ""].filter((c) => c !== "").join(" ")
    })
  }
  const edges = LiquidGraph.edges(g)
  let edgesShown = 0
  for (const e of edges) {
    if (!shown.has(e.subject) || !shown.has(e.object)) continue
    if (!drawable(e)) continue
    const current = Fact.isCurrent(e)
    edgesShown++
    elements.push({
      group: "edges",
      data: {
        id: e.id,
        source: e.subject,
        target: e.object,
        label: e.kind === "fact" ? short(`${e.negated ? "not " : ""}${e.phrase ?? e.relation}`, 30) : "",
        weight: e.weight
      },
      classes: [e.kind, current ? "" : "superseded", e.solidified ? "solidified" : ""].filter((c) => c !== "").join(" ")
    })
  }
  return { elements, nodesShown: shown.size, nodesTotal: all.length, edgesShown, edgesTotal: edges.length }
}
