/**
 * Page — what the panels of the inspector share: the API client, the page's journal (the memory
 * folded by the core in the browser), and how to refresh and report.
 */
import type * as Replay from "../core/Replay.ts"
import type { Api } from "./Api.ts"
import type { Journal } from "./Journal.ts"

export interface Page {
  readonly api: Api
  /** The page's copy of the memory's events. */
  readonly journal: () => Journal
  /** The memory now (all events folded). */
  readonly state: () => Replay.State
  /** Fetches new events and redraws; resolves when the page shows the server's latest state. */
  readonly sync: () => Promise<void>
  /** Shows an error (an `ApiError` with its kind, or any failure). */
  readonly report: (error: unknown) => void
  /** Shows a short message that something was done. */
  readonly notice: (text: string) => void
  /** Shows the Timeline tab at the memory after `seq` events. */
  readonly showTimeline: (seq: number) => void
  /** Subscribes to "the memory changed" (after every sync that brought events). */
  readonly onChange: (f: () => void) => void
}
