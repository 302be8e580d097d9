/**
 * The web inspector: the entry point esbuild bundles (with the pure core and cytoscape) into
 * `/app/main.js`. It reads the token once from `?token=` (kept in sessionStorage), picks a memory
 * (`?memory=user/agent/session`, else the first the token may see), fetches the memory's journal
 * and folds it in the page with the core, then mounts the tabs: Graph, Params, Timeline, Worlds,
 * GPU.
 */
import * as LiquidGraph from "../core/LiquidGraph.ts"
import type * as Replay from "../core/Replay.ts"
import { Api, ApiError, type MemoryRef, TOKEN_KEY } from "./Api.ts"
import { fill, h } from "./Dom.ts"
import { mountGpu } from "./gpu/index.ts"
import { mountInspector } from "./Inspector.ts"
import { Journal } from "./Journal.ts"
import type { Page } from "./Page.ts"
import { mountParams } from "./ParamsPanel.ts"
import "./style.css"
import { mountTimeline } from "./TimelinePanel.ts"
import { mountWorlds } from "./worlds/index.ts"

/** Events fetched per request. */
const PAGE_SIZE = 1000

/** A journal longer than this is loaded only when the user agrees (the page folds all of it). */
const LARGE = 50_000

/** A memory for people: `user/agent/session`. */
const memoryKey = (m: MemoryRef): string => `${m.user}/${m.agent}/${m.session}`

/** A memory in the address (`?memory=`) and the selector: its parts URI-encoded (a part may hold "/"), joined by "/". */
const memoryParam = (m: MemoryRef): string => [m.user, m.agent, m.session].map(encodeURIComponent).join("/")

const parseMemory = (s: string | null): MemoryRef | undefined => {
  if (s === null) return undefined
  try {
    const [user, agent = "default", session = "default"] = s.split("/").map(decodeURIComponent)
    return user === undefined || user === "" ? undefined : { user, agent, session }
  } catch {
    return undefined
  }
}

/** The token: from `?token=` (then stored and removed from the address bar), else the stored one. */
const readToken = (): string | undefined => {
  const url = new URL(window.location.href)
  const given = url.searchParams.get("token")
  if (given !== null) {
    window.sessionStorage.setItem(TOKEN_KEY, given)
    url.searchParams.delete("token")
    window.history.replaceState(null, "", url.toString())
    return given
  }
  return window.sessionStorage.getItem(TOKEN_KEY) ?? undefined
}

