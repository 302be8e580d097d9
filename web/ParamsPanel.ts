/**
 * ParamsPanel — the "Params" tab: every parameter of `core/Params.ts` with an input bounded by
 * its documented range and its meaning. Changing one re-runs maintenance (decay → prune →
 * consolidate) in the page's core on a copy of the memory, under the memory's parameters and
 * under the edited ones, and shows the difference (`WhatIf.compare`). "Save to the memory" sends
 * the changed values to the API (`PUT M/params`: one ParamsSet event).
 */
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import { fill, h, num } from "./Dom.ts"
import * as Elements from "./Elements.ts"
import { GraphView } from "./GraphView.ts"
import { formatDuration } from "./Journal.ts"
import type { Page } from "./Page.ts"
import * as WhatIf from "./WhatIf.ts"

const DAY = 86_400_000

/** Mounts the Params tab into `root`; `shown` is called when the tab is shown. */
export const mountParams = (root: HTMLElement, page: Page): { readonly shown: () => void } => {
  const inputs = new Map<Params.ParamName, HTMLInputElement>()
  const result = h("div", { id: "whatif" })
  const problem = h("p", { class: "problem", id: "params-problem" })
  const filter = h("input", { type: "search", id: "params-filter", placeholder: "filter parameters…", oninput: () => applyFilter() })
  const days = h("input", { type: "number", id: "whatif-days", min: 0, max: 3650, step: 1, value: 14, onchange: () => run() })
  const tbody = h("tbody")
  const singleValued = h("p", { class: "hint", id: "params-single-valued" })
  const canvas = h("div", { class: "graph small", id: "whatif-graph" })
  const drawing = new GraphView(canvas, () => {})

  const names = Object.keys(Params.spec) as Array<Params.ParamName>
  const rows = new Map<Params.ParamName, HTMLTableRowElement>()
  for (const name of names) {
    const s: Params.ParamSpec = Params.spec[name]
    const input = h("input", {
      type: "number", id: `param-${name}`, name, min: s.min, max: s.max, step: s.int ? 1 : "any",
      onchange: () => run()
    })
    inputs.set(name, input)
    const tr = h("tr", { "data-param": name },
      h("th", {}, name),
      h("td", {}, input),
      h("td", { class: "range" }, `[${num(s.min)}, ${num(s.max)}]${s.int ? " integer" : ""}`),
      h("td", { class: "default" }, num(s.default)),
      h("td", { class: "doc" }, s.doc))
    rows.set(name, tr)
    tbody.append(tr)
  }

  const applyFilter = () => {
    const q = filter.value.trim().toLowerCase()
    for (const [name, tr] of rows) tr.hidden = q !== "" && !name.toLowerCase().includes(q) && !Params.spec[name].doc.toLowerCase().includes(q)
  }

  /** The inputs' values as a parameter record (validated), or why not. */
  const edited = (): { params: Params.Params } | { problem: string } => {
    const base = page.state().params
    const candidate: Record<string, unknown> = { ...base }
    for (const [name, input] of inputs) {
      const v = input.value.trim() === "" ? Number.NaN : Number(input.value)
      candidate[name] = v
    }
    const decoded = Params.decode(candidate)
    if (decoded._tag === "Failure") {
      const bad = names.filter((n) => {
        const v = candidate[n] as number
        const s = Params.spec[n]
        return !Number.isFinite(v) || v < s.min || v > s.max || (s.int && !Number.isInteger(v))
      })
      return { problem: bad.length > 0 ? `Out of range: ${bad.map((n) => `${n} must be in [${Params.spec[n].min}, ${Params.spec[n].max}]${Params.spec[n].int ? " (integer)" : ""}`).join("; ")}` : decoded.failure.message }
    }
    return { params: decoded.success }
  }

  const load = () => {
    const p = page.state().params
    for (const [name, input] of inputs) {
      input.value = String(p[name])
      rows.get(name)!.classList.toggle("changed", false)
    }
    problem.textContent = ""
    fill(singleValued, h("strong", {}, "singleValued"), ` (${p.singleValued.length} relations that hold one value at a time; reconcile supersedes the older value): ${p.singleValued.join(", ")}`)
    run()
  }

  const list = (title: string, ids: ReadonlyArray<string>, g: LiquidGraph.LiquidGraph, cls: string) => {
    if (ids.length === 0) return null
    const text = (id: string) => {
      const e = LiquidGraph.edge(g, id)
      if (e !== undefined) return Elements.factText(g, e)
      return LiquidGraph.node(g, id)?.label ?? id
    }
    return h("div", { class: `diff ${cls}` }, h("h4", {}, `${title} (${ids.length})`),
      h("ul", {}, ids.slice(0, 30).map((id) => h("li", {}, text(id))), ids.length > 30 ? h("li", {}, `… and ${ids.length - 30} more`) : null))
  }

  const run = () => {
    const state = page.state()
    const e = edited()
    for (const [name, input] of inputs) rows.get(name)!.classList.toggle("changed", Number(input.value) !== state.params[name])
    if ("problem" in e) {
      problem.textContent = e.problem
      fill(result)
      return
    }
    problem.textContent = ""
    const dt = Math.max(0, Number(days.value) || 0) * DAY
    const last = page.journal().entries.at(-1)
    const now = (last?.now ?? 0) + dt
    const d = WhatIf.compare(state, e.params, dt, now)
    drawing.emphasize(new Set(d.lostNodes), new Set(d.lostEdges))
    drawing.show(d.currentGraph)
    const sizes = (s: WhatIf.Size) => [h("td", {}, s.nodes), h("td", {}, s.edges), h("td", {}, s.facts)]
    fill(result,
      h("p", {}, d.changed.length === 0
        ? "The inputs equal the memory's parameters: both runs are the same."
        : `Changed: ${d.changed.map((c) => `${c.name} ${String(c.from)} → ${String(c.to)}`).join(", ")}.`),
      h("table", { class: "sizes" },
        h("tr", {}, h("th", {}, ""), h("th", {}, "nodes"), h("th", {}, "edges"), h("th", {}, "facts")),
        h("tr", {}, h("th", {}, "memory now"), sizes(d.before)),
        h("tr", { id: "whatif-current" }, h("th", {}, "after maintenance, memory's params"), sizes(d.current)),
        h("tr", { id: "whatif-edited" }, h("th", {}, "after maintenance, edited params"), sizes(d.edited))),
      list("Kept only under the memory's params (the edited ones remove them)", d.lostEdges, d.currentGraph, "lost"),
      list("Kept only under the edited params", d.gainedEdges, d.editedGraph, "gained"),
      list("Nodes only under the memory's params", d.lostNodes, d.currentGraph, "lost"),
      list("Nodes only under the edited params", d.gainedNodes, d.editedGraph, "gained"),
      d.reweighted.length === 0 ? null : h("div", { class: "diff" }, h("h4", {}, `Weights that differ (${d.reweighted.length}${d.reweighted.length === 50 ? "+" : ""})`),
        h("table", {}, h("tr", {}, h("th", {}, "edge"), h("th", {}, "memory's"), h("th", {}, "edited")),
          d.reweighted.slice(0, 20).map((r) => {
            const f = LiquidGraph.edge(d.currentGraph, r.id)
            return h("tr", {}, h("td", {}, f === undefined ? r.id : Elements.factText(d.currentGraph, f)), h("td", {}, num(r.current)), h("td", {}, num(r.edited)))
          }))))
  }

  const save = () => {
    const state = page.state()
    const e = edited()
    if ("problem" in e) {
      problem.textContent = e.problem
      return
    }
    const partial: Record<string, number> = {}
    for (const name of names) if (e.params[name] !== state.params[name]) partial[name] = e.params[name]
    if (Object.keys(partial).length === 0) {
      page.notice("No parameter changed.")
      return
    }
    page.api.setParams(partial).then(async () => {
      await page.sync()
      page.notice(`Saved ${Object.keys(partial).join(", ")} (one ParamsSet event).`)
      load()
    }, page.report)
  }

  const maintainNow = () => {
    page.api.maintain().then(async (m) => {
      await page.sync()
      page.notice(`Maintained over ${formatDuration(m.dt)}: ${m.weakened} weakened, ${m.removed} removed, ${m.archived} archived, ${m.merged.length} merged; ${m.before.nodes} → ${m.after.nodes} nodes, ${m.before.edges} → ${m.after.edges} edges.`)
    }, page.report)
  }

  fill(root,
    h("div", { class: "params-tab" },
      h("div", { class: "params-list" },
        h("div", { class: "toolbar" }, filter,
          h("button", { id: "params-reset", onclick: () => load() }, "Reset to the memory's"),
          h("button", { id: "params-save", onclick: () => save() }, "Save to the memory")),
        problem,
        h("table", { class: "params", id: "params-table" },
          h("thead", {}, h("tr", {}, h("th", {}, "parameter"), h("th", {}, "value"), h("th", {}, "range"), h("th", {}, "default"), h("th", {}, "meaning"))),
          tbody),
        singleValued),
      h("div", { class: "whatif-pane" },
        h("h2", {}, "What if"),
        h("p", { class: "hint" }, "Maintenance (decay → prune → consolidate) run in this page's core on a copy of the memory, once under the memory's parameters and once under the edited ones. Nothing is sent to the server until you save."),
        h("label", {}, "Maintenance after ", days, " days"),
        result,
        h("p", { class: "hint" }, "The memory after maintenance under its own parameters; marked orange: what the edited parameters would remove."),
        canvas,
        h("h2", {}, "On the memory"),
        h("p", { class: "hint" }, "Runs maintenance on the stored memory now (decay over the time since its last decay, prune, consolidate): three events."),
        h("button", { id: "maintain-run", onclick: () => maintainNow() }, "Run maintenance now"))))

  // the what-if runs two maintenance passes: only while the tab is on screen
  let stale = true
  page.onChange(() => {
    if (root.offsetParent === null) stale = true
    else load()
  })
  return {
    shown: () => {
      drawing.cy.resize()
      if (!stale) return
      stale = false
      load()
    }
  }
}
