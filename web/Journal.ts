/**
 * Journal — the page's copy of a memory's event log, folded by the pure core in the browser.
 *
 * The page fetches `M/events` and keeps the events' JSON forms in order; {@link Journal.stateAt}
 * replays them with `Replay.replayAll` (the same fold the server runs), so the page can show the
 * memory at any point of its history (time travel) without asking the server. Every
 * {@link CHECKPOINT} events a state is kept, so moving the timeline refolds at most that many.
 */
import type * as Changes from "../core/Changes.ts"
import * as Replay from "../core/Replay.ts"
import type { EventView } from "./Api.ts"

/** States are kept every this many events (a seek refolds at most this many). */
export const CHECKPOINT = 256

/** One event of the page's log: seq, tag, system time, and its JSON form. */
export interface Entry {
  readonly seq: number
  readonly tag: string
  readonly now: number
  readonly json: unknown
}

/** The page's event log and the states folded from it. */
export class Journal {
  readonly entries: Array<Entry> = []
  private readonly checkpoints = new Map<number, Replay.State>([[0, Replay.initial()]])
  /** Set when an event failed to fold: the page shows the good prefix and this message. */
  error: string | undefined

  /** The last seq held. */
  get last(): number {
    return this.entries.length === 0 ? 0 : this.entries[this.entries.length - 1]!.seq
  }

  /**
   * Appends events fetched from the server (seq must continue the log; a gap or a repeat means
   * the server's journal changed under the page, e.g. a rollback, and the caller reloads).
   * @returns whether the events continue the log
   */
  append(views: ReadonlyArray<EventView>): boolean {
    for (const v of views) {
      if (v.seq !== this.last + 1) return false
      this.entries.push({ seq: v.seq, tag: v.tag, now: v.now, json: v.event })
    }
    return true
  }

  /**
   * The memory after its first `seq` events (clamped to the log), folded from the nearest
   * checkpoint at or below it.
   * @complexity the folds of at most CHECKPOINT events, plus those of the new checkpoints passed
   */
  stateAt(seq: number): Replay.State {
    const target = Math.max(0, Math.min(seq, this.last))
    let base = 0
    for (const k of this.checkpoints.keys()) if (k <= target && k > base) base = k
    let state = this.checkpoints.get(base)!
    while (state.seq < target) {
      const next = Math.min(target, (Math.floor(state.seq / CHECKPOINT) + 1) * CHECKPOINT)
      const out = Replay.replayAll(this.entries.slice(state.seq, next).map((e) => e.json), state)
      if (out.error !== undefined) {
        this.error = `event ${out.error.index + 1} does not replay: ${out.error.message}`
        return out.state
      }
      state = out.state
      if (state.seq % CHECKPOINT === 0) this.checkpoints.set(state.seq, state)
    }
    return state
  }
}

/** A short description of an event for the timeline (what it carried). */
export const describe = (entry: Entry): string => {
  const j = entry.json as { input?: Record<string, unknown>; params?: unknown } | null
  const input = j?.input ?? {}
  switch (entry.tag) {
    case "Engrammed": {
      const facts = Array.isArray(input.facts) ? input.facts as ReadonlyArray<{ subject: string; relation: string; object: string }> : []
      const episode = input.episode !== undefined ? ", 1 episode" : ""
      const shown = facts.slice(0, 2).map((f) => `${f.subject} ${f.relation} ${f.object}`).join("; ")
      return `${facts.length} fact(s)${episode}${shown === "" ? "" : `: ${shown}${facts.length > 2 ? "; …" : ""}`}`
    }
    case "Recalled":
      return `recall${typeof input.text === "string" ? ` “${input.text}”` : ""}`
    case "Reconciled":
      return `reconcile ${Array.isArray(input.facts) ? input.facts.join(", ") : ""}`.slice(0, 120)
    case "Forgotten":
      return `forget ${JSON.stringify(input).slice(0, 80)}`
    case "Decayed":
      return `decay over ${typeof input.dt === "number" ? formatDuration(input.dt) : "?"}`
    case "ParamsSet":
      return "parameters changed"
    default:
      return JSON.stringify(input).slice(0, 80)
  }
}

/** A duration in ms, in the largest sensible unit. */
export const formatDuration = (ms: number): string => {
  const abs = Math.abs(ms)
  if (abs >= 86_400_000) return `${(ms / 86_400_000).toPrecision(3)} d`
  if (abs >= 3_600_000) return `${(ms / 3_600_000).toPrecision(3)} h`
  if (abs >= 60_000) return `${(ms / 60_000).toPrecision(3)} min`
  if (abs >= 1000) return `${(ms / 1000).toPrecision(3)} s`
  return `${Math.round(ms)} ms`
}

/** What a transition did, in a few words ("no change" when nothing). */
export const summarise = (c: Changes.Changes): string => {
  const parts: Array<string> = []
  const add = (n: number, what: string) => {
    if (n > 0) parts.push(what.replace("#", String(n)))
  }
  add(c.nodesAdded.length, "+# nodes")
  add(c.edgesAdded.length - c.factsCreated.length, "+# edges")
  add(c.factsCreated.length, "+# facts consolidated")
  add(c.edgesStrengthened.length, "# strengthened")
  add(c.edgesWeakened.length, "# weakened")
  add(c.superseded.length, "# superseded")
  add(c.edgesSolidified.length, "# solidified")
  add(c.edgesArchived.length + c.nodesArchived.length, "# archived")
  add(c.edgesRemoved.length - c.edgesArchived.length, "# edges removed")
  add(c.nodesRemoved.length - c.nodesArchived.length, "# nodes removed")
  add(c.edgesForgotten.length + c.nodesForgotten.length, "# forgotten")
  add(c.nodesReactivated.length + c.edgesReactivated.length, "# reactivated")
  add(c.merged.length, "# merged")
  add(c.summariesWritten.length, "# summaries")
  add(c.relationsLearned.length, "# relations learned")
  return parts.length === 0 ? "no change" : parts.join(", ")
}
