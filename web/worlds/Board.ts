/**
 * Board — each world as a picture, the truth beside what the agent's memory believes:
 * - nonsense: the rule table (opponent × colour → the winning answer) with memory's current
 *   belief per situation — right, wrong (a rule changed and memory has not reconciled yet, or
 *   believes an old counter), or unknown;
 * - maze: the grid of rooms with its doors, the passages memory holds as current facts, the
 *   agent and the goal;
 * - kitchen: where each item of the recipe is, and where memory believes it is.
 * The models are pure (`*Board` functions, tested in Node); `render` draws them.
 */
import * as Fact from "../../core/Fact.ts"
import * as Key from "../../core/Key.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Relation from "../../core/Relation.ts"
import type { KitchenState } from "../../examples/games/Kitchen.ts"
import type { MazeState } from "../../examples/games/Maze.ts"
import { DIRS } from "../../examples/games/Nav.ts"
import { type NonsenseState, RELATION, situation } from "../../examples/games/Nonsense.ts"
import type { WorldName } from "./Runner.ts"

// ── models ────────────────────────────────────────────────────────────────────

/** The objects of the current positive facts of a slot (a relation phrase, canonicalised as engram does), newest first. */
export const believed = (g: LiquidGraph.LiquidGraph, subject: string, relation: string): Array<string> =>
  LiquidGraph.slot(g, Key.node(subject), Relation.canon(relation))
    .filter((f) => Fact.isCurrent(f) && !f.negated)
    .sort((a, b) => (b.validFrom ?? b.learnedAt) - (a.validFrom ?? a.learnedAt))
    .map((f) => f.object)

/** One situation of the nonsense game. */
export interface RuleCell {
  readonly opponent: string
  readonly colour: string
  /** The answer that wins now. */
  readonly truth: string
  /** What memory believes wins (its newest current positive fact), if anything. */
  readonly belief: string | undefined
  /** The situation of the round being played. */
  readonly current: boolean
  /** The last rule change altered it. */
  readonly changed: boolean
}

/** The nonsense rule table against memory. */
export interface RuleBoard {
  readonly kind: "nonsense"
  readonly colours: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<RuleCell>>
  /** Situations memory gets right, and all of them. */
  readonly right: number
  readonly total: number
}

/** @complexity O(tokens · colours · slot size) */
export const nonsenseBoard = (g: LiquidGraph.LiquidGraph, s: NonsenseState): RuleBoard => {
  const lastChange = new Set(s.changed.at(-1) ?? [])
  let right = 0
  const rows = s.tokens.map((opponent) =>
    s.colours.map((colour): RuleCell => {
      const truth = s.counter[opponent + "|" + colour]!
      const belief = believed(g, situation(opponent, colour), RELATION)[0]
      if (belief === Key.node(truth)) right++
      return { opponent, colour, truth, belief, current: !s.done && opponent === s.opponent && colour === s.colour, changed: lastChange.has(opponent + "|" + colour) }
    }))
  return { kind: "nonsense", colours: s.colours, rows, right, total: s.tokens.length * s.colours.length }
}

/** A room of the maze, at its grid position. */
export interface MazeCell {
  readonly x: number
  readonly y: number
  readonly room: string
  /** Memory holds a node for it. */
  readonly known: boolean
  readonly agent: boolean
  readonly goal: boolean
}

/** A door between two neighbouring rooms. */
export interface Passage {
  readonly from: readonly [number, number]
  readonly to: readonly [number, number]
  /** Memory holds it as a current fact (either way round). */
  readonly known: boolean
}

/** The maze against memory. */
export interface MazeBoard {
  readonly kind: "maze"
  readonly width: number
  readonly height: number
  readonly cells: ReadonlyArray<MazeCell>
  readonly passages: ReadonlyArray<Passage>
}

/** @complexity O(rooms · 4 · slot size) */
export const mazeBoard = (g: LiquidGraph.LiquidGraph, s: MazeState): MazeBoard => {
  const { height, width } = s.config
  // the rooms are named in grid order (Maze.reset: names[y · width + x])
  const at = new Map(s.rooms.map((r, i) => [r, [i % width, Math.floor(i / width)] as const]))
  const cells = s.rooms.map((room, i): MazeCell => ({
    x: i % width, y: Math.floor(i / width), room,
    known: LiquidGraph.hasNode(g, Key.node(room)), agent: room === s.room, goal: room === s.goal
  }))
  const passages: Array<Passage> = []
  for (const room of s.rooms) {
    for (const d of DIRS) {
      const to = s.exits[room]?.[d]
      if (to === undefined || room > to) continue // each door once
      const back = Object.entries(s.exits[to] ?? {}).find(([, r]) => r === room)?.[0]
      const known = believed(g, room, `${d} leads to`).includes(Key.node(to)) ||
        (back !== undefined && believed(g, to, `${back} leads to`).includes(Key.node(room)))
      passages.push({ from: at.get(room)!, to: at.get(to)!, known })
    }
  }
  return { kind: "maze", width, height, cells, passages }
}

/** An item of the recipe: where it is, where memory believes it is. */
export interface ItemRow {
  readonly item: string
  readonly truth: string
  readonly belief: string | undefined
  readonly held: boolean
}

/** The kitchen's recipe against memory. */
export interface KitchenBoard {
  readonly kind: "kitchen"
  readonly recipe: ReadonlyArray<ItemRow>
  /** Rooms memory holds a node for, of all rooms. */
  readonly roomsKnown: number
  readonly rooms: number
}

