/**
 * GraphView — a cytoscape drawing of a core graph: semantic nodes (entities, concepts) as blue
 * ellipses, episodic nodes (episodes) as amber rounded boxes; facts as labelled arrows, mentions
 * dotted, associations dashed, superseded facts red and dashed. A recall's justifying paths are
 * highlighted (`path` class), the rest faded; clicking a node or an edge selects it, a double
 * click on a node draws all its neighbours.
 */
import cytoscape from "cytoscape"
import * as Fact from "../core/Fact.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Elements from "./Elements.ts"

const style: Array<cytoscape.StylesheetJson[number]> = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "font-size": 10,
      "text-valign": "bottom",
      "text-margin-y": 3,
      color: "#1f2933",
      "text-outline-color": "#ffffff",
      "text-outline-width": 2,
      width: "mapData(importance, 0, 10, 14, 40)",
      height: "mapData(importance, 0, 10, 14, 40)"
    }
  },
  { selector: "node.semantic", style: { shape: "ellipse", "background-color": "#3b82f6", "border-color": "#1d4ed8", "border-width": 1 } },
  {
    selector: "node.episodic",
    style: { shape: "round-rectangle", "background-color": "#f59e0b", "border-color": "#b45309", "border-width": 1, width: 18, height: 12, "font-size": 8, color: "#7c4a03" }
  },
  { selector: "node.working", style: { "border-style": "dashed", "border-width": 2 } },
  {
    selector: "edge",
    style: {
      width: "mapData(weight, 0, 1, 0.5, 4)",
      "line-color": "#94a3b8",
      "curve-style": "bezier",
      "target-arrow-shape": "triangle",
      "target-arrow-color": "#94a3b8",
      "arrow-scale": 0.7,
      label: "data(label)",
      "font-size": 8,
      color: "#475569",
      "text-rotation": "autorotate",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.8,
      "text-background-padding": "1px"
    }
  },
  { selector: "edge.fact", style: { "line-color": "#64748b", "target-arrow-color": "#64748b" } },
  { selector: "edge.mention", style: { "line-style": "dotted", "target-arrow-shape": "none", "line-color": "#fbbf24" } },
  { selector: "edge.association", style: { "line-style": "dashed", "target-arrow-shape": "none", "line-color": "#cbd5e1" } },
  { selector: "edge.superseded", style: { "line-color": "#ef4444", "target-arrow-color": "#ef4444", "line-style": "dashed", color: "#b91c1c" } },
  { selector: "edge.solidified", style: { "line-color": "#0f766e", "target-arrow-color": "#0f766e" } },
  { selector: ".faded", style: { opacity: 0.18 } },
  { selector: "node.path", style: { "background-color": "#16a34a", "border-color": "#14532d", "border-width": 3, opacity: 1 } },
  { selector: "node.anchor", style: { "border-color": "#7c3aed", "border-width": 4 } },
  { selector: "edge.path", style: { "line-color": "#16a34a", "target-arrow-color": "#16a34a", width: 5, opacity: 1, color: "#14532d", "z-index": 10 } },
  { selector: "node.changed", style: { "border-color": "#ea580c", "border-width": 4, "border-style": "double" } },
  { selector: "edge.changed", style: { "line-color": "#ea580c", "target-arrow-color": "#ea580c", width: 4, "z-index": 9 } },
  { selector: ":selected", style: { "overlay-color": "#7c3aed", "overlay-opacity": 0.25, "overlay-padding": 4 } }
]

/** What was clicked. */
export type Selection = { readonly kind: "node"; readonly id: string } | { readonly kind: "edge"; readonly id: string }

/** A cytoscape view of one graph at a time. */
export class GraphView {
  readonly cy: cytoscape.Core
  private graph: LiquidGraph.LiquidGraph | undefined
  private highlighted: { nodes: ReadonlySet<string>; edges: ReadonlySet<string>; anchors: ReadonlySet<string> } | undefined
  options: Elements.Options = Elements.defaults
  /** Nodes drawn whatever their importance (the ones explored by hand). */
  private readonly pinned = new Set<string>()
  private emphasized: { nodes: ReadonlySet<string>; edges: ReadonlySet<string> } = { nodes: new Set(), edges: new Set() }
  /** The last drawing's counts (for the caption). */
  drawing: Elements.Drawing | undefined

  private readonly container: HTMLElement

  constructor(container: HTMLElement, onSelect: (s: Selection | undefined) => void) {
    this.container = container
    // no layout at construction: the container may not be in the document yet
    this.cy = cytoscape({ container, style, layout: { name: "null" }, minZoom: 0.05, maxZoom: 4 })
    this.cy.on("tap", "node", (e) => onSelect({ kind: "node", id: e.target.id() }))
    this.cy.on("tap", "edge", (e) => onSelect({ kind: "edge", id: e.target.id() }))
    this.cy.on("dbltap", "node", (e) => this.expand(e.target.id()))
    this.cy.on("tap", (e) => {
      if (e.target === this.cy) onSelect(undefined)
    })
  }

