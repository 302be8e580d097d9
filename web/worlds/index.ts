/**
 * The "Worlds" tab: the example worlds (nonsense game, maze, kitchen) played step by step in the
 * page by the games' no-model MAGS agent, with its memory beside the world — counts, a growth
 * chart, the graph, the latest events with their tags, what reconcile superseded and what prune
 * archived (see Runner.ts). Everything runs in the page on the pure core; the server is only
 * used, when the page gives an API client, to copy the facts learned into the memory it shows.
 */
import { Result } from "effect"
import * as Params from "../../core/Params.ts"
import type { Api } from "../Api.ts"
import { fill, h } from "../Dom.ts"
import { GraphView } from "../GraphView.ts"
import * as Board from "./Board.ts"
import * as Chart from "./Chart.ts"
import * as Runner from "./Runner.ts"

/** The mounted tab. */
export interface WorldsHandle {
  /** The run on screen (tests and the console read it). */
  readonly runner: () => Runner.Runner
  /** Stops auto-run and empties the container. */
  readonly dispose: () => void
}

const STYLE = `
.worlds-root { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(420px, 1.4fr); gap: 12px; font: 13px/1.4 system-ui, sans-serif; color: #1f2933; }
.worlds-bar { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 6px 8px; background: #f1f5f9; border-radius: 6px; }
.worlds-bar label { display: inline-flex; gap: 4px; align-items: center; }
.worlds-bar input[type=number] { width: 64px; }
.worlds-col { display: flex; flex-direction: column; gap: 10px; min-width: 0; }
.worlds-box { border: 1px solid #e2e8f0; border-radius: 6px; padding: 6px 8px; min-width: 0; }
.worlds-box h3 { margin: 0 0 4px; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #475569; }
.worlds-box pre { margin: 0; white-space: pre-wrap; font: 12px/1.35 ui-monospace, monospace; }
.worlds-scroll { max-height: 190px; overflow: auto; }
.worlds-kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; }
.worlds-kv dt { color: #64748b; } .worlds-kv dd { margin: 0; }
.worlds-counts { display: grid; grid-template-columns: repeat(4, 1fr); gap: 4px; }
.worlds-count { background: #f8fafc; border-radius: 4px; padding: 3px 6px; } .worlds-count b { display: block; font-size: 16px; }
.worlds-list { list-style: none; margin: 0; padding: 0; font-size: 12px; }
.worlds-list li { padding: 1px 0; border-bottom: 1px dotted #e2e8f0; }
.worlds-tag { display: inline-block; min-width: 86px; padding: 0 4px; margin-right: 6px; border-radius: 3px; font: 11px ui-monospace, monospace; color: #fff; background: #64748b; }
.worlds-tag-Engrammed { background: #2563eb; } .worlds-tag-Recalled { background: #7c3aed; } .worlds-tag-Reconciled { background: #dc2626; }
.worlds-tag-Reinforced { background: #16a34a; } .worlds-tag-Decayed { background: #a16207; } .worlds-tag-Pruned { background: #9a3412; } .worlds-tag-Consolidated { background: #0f766e; }
.worlds-graph { height: 340px; border: 1px solid #e2e8f0; border-radius: 6px; }
.worlds-win { color: #15803d; font-weight: 600; } .worlds-loss { color: #b91c1c; }
.worlds-muted { color: #64748b; }
.worlds-rules { border-collapse: collapse; font-size: 12px; } .worlds-rules td, .worlds-rules th { border: 1px solid #e2e8f0; padding: 2px 6px; text-align: center; }
.worlds-rules small { color: #94a3b8; } .worlds-right { background: #dcfce7; } .worlds-wrong { background: #fee2e2; } .worlds-unknown { background: #f8fafc; color: #94a3b8; }
.worlds-current { outline: 2px solid #2563eb; outline-offset: -2px; }
.worlds-moves { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 6px; } .worlds-moves button.worlds-suggested { border-color: #16a34a; }
`

const option = (value: string, text: string, selected: boolean): HTMLOptionElement => h("option", { value, selected }, text)

/**
 * Fills `el` with the Worlds tab. `api`, when given, is the page's client for the memory it
 * shows: a button copies the facts the agent holds now into that memory (hand-added facts).
 */
