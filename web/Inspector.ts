/**
 * Inspector — the "Graph" tab: the memory drawn with cytoscape, and beside it search (recall with
 * its justifying paths highlighted), the selected node or fact, its history (the superseded chain
 * with validity, and the events that wrote it), and hand edits (add, correct, forget — each sent
 * to the API, so each is an event in the journal and shows in the history).
 */
import * as Fact from "../core/Fact.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import type { FactView, HistoryView, RecallView } from "./Api.ts"
import { fill, h, num, time } from "./Dom.ts"
import * as Elements from "./Elements.ts"
import { GraphView, type Selection } from "./GraphView.ts"
import type { Page } from "./Page.ts"

/** Mounts the Graph tab into `root`; returns its graph view. */
export const mountInspector = (root: HTMLElement, page: Page): GraphView => {
  const caption = h("span", { class: "caption", id: "graph-caption" })
  const canvas = h("div", { class: "graph", id: "graph" })
  const results = h("div", { id: "recall-results" })
  const details = h("div", { id: "details" }, h("p", { class: "hint" }, "Click a node or an edge to see it here."))
  const history = h("div", { id: "history" })
  let selection: Selection | undefined

  const graph = new GraphView(canvas, (s) => {
    selection = s
    showSelection()
  })

  const toggle = (id: string, label: string, key: "superseded" | "mentions" | "associations") =>
    h("label", { class: "toggle" },
      h("input", {
        type: "checkbox",
        id,
        ...(graph.options[key] ? { checked: true } : {}),
        onchange: (e: Event) => {
          graph.options = { ...graph.options, [key]: (e.target as HTMLInputElement).checked }
          graph.redraw()
          showCaption()
        }
      }),
      label)

  const limit = h("input", {
    type: "number", id: "graph-limit", min: 10, max: 5000, step: 10, value: graph.options.limit, title: "most nodes drawn (the most important first)",
    onchange: (e: Event) => {
      const v = Number((e.target as HTMLInputElement).value)
      if (Number.isFinite(v) && v >= 10) {
        graph.options = { ...graph.options, limit: Math.floor(v) }
        graph.redraw()
        showCaption()
      }
    }
  })

  const find = h("input", {
    type: "search", id: "graph-find", placeholder: "find a node…", autocomplete: "off", list: "graph-find-labels",
    onchange: () => {
      const q = find.value.trim().toLowerCase()
      if (q === "") return
      const g = page.state().graph
      const nodes = LiquidGraph.nodes(g)
      const hit = nodes.find((n) => n.label.toLowerCase() === q || n.id === q) ?? nodes.find((n) => n.label.toLowerCase().startsWith(q)) ??
        nodes.find((n) => n.label.toLowerCase().includes(q))
      if (hit === undefined) {
        page.notice(`No node matches “${find.value.trim()}”.`)
        return
      }
      graph.expand(hit.id)
      showCaption()
      select({ kind: "node", id: hit.id })
    }
  })
  const labels = h("datalist", { id: "graph-find-labels" })

  const showCaption = () => {
    const d = graph.drawing
    caption.textContent = d === undefined ? "" : `${d.nodesShown} of ${d.nodesTotal} nodes, ${d.edgesShown} of ${d.edgesTotal} edges drawn`
  }

  // ── search (recall) ──
  const query = h("input", { type: "search", id: "recall-query", placeholder: "Ask the memory (recall)…", autocomplete: "off" })
  const recallForm = h("form", {
    id: "recall-form",
    onsubmit: (e: Event) => {
      e.preventDefault()
      const q = query.value.trim()
      if (q === "") return
      fill(results, h("p", { class: "hint" }, "Recalling…"))
      page.api.recall(q, { k: 4, max: 12, record: false }).then(showRecall, (error) => {
        fill(results)
        page.report(error)
      })
    }
  }, query, h("button", { type: "submit" }, "Recall"), h("button", {
    type: "button",
    onclick: () => {
      fill(results)
      graph.highlight(undefined)
    }
  }, "Clear"))

  const showRecall = (view: RecallView) => {
    const nodes = new Set<string>()
    const edges = new Set<string>()
    const anchors = new Set(view.anchors.map((a) => a.id))
    for (const a of anchors) nodes.add(a)
    for (const r of view.facts) {
      edges.add(r.fact.id)
      nodes.add(r.fact.subject)
      nodes.add(r.fact.object)
      for (const n of r.path.nodes) nodes.add(n)
      for (const e of r.path.edges) edges.add(e)
    }
    for (const ep of view.episodes) {
      nodes.add(ep.id)
      for (const n of ep.path.nodes) nodes.add(n)
      for (const e of ep.path.edges) edges.add(e)
    }
    graph.highlight({ nodes, edges, anchors })
    showCaption()
    fill(results,
      h("p", { class: "hint" }, `${view.facts.length} fact(s), ${view.episodes.length} episode(s); anchors: ${view.anchors.map((a) => a.label).join(", ") || "none"}. Paths are highlighted in green.`),
      h("ol", { class: "results" }, view.facts.map((r) =>
        h("li", { class: "result", "data-fact": r.fact.id },
          h("a", { href: "#", onclick: (e: Event) => {
            e.preventDefault()
            select({ kind: "edge", id: r.fact.id })
          } }, r.fact.text),
          h("span", { class: "score" }, ` ${num(r.score)}`),
          r.path.edges.length > 0 ? h("div", { class: "path" }, "path: ", r.path.text) : null))),
      view.episodes.length === 0 ? null : h("ul", { class: "results episodes" }, view.episodes.map((ep) =>
        h("li", { class: "result episode" }, h("a", { href: "#", onclick: (e: Event) => {
          e.preventDefault()
          select({ kind: "node", id: ep.id })
        } }, ep.text), h("span", { class: "score" }, ` ${num(ep.score)}`)))))
  }

  // ── selection and history ──
  const select = (s: Selection) => {
    selection = s
    graph.focus(s.id)
    showSelection()
  }

  const row = (k: string, v: string | number | null | undefined) => h("tr", {}, h("th", {}, k), h("td", {}, v === null || v === undefined ? "—" : String(v)))

  const factLink = (g: LiquidGraph.LiquidGraph, f: Fact.Fact) =>
    h("li", {}, h("a", { href: "#", class: Fact.isCurrent(f) ? "" : "superseded", onclick: (e: Event) => {
      e.preventDefault()
      select({ kind: "edge", id: f.id })
    } }, Elements.factText(g, f)))

  const showSelection = () => {
    const g = page.state().graph
    if (selection === undefined) {
      fill(details, h("p", { class: "hint" }, "Click a node or an edge to see it here."))
      return
    }
    if (selection.kind === "node") {
      const n = LiquidGraph.anyNode(g, selection.id)
      if (n === undefined) {
        fill(details, h("p", { class: "hint" }, `${selection.id} is no longer in the memory.`))
        return
      }
      const id = n.id
      const facts = LiquidGraph.incident(g, id).filter((f) => f.kind === "fact")
      fill(details,
        h("h3", {}, n.label, " ", h("span", { class: `badge ${n.kind === "episode" ? "episodic" : "semantic"}` }, n.kind === "episode" ? "episodic" : "semantic")),
        h("table", { class: "fields" },
          row("id", n.id), row("kind", n.kind), row("tier", n.tier), row("importance", num(n.importance)), row("confidence", num(n.confidence)),
          row("accesses", n.accessCount), row("created", time(n.createdAt)), row("last used", time(n.recency)),
          n.time === null ? null : row("world time", time(n.time)), n.text === null ? null : row("text", n.text),
          LiquidGraph.isArchived(g, id) ? row("archived", "yes (prune moved it to the archive)") : null),
        facts.length === 0 ? null : h("ul", { class: "facts" }, facts.slice(0, 40).map((f) => factLink(g, f))),
        h("div", { class: "actions" },
          h("button", { id: "node-expand", title: "draw this node's neighbours too (or double-click it)", onclick: () => {
            graph.expand(id)
            showCaption()
          } }, "Show neighbours"),
          h("button", { id: "node-history", onclick: () => openHistory(n.kind === "episode" ? id : n.label) }, "History"),
          h("button", { id: "node-forget", class: "danger", onclick: () => forget(n.kind === "episode" ? { episode: id.replace(/^ep:/, "") } : { node: n.label }, n.label) }, "Forget")))
      return
    }
    const f = LiquidGraph.edge(g, selection.id) ?? LiquidGraph.archivedEdge(g, selection.id)?.edge
    if (f === undefined) {
      fill(details, h("p", { class: "hint" }, `${selection.id} is no longer in the memory.`))
      return
    }
    const id = f.id
    const correction = h("input", { type: "text", id: "correct-object", placeholder: "new object", autocomplete: "off" })
    fill(details,
      h("h3", {}, Elements.factText(g, f)),
      h("table", { class: "fields" },
        row("id", f.id), row("kind", f.kind), row("weight", num(f.weight)), row("confidence", num(f.confidence)),
        row("valid from", time(f.validFrom)), row("valid until", time(f.validUntil)), row("learned", time(f.learnedAt)),
        row("superseded by", f.supersededBy), row("uses", f.useCount), row("solidified", f.solidified ? "yes" : "no"),
        row("sources", f.provenance.join(", "))),
      h("div", { class: "actions" },
        h("button", { id: "fact-history", onclick: () => openHistory(id) }, "History"),
        h("button", { id: "fact-forget", class: "danger", onclick: () => forget({ fact: id }, Elements.factText(g, f)) }, "Forget")),
      f.kind !== "fact" ? null : h("form", {
        id: "correct-form",
        class: "inline",
        onsubmit: (e: Event) => {
          e.preventDefault()
          const object = correction.value.trim()
          if (object === "") return
          page.api.correct(id, object).then(async (view) => {
            await page.sync()
            page.notice(`Corrected: ${Elements.factText(g, f)} → ${object}`)
            showHistory(view)
            const current = view.slots.flatMap((s) => s.chain).find((c) => c.current)
            if (current !== undefined) select({ kind: "edge", id: current.id })
          }, page.report)
        }
      }, h("label", {}, "Correct the object: "), correction, h("button", { type: "submit" }, "Correct")))
  }

  const openHistory = (target: string) => {
    fill(history, h("p", { class: "hint" }, "Loading the history…"))
    page.api.history(target).then(showHistory, (error) => {
      fill(history)
      page.report(error)
    })
  }

  const validity = (f: FactView) => `${time(f.validFrom)} → ${f.validTo === null ? "now" : time(f.validTo)}`

  const status = (f: FactView) => f.current ? "current" : f.supersededBy !== null ? `superseded by ${f.supersededBy}` : f.superseded ? "superseded" : "ended"

  const showHistory = (view: HistoryView) => {
    const chainTable = (chain: ReadonlyArray<FactView>) =>
      h("table", { class: "chain" },
        h("tr", {}, h("th", {}, "fact"), h("th", {}, "valid"), h("th", {}, "learned"), h("th", {}, "status"), h("th", {}, "source")),
        chain.map((f) => h("tr", { class: f.current ? "current" : "old", "data-fact": f.id },
          h("td", {}, h("a", { href: "#", onclick: (e: Event) => {
            e.preventDefault()
            select({ kind: "edge", id: f.id })
          } }, f.text)),
          h("td", {}, validity(f)), h("td", {}, time(f.learnedAt)), h("td", {}, status(f)),
          h("td", { title: f.source.join("\n") }, f.source.map((x) => (x.length > 22 ? x.slice(0, 21) + "…" : x)).join(", ")))))
    fill(history,
      h("h3", {}, `History of ${view.kind} ${view.target}`),
      view.slots.length === 0 && view.incoming.length === 0 ? h("p", { class: "hint" }, "No facts.") : null,
      view.slots.map((s) => h("div", { class: "slot" }, h("h4", {}, `${s.subject} · ${s.relation}`), chainTable(s.chain))),
      view.incoming.length === 0 ? null : h("div", { class: "slot" }, h("h4", {}, "as object"), chainTable(view.incoming)),
      view.events.length === 0 ? null : h("div", { class: "events" }, h("h4", {}, "Events"),
        h("ol", {}, view.events.map((e) => h("li", { "data-seq": e.seq },
          h("a", { href: "#", title: "show the memory after this event in the timeline", onclick: (ev: Event) => {
            ev.preventDefault()
            page.showTimeline(e.seq)
          } }, `#${e.seq} ${e.tag}`), ` at ${time(e.now)}`)))))
  }

  const forget = (target: { fact?: string; node?: string; episode?: string }, what: string) => {
    if (!window.confirm(`Forget ${what} for good (replay included)?`)) return
    page.api.forget(target).then(async (view) => {
      await page.sync()
      page.notice(view.forgotten ? `Forgotten: ${what} (${view.nodes.length} node(s), ${view.edges.length} edge(s))` : `Nothing to forget for ${what}`)
      selection = undefined
      showSelection()
    }, page.report)
  }

  // ── add a fact ──
  const subject = h("input", { type: "text", id: "add-subject", placeholder: "subject", required: true, autocomplete: "off" })
  const relation = h("input", { type: "text", id: "add-relation", placeholder: "relation", required: true, autocomplete: "off" })
  const object = h("input", { type: "text", id: "add-object", placeholder: "object", required: true, autocomplete: "off" })
  const addForm = h("form", {
    id: "add-form",
    onsubmit: (e: Event) => {
      e.preventDefault()
      const fact = { subject: subject.value.trim(), relation: relation.value.trim(), object: object.value.trim() }
      if (fact.subject === "" || fact.relation === "" || fact.object === "") return
      page.api.addFacts([fact]).then(async (view) => {
        await page.sync()
        page.notice(`Added: ${fact.subject} ${fact.relation} ${fact.object}${view.superseded > 0 ? ` (superseded ${view.superseded})` : ""}`)
        subject.value = relation.value = object.value = ""
        const id = view.factIds[0]
        if (id !== undefined) {
          select({ kind: "edge", id })
          openHistory(id)
        }
      }, page.report)
    }
  }, subject, relation, object, h("button", { type: "submit" }, "Add fact"))

  // ── ingest text ──
  const told = h("textarea", { id: "tell-text", rows: 3, placeholder: "Sentences to learn, e.g. “Dana lives in Oslo.”" })
  const tellForm = h("form", {
    id: "tell-form",
    onsubmit: (e: Event) => {
      e.preventDefault()
      const text = told.value.trim()
      if (text === "") return
      page.api.ingest({ text }).then(async (view) => {
        await page.sync()
        told.value = ""
        page.notice(`Learned ${view.facts} fact(s) from ${view.items} item(s)${view.superseded > 0 ? `, ${view.superseded} superseded` : ""}${view.skipped > 0 ? `, ${view.skipped} skipped` : ""}.`)
      }, page.report)
    }
  }, told, h("button", { type: "submit" }, "Ingest"))

  fill(root,
    h("div", { class: "graph-tab" },
      h("div", { class: "graph-pane" },
        h("div", { class: "toolbar" },
          toggle("show-superseded", "superseded facts", "superseded"),
          toggle("show-mentions", "episodes", "mentions"),
          toggle("show-associations", "associations", "associations"),
          h("label", {}, "most nodes ", limit),
          find, labels,
          caption),
        canvas,
        h("div", { class: "legend" },
          h("span", { class: "dot semantic" }), "semantic node (entity, concept) ",
          h("span", { class: "dot episodic" }), "episodic node (episode) ",
          h("span", { class: "line fact" }), "fact ",
          h("span", { class: "line superseded" }), "superseded / ended ",
          h("span", { class: "line mention" }), "mention ",
          h("span", { class: "line path" }), "recall path")),
      h("aside", { class: "side" },
        h("section", {}, h("h2", {}, "Search"), recallForm, results),
        h("section", {}, h("h2", {}, "Selection"), details),
        h("section", {}, h("h2", {}, "History"), history),
        h("section", {}, h("h2", {}, "Tell the memory"), tellForm),
        h("section", {}, h("h2", {}, "Add a fact"), addForm,
          h("p", { class: "hint" }, "Hand edits are events (provenance “edit”): the history and the timeline show them.")))))

  page.onChange(() => {
    const g = page.state().graph
    // the find box suggests the most important labels (a datalist of every node would be huge)
    fill(labels, LiquidGraph.nodes(g).filter((n) => n.kind !== "episode").sort((a, b) => b.importance - a.importance).slice(0, 500)
      .map((n) => h("option", { value: n.label })))
    graph.show(g)
    showCaption()
    showSelection()
  })
  return graph
}