  /** Draws `graph` (keeping the positions of nodes already drawn; laying out the new ones). */
  show(graph: LiquidGraph.LiquidGraph): void {
    this.graph = graph
    const pinned = new Set<string>([...this.pinned, ...(this.highlighted?.nodes ?? [])])
    const drawing = Elements.draw(graph, { ...this.options, pinned })
    this.drawing = drawing
    const previous = new Map<string, cytoscape.Position>()
    this.cy.nodes().forEach((n) => {
      previous.set(n.id(), { ...n.position() })
    })
    this.cy.batch(() => {
      this.cy.elements().remove()
      this.cy.add(drawing.elements.map((e) => ({ group: e.group, data: e.data, classes: e.classes })) as Array<cytoscape.ElementDefinition>)
    })
    const fresh = this.cy.nodes().filter((n) => !previous.has(n.id()))
    this.cy.nodes().forEach((n) => {
      const p = previous.get(n.id())
      if (p !== undefined) n.position(p)
    })
    if (fresh.length === this.cy.nodes().length) {
      this.cy.layout({ name: "cose", animate: false, randomize: true, nodeRepulsion: () => 6000, idealEdgeLength: () => 60, numIter: 600 } as cytoscape.LayoutOptions).run()
      this.cy.fit(undefined, 20)
      // a handful of nodes would otherwise fill the canvas at four times their size
      if (this.cy.zoom() > 1.5) {
        this.cy.zoom(1.5)
        this.cy.center()
      }
    } else if (fresh.length > 0) {
      // new nodes are placed near a drawn neighbour, then the whole drawing settles a little
      fresh.forEach((n) => {
        const neighbour = n.neighborhood("node").filter((m) => previous.has(m.id())).first()
        const p = neighbour.length > 0 ? (neighbour as cytoscape.NodeSingular).position() : { x: 0, y: 0 }
        n.position({ x: p.x + (Math.random() - 0.5) * 80, y: p.y + (Math.random() - 0.5) * 80 })
      })
      this.cy.layout({ name: "cose", animate: false, randomize: false, numIter: 250, nodeRepulsion: () => 6000, idealEdgeLength: () => 60 } as cytoscape.LayoutOptions).run()
    }
    this.applyHighlight()
    this.applyEmphasis()
  }

  /** Redraws the current graph (after an option changed). */
  redraw(): void {
    if (this.graph !== undefined) this.show(this.graph)
  }

  /** Highlights paths (node and edge ids) and anchors; `undefined` clears. */
  highlight(h: { nodes: ReadonlySet<string>; edges: ReadonlySet<string>; anchors: ReadonlySet<string> } | undefined): void {
    const needsRedraw = h !== undefined && [...h.nodes].some((id) => this.cy.getElementById(id).length === 0)
    this.highlighted = h
    if (needsRedraw) this.redraw()
    else this.applyHighlight()
  }

  private applyHighlight(): void {
    const h = this.highlighted
    this.cy.batch(() => {
      this.cy.elements().removeClass("path anchor faded")
      if (h === undefined || (h.nodes.size === 0 && h.edges.size === 0)) return
      this.cy.elements().addClass("faded")
      for (const id of h.nodes) this.cy.getElementById(id).removeClass("faded").addClass("path")
      for (const id of h.edges) this.cy.getElementById(id).removeClass("faded").addClass("path")
      for (const id of h.anchors) this.cy.getElementById(id).addClass("anchor")
    })
    this.mark()
  }

  /** What is drawn, on the container's data attributes (for people's tools and the browser tests). */
  private mark(): void {
    const d = this.container.dataset
    d.nodes = String(this.cy.nodes().length)
    d.edges = String(this.cy.edges().length)
    d.semantic = String(this.cy.nodes(".semantic").length)
    d.episodic = String(this.cy.nodes(".episodic").length)
    d.highlighted = String(this.cy.elements(".path").length)
  }

  /** Marks what an event changed (orange), without fading the rest; an empty set clears. */
  emphasize(nodes: ReadonlySet<string>, edges: ReadonlySet<string>): void {
    this.emphasized = { nodes, edges }
    this.applyEmphasis()
  }

  private applyEmphasis(): void {
    this.cy.batch(() => {
      this.cy.elements().removeClass("changed")
      for (const id of this.emphasized.nodes) this.cy.getElementById(id).addClass("changed")
      for (const id of this.emphasized.edges) this.cy.getElementById(id).addClass("changed")
    })
    this.container.dataset.changed = String(this.cy.elements(".changed").length)
  }

  /** Draws these nodes from now on, whatever their importance (exploring by hand). */
  pin(ids: Iterable<string>): void {
    const before = this.pinned.size
    for (const id of ids) this.pinned.add(id)
    if (this.pinned.size !== before) this.redraw()
  }

  /** Draws a node's neighbours (all of them, whatever the limit and filters) and centres it. */
  expand(id: string): void {
    if (this.graph === undefined) return
    this.pin([id, ...LiquidGraph.incident(this.graph, id).map((f) => Fact.other(f, id))])
    this.focus(id)
  }

  /** Selects and centres an element, if drawn. */
  focus(id: string): void {
    const el = this.cy.getElementById(id)
    if (el.length === 0) return
    this.cy.elements().unselect()
    el.select()
    this.cy.animate({ center: { eles: el }, duration: 200 })
  }
}