export const mountWorlds = (el: HTMLElement, api?: Api): WorldsHandle => {
  let options: Runner.Options = Runner.defaults
  let runner = Runner.make(options)
  let timer: ReturnType<typeof setTimeout> | undefined
  let lastDraw = 0

  // ── controls ──
  const world = h("select", { "data-testid": "worlds-world" }, Runner.WORLDS.map((w) => option(w, w, w === options.world)))
  const seed = h("input", { type: "number", min: 0, step: 1, value: options.seed, "data-testid": "worlds-seed" })
  const size = h("select", { "data-testid": "worlds-size" }, option("quick", "small", true), option("full", "full size", false))
  const every = h("input", { type: "number", min: 0, step: 1, value: options.maintainEvery, title: "maintenance every N steps (0: never, as the games)", "data-testid": "worlds-every" })
  const idle = h("input", { type: "number", min: 0, step: 1, value: options.idleDays, title: "idle time each maintenance decays over", "data-testid": "worlds-idle" })
  const speed = h("select", { "data-testid": "worlds-speed" }, option("1", "1 step / tick", true), option("5", "5 steps / tick", false), option("25", "25 steps / tick", false))
  const episodes = h("input", { type: "checkbox", "data-testid": "worlds-episodes" })
  const stepButton = h("button", { "data-testid": "worlds-step", onclick: () => advance(1) }, "Step")
  const runButton = h("button", { "data-testid": "worlds-run", onclick: () => toggle() }, "Run")
  const resetButton = h("button", { "data-testid": "worlds-reset", onclick: () => reset() }, "New run")
  const maintainButton = h("button", { "data-testid": "worlds-maintain", onclick: () => { runner.maintain(); render(true) } }, "Maintain now")
  const copyButton = api === undefined ? null : h("button", { "data-testid": "worlds-copy", onclick: () => void copy() }, "Copy facts to the inspector's memory")
  const note = h("span", { class: "worlds-muted", "data-testid": "worlds-note" })
  // A few of the memory's parameters (core/Params.ts, with their documented ranges); a new run uses them.
  const DAY = 86_400_000
  const tuned = [
    { key: "pruneWeight", scale: 1, unit: "" },
    { key: "decayHalfLife", scale: DAY, unit: "days" },
    { key: "reinforceRate", scale: 1, unit: "" }
  ] as const
  const paramInputs = tuned.map(({ key, scale, unit }) => {
    const spec = Params.spec[key]
    const input = h("input", {
      type: "number", step: "any", min: spec.min / scale, max: spec.max / scale, value: Params.defaults[key] / scale,
      title: `${spec.doc} (range ${spec.min / scale}–${spec.max / scale}${unit === "" ? "" : " " + unit})`, "data-testid": `worlds-param-${key}`
    })
    return { key, scale, unit, input }
  })

  // ── panes ──
  const status = h("dl", { class: "worlds-kv", "data-testid": "worlds-status" })
  const lastStep = h("div", { "data-testid": "worlds-last" })
  const moves = h("div", { class: "worlds-moves", "data-testid": "worlds-moves" })
  const board = h("div", { "data-testid": "worlds-board" })
  const observation = h("pre", { "data-testid": "worlds-observation" })
  const recalled = h("ul", { class: "worlds-list worlds-scroll", "data-testid": "worlds-recalled" })
  const history = h("ul", { class: "worlds-list worlds-scroll", "data-testid": "worlds-history" })
  const counts = h("div", { class: "worlds-counts", "data-testid": "worlds-counts" })
  const chart = h("div", { "data-testid": "worlds-chart" })
  const graphBox = h("div", { class: "worlds-graph", "data-testid": "worlds-graph" })
  const graphNote = h("div", { class: "worlds-muted" })
  const events = h("ul", { class: "worlds-list worlds-scroll", "data-testid": "worlds-events" })
  const reconciled = h("ul", { class: "worlds-list worlds-scroll", "data-testid": "worlds-reconciled" })
  const pruned = h("ul", { class: "worlds-list worlds-scroll", "data-testid": "worlds-pruned" })

  const box = (title: string, ...children: Array<Node>) => h("div", { class: "worlds-box" }, h("h3", {}, title), ...children)
  const root = h("div", { class: "worlds-root", "data-testid": "worlds" },
    h("style", {}, STYLE),
    h("div", { class: "worlds-bar" },
      h("label", {}, "world", world), h("label", {}, "seed", seed), h("label", {}, "size", size),
      h("label", {}, "maintain every", every, "steps,"), h("label", {}, "idle", idle, "days"),
      resetButton, stepButton, runButton, speed, maintainButton,
      h("label", {}, episodes, "draw episodes"), copyButton, note),
    h("div", { class: "worlds-bar" },
      h("span", { class: "worlds-muted" }, "memory parameters (a new run uses them):"),
      paramInputs.map(({ input, key, unit }) => h("label", {}, key, input, unit))),
    h("div", { class: "worlds-col" },
      box("World", status, lastStep, moves),
      box("The world and what memory believes", board),
      box("What the world said", observation),
      box("What memory returned (recall with the query)", recalled),
      box("Steps", history)),
    h("div", { class: "worlds-col" },
      box("Memory", counts, chart),
      box("Graph (semantic: blue; episodes: amber; superseded: red dashed; facts the last decision used: green)", graphBox, graphNote),
      box("Latest events", events),
      box("Reconciled (superseded, kept as history)", reconciled),
      box("Pruned (moved to the archive)", pruned)))
  fill(el, root)

  const graph = new GraphView(graphBox, () => {})
  graph.options = { limit: 150, superseded: true, mentions: false, associations: false }
  const resize = new ResizeObserver(() => {
    graph.cy.resize()
  })
  resize.observe(graphBox)

  // ── behaviour ──
  const readOptions = (): Runner.Options => ({
    world: world.value as Runner.WorldName,
    seed: Math.max(0, Math.floor(Number(seed.value) || 0)),
    size: size.value === "full" ? "full" : "quick",
    maintainEvery: Math.max(0, Math.floor(Number(every.value) || 0)),
    idleDays: Math.max(0, Number(idle.value) || 0)
  })
  const readParams = (): Result.Result<Params.Params, string> => {
    const overrides: Record<string, number> = {}
    for (const { input, key, scale } of paramInputs) overrides[key] = Number(input.value) * scale
    const made = Params.make(overrides as Partial<Params.Params>)
    return Result.isFailure(made) ? Result.fail(made.failure.message) : Result.succeed(made.success)
  }
  const reset = (): void => {
    stop()
    const params = readParams()
    if (Result.isFailure(params)) {
      note.textContent = `not started: ${params.failure}`
      return
    }
    note.textContent = ""
    options = readOptions()
    runner = Runner.make(options, params.success)
    render(true)
  }
  const advance = (n: number, action?: string): void => {
    for (let i = 0; i < n; i++) if (runner.step(action) === undefined) break
    if (runner.done()) stop()
    render(timer === undefined || performance.now() - lastDraw > 600)
  }
  const tick = (): void => {
    advance(Number(speed.value))
    if (timer !== undefined) timer = setTimeout(tick, 60)
  }
  const stop = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    runButton.textContent = "Run"
  }
  const toggle = (): void => {
    if (timer !== undefined) {
      stop()
      render(true)
      return
    }
    if (runner.done()) return
    runButton.textContent = "Pause"
    timer = setTimeout(tick, 0)
  }
  episodes.addEventListener("change", () => {
    graph.options = { ...graph.options, mentions: episodes.checked }
    graph.redraw()
  })
  const copy = async (): Promise<void> => {
    if (api === undefined) return
    const g = runner.graph()
    const facts = [...Runner.currentFacts(g)]
    note.textContent = `copying ${facts.length} facts…`
    try {
      const r = await api.addFacts(facts)
      note.textContent = `copied ${r.facts} facts into ${api.memory.user}/${api.memory.agent}/${api.memory.session} (${r.events} events, now at seq ${r.seq}); see the Graph tab`
      window.dispatchEvent(new CustomEvent("mags:changed"))
    } catch (e) {
      note.textContent = `copy failed: ${e instanceof Error ? e.message : String(e)}`
    }
  }

  const render = (withGraph: boolean): void => {
    const frame = runner.frames().at(-1)
    fill(status, runner.status().flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]), h("dt", {}, "state"), h("dd", {}, runner.done() ? "over" : "playing"))
    fill(lastStep, frame === undefined
      ? h("span", { class: "worlds-muted" }, "No step yet: press Step or Run.")
      : h("span", {}, `step ${frame.step}: `, h("b", {}, frame.action), " → ",
        h("span", { class: frame.reward > 0 ? "worlds-win" : "worlds-loss" }, `reward ${frame.reward}`),
        frame.by === "you"
          ? ` (your move; the policy would have played ${frame.suggested})`
          : frame.used.length > 0 ? ` (relied on: ${frame.used.join("; ")})` : " (explored: memory gave no route or winner)",
        frame.maintained ? " · maintenance ran" : ""))
    fill(moves, runner.done() ? [] : [
      h("span", { class: "worlds-muted" }, "your move:"),
      ...runner.actions().map((a) => h("button", { "data-action": a, onclick: () => { stop(); advance(1, a) } }, a))
    ])
    fill(board, Board.render(Board.boardOf(options.world, runner.graph(), runner.state())))
    observation.textContent = frame?.text ?? runner.log().length.toString() + " events so far"
    fill(recalled, frame === undefined
      ? [h("li", { class: "worlds-muted" }, "—")]
      : frame.recalled.length === 0
        ? [h("li", { class: "worlds-muted" }, `nothing for “${frame.query}”`)]
        : [h("li", { class: "worlds-muted" }, `query: “${frame.query}”`), ...frame.recalled.map((r) => h("li", {}, r))])
    fill(history, runner.frames().slice(-40).reverse().map((f) =>
      h("li", {}, `t=${f.step} `, h("b", {}, f.action), f.by === "you" ? " (you)" : "", " ", h("span", { class: f.reward > 0 ? "worlds-win" : "worlds-loss" }, String(f.reward)), h("span", { class: "worlds-muted" }, ` · ${f.events} events`))))
    const c = runner.counts()
    const cell = (name: string, value: number, id: string) => h("div", { class: "worlds-count" }, h("b", { "data-testid": `worlds-count-${id}` }, value), name)
    fill(counts,
      cell("nodes", c.nodes, "nodes"), cell("entities", c.entities, "entities"), cell("episodes", c.episodes, "episodes"), cell("edges", c.edges, "edges"),
      cell("current facts", c.facts, "facts"), cell("superseded", c.superseded, "superseded"), cell("archived", c.archivedEdges + c.archivedNodes, "archived"), cell("events", c.events, "events"))
    fill(chart, Chart.svg(runner.series()))
    fill(events, runner.events().slice(-60).reverse().map((e) =>
      h("li", { "data-tag": e.tag }, h("span", { class: `worlds-tag worlds-tag-${e.tag}` }, e.tag), h("span", { class: "worlds-muted" }, `#${e.seq} t=${e.step} `), e.summary)))
    const rec = runner.reconciled()
    fill(reconciled, rec.length === 0
      ? [h("li", { class: "worlds-muted" }, "none yet")]
      : rec.slice(-30).reverse().map((r) => h("li", { title: r.why }, `t=${r.step} `, h("s", {}, r.loser), " → ", h("b", {}, r.winner))))
    const pr = runner.pruned()
    fill(pruned, pr.length === 0
      ? [h("li", { class: "worlds-muted" }, options.maintainEvery === 0 ? "maintenance is off (every 0 steps)" : "none yet")]
      : pr.slice(-30).reverse().map((p) => h("li", {}, `t=${p.step} `, p.text, h("span", { class: "worlds-muted" }, ` (${p.kind})`))))
    if (withGraph) {
      lastDraw = performance.now()
      graph.show(runner.graph())
      // the facts the last decision relied on, in the path colour (the rest not faded: this is a
      // marker, not a recall view)
      const g = runner.graph()
      graph.cy.batch(() => {
        for (const id of frame?.usedIds ?? []) {
          const e = Runner.edgeOf(g, id)
          if (e === undefined) continue
          for (const x of [id, e.subject, e.object]) graph.cy.getElementById(x).addClass("path")
        }
      })
      const d = graph.drawing
      graphNote.textContent = d === undefined ? "" : `drawn: ${d.nodesShown} of ${d.nodesTotal} nodes, ${d.edgesShown} of ${d.edgesTotal} edges`
    }
  }
  render(true)

  return {
    runner: () => runner,
    dispose: () => {
      stop()
      resize.disconnect()
      graph.cy.destroy()
      el.replaceChildren()
    }
  }
}