const boot = async (): Promise<void> => {
  const token = readToken()
  const url = new URL(window.location.href)
  const api = new Api(window.location.origin, token, parseMemory(url.searchParams.get("memory")) ?? { user: "default", agent: "default", session: "default" })
  let journal = new Journal()
  let state: Replay.State = journal.stateAt(0)
  const listeners: Array<() => void> = []

  const banner = h("div", { id: "banner", class: "banner", hidden: true })
  const status = h("span", { id: "status", class: "status" })
  const memorySelect = h("select", { id: "memory-select", title: "memory (user / agent / session)" })

  const report = (error: unknown) => {
    banner.hidden = false
    banner.className = "banner error"
    if (error instanceof ApiError) {
      if (error.status === 401) {
        const input = h("input", { type: "password", id: "token-input", placeholder: "token", autocomplete: "off" })
        fill(banner, `${error.message} — this server needs a token: `, h("form", {
          class: "inline",
          onsubmit: (e: Event) => {
            e.preventDefault()
            window.sessionStorage.setItem(TOKEN_KEY, input.value)
            window.location.reload()
          }
        }, input, h("button", { type: "submit" }, "Use token")))
        return
      }
      fill(banner, h("strong", {}, `${error.kind} (${error.status}): `), error.message)
    } else fill(banner, h("strong", {}, "Error: "), error instanceof Error ? error.message : String(error))
  }
  const notice = (text: string) => {
    banner.hidden = false
    banner.className = "banner notice"
    fill(banner, text)
  }

  let syncing: Promise<void> | undefined
  /** Whether the server's journal still holds our last event as we have it (not after a rollback). */
  const stillOurs = async (): Promise<boolean> => {
    const mine = journal.entries.at(-1)
    if (mine === undefined) return true
    const theirs = await api.events(mine.seq - 1, 1)
    const event = theirs.events[0]
    return event !== undefined && event.seq === mine.seq && JSON.stringify(event.event) === JSON.stringify(mine.json)
  }

  const pull = async (): Promise<void> => {
    let changed = false
    if (!(await stillOurs())) {
      // the server's journal is no continuation of ours (a rollback, a restored branch): start again
      journal = new Journal()
      changed = true
    }
    for (;;) {
      const page = await api.events(journal.last, PAGE_SIZE)
      if (journal.last === 0 && page.last > LARGE && !window.confirm(`This memory has ${page.last} events; the page replays them all in the browser, which may take a while. Load them?`)) {
        notice(`Not loaded: ${page.last} events.`)
        return
      }
      if (page.last < journal.last || !journal.append(page.events)) {
        journal = new Journal()
        changed = true
        continue
      }
      if (page.events.length > 0) changed = true
      if (page.events.length === 0 || journal.last >= page.last) break
      status.textContent = `${memoryKey(api.memory)} · loading events ${journal.last} of ${page.last}…`
    }
    if (changed || state.seq !== journal.last) {
      state = journal.stateAt(journal.last)
      if (journal.error !== undefined) report(new Error(journal.error))
      showStatus()
      for (const f of listeners) f()
    }
  }
  const sync = (): Promise<void> => {
    syncing ??= pull().finally(() => {
      syncing = undefined
    })
    return syncing
  }

  const showStatus = () => {
    let facts = 0
    let episodes = 0
    for (const e of LiquidGraph.edges(state.graph)) if (e.kind === "fact" && e.supersededBy === null && e.validUntil === null) facts++
    for (const n of LiquidGraph.nodes(state.graph)) if (n.kind === "episode") episodes++
    status.textContent = `${memoryKey(api.memory)} · seq ${state.seq} · ${LiquidGraph.nodeCount(state.graph) - episodes} semantic nodes, ${episodes} episodes, ${facts} current facts`
    // the content hash of the page's own fold: equal to the server's (`GET M/inspect`) when the core
    // replays the journal in the browser exactly as on the server
    const hash = LiquidGraph.contentHash(state.graph)
    status.title = `content hash of the graph folded in this page: ${hash}`
    status.dataset.hash = hash
  }

  const page: Page = {
    api,
    journal: () => journal,
    state: () => state,
    sync,
    report,
    notice,
    showTimeline: (seq) => {
      show("timeline")
      timeline.seek(seq)
    },
    onChange: (f) => {
      listeners.push(f)
    }
  }

  // ── tabs ──
  const panels = new Map<string, HTMLElement>()
  const tabs = h("nav", { class: "tabs", role: "tablist" })
  const body = h("main", { class: "panels" })
  const onShow = new Map<string, () => void>()
  const show = (name: string) => {
    for (const [n, el] of panels) el.hidden = n !== name
    for (const b of Array.from(tabs.children)) b.classList.toggle("active", (b as HTMLElement).dataset.tab === name)
    onShow.get(name)?.()
  }
  const tab = (name: string, title: string): HTMLElement => {
    const el = h("section", { class: "panel", id: `panel-${name}`, role: "tabpanel" })
    panels.set(name, el)
    body.append(el)
    tabs.append(h("button", { class: "tab", role: "tab", "data-tab": name, id: `tab-${name}`, onclick: () => show(name) }, title))
    return el
  }

  const graphPanel = tab("graph", "Graph")
  const paramsPanel = tab("params", "Params")
  const timelinePanel = tab("timeline", "Timeline")
  const worldsPanel = tab("worlds", "Worlds")
  const gpuPanel = tab("gpu", "GPU")

  fill(document.body,
    h("header", { class: "top" },
      h("h1", {}, "MAGS inspector"),
      h("label", {}, "Memory ", memorySelect),
      h("button", { id: "reload", onclick: () => sync().catch(report) }, "Reload"),
      status),
    banner,
    tabs,
    body)

  const graph = mountInspector(graphPanel, page)
  const params = mountParams(paramsPanel, page)
  const timeline = mountTimeline(timelinePanel, page)
  onShow.set("graph", () => graph.cy.resize())
  onShow.set("timeline", () => timeline.shown())
  onShow.set("params", () => params.shown())
  let worldsMounted = false
  onShow.set("worlds", () => {
    if (worldsMounted) return
    worldsMounted = true
    mountWorlds(worldsPanel, api)
  })
  let gpuMounted = false
  onShow.set("gpu", () => {
    if (gpuMounted) return
    gpuMounted = true
    mountGpu(gpuPanel)
  })
  show("graph")

  // ── the memory ──
  const choose = async (m: MemoryRef) => {
    api.memory = m
    const u = new URL(window.location.href)
    u.searchParams.set("memory", memoryParam(m))
    window.history.replaceState(null, "", u.toString())
    journal = new Journal()
    state = journal.stateAt(0)
    await sync()
  }
  memorySelect.addEventListener("change", () => {
    const m = parseMemory(memorySelect.value)
    if (m !== undefined) choose(m).catch(report)
  })
  window.addEventListener("mags:changed", () => {
    sync().catch(report)
  })

  try {
    const { memories } = await api.memories()
    const wanted = parseMemory(url.searchParams.get("memory"))
    const all = [...memories]
    if (wanted !== undefined && !all.some((m) => memoryParam(m) === memoryParam(wanted))) all.unshift(wanted)
    if (all.length === 0) {
      fill(memorySelect, h("option", {}, "no memory yet"))
      notice("No memory to show yet: ingest something first (e.g. `npx mags ingest notes.txt`, or POST M/ingest), or open ?memory=user/agent/session.")
    } else {
      fill(memorySelect, all.map((m) => h("option", { value: memoryParam(m) }, memoryKey(m))))
      const first = wanted ?? all[0]!
      memorySelect.value = memoryParam(first)
      await choose(first)
    }
  } catch (error) {
    report(error)
  }
  document.body.dataset.ready = "true"
}

boot().catch((error: unknown) => {
  console.error(error)
  document.body.textContent = `The inspector failed to start: ${error instanceof Error ? error.message : String(error)}`
})