/** @complexity O(items + rooms) */
export const kitchenBoard = (g: LiquidGraph.LiquidGraph, s: KitchenState): KitchenBoard => {
  const recipe = s.recipes[Math.min(s.episode, s.recipes.length - 1)] ?? []
  const rooms = Object.keys(s.exits)
  return {
    kind: "kitchen",
    recipe: recipe.map((item) => ({ item, truth: s.itemAt[item] ?? "?", belief: believed(g, item, "is in")[0], held: s.inventory.includes(item) })),
    roomsKnown: rooms.filter((r) => LiquidGraph.hasNode(g, Key.node(r))).length,
    rooms: rooms.length
  }
}

export type Board = RuleBoard | MazeBoard | KitchenBoard

/** The board of `world` in `state` against `g`. */
export const boardOf = (world: WorldName, g: LiquidGraph.LiquidGraph, state: unknown): Board =>
  world === "nonsense" ? nonsenseBoard(g, state as NonsenseState) : world === "maze" ? mazeBoard(g, state as MazeState) : kitchenBoard(g, state as KitchenState)

// ── drawing ───────────────────────────────────────────────────────────────────

const SVG = "http://www.w3.org/2000/svg"

const svgEl = (tag: string, attrs: Record<string, string | number>, text?: string): SVGElement => {
  const e = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v))
  if (text !== undefined) e.textContent = text
  return e
}

const html = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string>, ...children: Array<Node | string>): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v)
  e.append(...children)
  return e
}

const drawRules = (b: RuleBoard): HTMLElement =>
  html("div", {},
    html("table", { class: "worlds-rules" },
      html("tr", {}, html("th", {}, "opponent \\ colour"), ...b.colours.map((c) => html("th", {}, c))),
      ...b.rows.map((row) =>
        html("tr", {}, html("th", {}, row[0]?.opponent ?? ""), ...row.map((cell) =>
          html("td", {
            class: [cell.belief === undefined ? "worlds-unknown" : cell.belief === Key.node(cell.truth) ? "worlds-right" : "worlds-wrong", cell.current ? "worlds-current" : ""].join(" "),
            title: `wins: ${cell.truth}; memory: ${cell.belief ?? "nothing yet"}${cell.changed ? " (changed at the last rule change)" : ""}`
          }, cell.belief ?? "?", cell.changed ? " ⚡" : "", html("small", {}, ` ${cell.truth}`)))))),
    html("div", { class: "worlds-muted", "data-testid": "worlds-board-score" }, `memory right on ${b.right} of ${b.total} situations (cell: memory's belief, small: the true counter; ⚡ changed at the last rule change; outlined: this round)`))

const drawMaze = (b: MazeBoard): SVGElement => {
  const c = 44
  const root = svgEl("svg", { viewBox: `0 0 ${b.width * c + 8} ${b.height * c + 8}`, width: b.width * c + 8, height: b.height * c + 8, "data-testid": "worlds-maze" })
  const centre = ([x, y]: readonly [number, number]) => [4 + x * c + c / 2, 4 + y * c + c / 2] as const
  for (const cell of b.cells) {
    root.append(svgEl("rect", { x: 4 + cell.x * c + 3, y: 4 + cell.y * c + 3, width: c - 6, height: c - 6, rx: 4, fill: cell.known ? "#dbeafe" : "#f1f5f9", stroke: cell.goal ? "#ca8a04" : "#cbd5e1", "stroke-width": cell.goal ? 3 : 1 }))
    const t = svgEl("title", {}, `${cell.room}${cell.known ? " (in memory)" : ""}${cell.goal ? " — the goal" : ""}`)
    root.lastChild!.appendChild(t)
  }
  for (const p of b.passages) {
    const [x1, y1] = centre(p.from)
    const [x2, y2] = centre(p.to)
    root.append(svgEl("line", { x1, y1, x2, y2, stroke: p.known ? "#16a34a" : "#cbd5e1", "stroke-width": p.known ? 4 : 2, "stroke-linecap": "round", "data-known": String(p.known) }))
  }
  for (const cell of b.cells) {
    const [x, y] = centre([cell.x, cell.y])
    if (cell.goal) root.append(svgEl("text", { x, y: y + 5, "text-anchor": "middle", "font-size": 16, fill: "#ca8a04" }, "★"))
    if (cell.agent) root.append(svgEl("circle", { cx: x, cy: y, r: 8, fill: "#2563eb", stroke: "#fff", "stroke-width": 2 }))
  }
  return root
}

const drawKitchen = (b: KitchenBoard): HTMLElement =>
  html("div", {},
    html("table", { class: "worlds-rules" },
      html("tr", {}, html("th", {}, "recipe item"), html("th", {}, "is in"), html("th", {}, "memory says")),
      ...b.recipe.map((r) =>
        html("tr", {}, html("td", {}, r.item + (r.held ? " (held)" : "")), html("td", {}, r.truth),
          html("td", { class: r.belief === undefined ? "worlds-unknown" : r.belief === Key.node(r.truth) ? "worlds-right" : "worlds-wrong" }, r.belief ?? "?")))),
    html("div", { class: "worlds-muted" }, `rooms in memory: ${b.roomsKnown} of ${b.rooms}`))

/** The board as page content. */
export const render = (b: Board): Node =>
  b.kind === "nonsense" ? drawRules(b) : b.kind === "maze" ? html("div", {}, drawMaze(b), html("div", { class: "worlds-muted" }, "green: passages memory holds as current facts; blue rooms: in memory; ● the agent, ★ the goal")) : drawKitchen(b)
