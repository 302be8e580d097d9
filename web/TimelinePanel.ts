/**
 * TimelinePanel — the "Timeline" tab: the journal's events on a slider; moving it replays the
 * events up to that point in the page's core (time travel) and draws the memory as it was, with
 * what that event changed.
 */
import type * as Changes from "../core/Changes.ts"
import * as Replay from "../core/Replay.ts"
import { fill, h, time } from "./Dom.ts"
import { GraphView } from "./GraphView.ts"
import { describe, summarise } from "./Journal.ts"
import type { Page } from "./Page.ts"
import * as WhatIf from "./WhatIf.ts"

/** Mounts the Timeline tab into `root`; returns a function that seeks to a seq. */
export const mountTimeline = (root: HTMLElement, page: Page): { readonly seek: (seq: number) => void; readonly shown: () => void } => {
  const slider = h("input", { type: "range", id: "timeline-slider", min: 0, max: 0, step: 1, value: 0, oninput: () => seek(Number(slider.value)) })
  const label = h("div", { id: "timeline-label", class: "timeline-label" })
  const changes = h("div", { id: "timeline-changes" })
  const list = h("ol", { id: "timeline-events", class: "events" })
  const canvas = h("div", { class: "graph small", id: "timeline-graph" })
  const view = new GraphView(canvas, () => {})
  let playing: number | undefined
  let current = 0

  const stop = () => {
    if (playing !== undefined) window.clearInterval(playing)
    playing = undefined
    play.textContent = "▶ Play"
  }
  const play = h("button", {
    id: "timeline-play",
    onclick: () => {
      if (playing !== undefined) return stop()
      if (current >= page.journal().last) seek(0)
      play.textContent = "❚❚ Pause"
      playing = window.setInterval(() => {
        if (current >= page.journal().last) return stop()
        seek(current + 1)
      }, 400)
    }
  }, "▶ Play")


  const seek = (seq: number) => {
    const journal = page.journal()
    current = Math.max(0, Math.min(seq, journal.last))
    slider.value = String(current)
    const state = journal.stateAt(current)
    let changed: Changes.Changes | undefined
    const entry = journal.entries[current - 1]
    if (entry !== undefined) changed = Replay.applyAll([entry.json], journal.stateAt(current - 1)).changes[0]
    view.emphasize(
      new Set(changed === undefined ? [] : [...changed.nodesAdded, ...changed.nodesUpdated, ...changed.promoted, ...changed.nodesReactivated]),
      new Set(changed === undefined ? [] : [...changed.edgesAdded, ...changed.edgesStrengthened, ...changed.edgesWeakened, ...changed.edgesSolidified,
        ...changed.edgesReactivated, ...changed.superseded.flatMap((x) => [x.winner, x.loser])])
    )
    view.show(state.graph)
    const size = WhatIf.sizeOf(state.graph)
    fill(label,
      h("strong", {}, `seq ${current} of ${journal.last}`),
      entry === undefined ? " — the empty memory" : ` — ${entry.tag} at ${time(entry.now)}: ${describe(entry)}`,
      h("span", { class: "counts" }, ` · ${size.nodes} nodes, ${size.edges} edges, ${size.facts} facts`))
    if (entry !== undefined) {
      fill(changes, changed === undefined ? "" : `This event (marked orange): ${summarise(changed)}.${changed.superseded.length > 0 ? " " + changed.superseded.map((s) => s.why).join(" ") : ""}`)
    } else fill(changes)
    for (const li of Array.from(list.children)) li.classList.toggle("at", Number((li as HTMLElement).dataset.seq) === current)
    if (journal.error !== undefined) fill(changes, journal.error)
  }

  const rebuild = () => {
    const journal = page.journal()
    const follow = current === Number(slider.max)
    slider.max = String(journal.last)
    fill(list, journal.entries.slice(-500).map((e) =>
      h("li", { "data-seq": e.seq, onclick: () => seek(e.seq) }, h("span", { class: "seq" }, `#${e.seq}`), ` ${e.tag} `, h("span", { class: "when" }, time(e.now)), ` ${describe(e)}`)))
    if (root.offsetParent !== null) seek(follow ? journal.last : current)
  }

  fill(root,
    h("div", { class: "timeline-tab" },
      h("div", { class: "toolbar" },
        h("button", { id: "timeline-start", onclick: () => seek(0) }, "« Start"),
        h("button", { id: "timeline-back", onclick: () => seek(current - 1) }, "◀ Step"),
        play,
        h("button", { id: "timeline-forward", onclick: () => seek(current + 1) }, "Step ▶"),
        h("button", { id: "timeline-end", onclick: () => seek(page.journal().last) }, "End »"),
        slider),
      label,
      changes,
      h("div", { class: "timeline-body" }, canvas, h("div", { class: "events-pane" }, h("h3", {}, "Journal"), list)),
      h("p", { class: "hint" }, "Each position is the memory after that many events, replayed in this page by the core (the same fold the server runs).")))

  page.onChange(rebuild)
  return {
    seek,
    shown: () => {
      view.cy.resize()
      seek(Number(slider.value) === 0 && current === 0 ? page.journal().last : current)
    }
  }
}
