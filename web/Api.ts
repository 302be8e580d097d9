/**
 * Api — the page's client for `mags serve`'s HTTP API (the route table of the README's
 * "Serving: HTTP" section). Every call is JSON in and out with the bearer token; an error answer
 * (`{ error: { kind, message } }`) becomes an {@link ApiError} carrying its status and kind.
 *
 * The answers' shapes are the application's views (`shell/app/Views.ts`), imported as types only.
 */
import type { EventView, FactView, ForgetView, HistoryView, IngestView, MaintainView, ParamsView, PathView, RecallView } from "../shell/app/Views.ts"


/** The address of one memory. */
export interface MemoryRef {
  readonly user: string
  readonly agent: string
  readonly session: string
}

export type { EventView, FactView, ForgetView, HistoryView, IngestView, MaintainView, ParamsView, PathView, RecallView }

/** The answer of `GET M/events`. */
export interface EventsPage {
  readonly events: ReadonlyArray<EventView>
  readonly last: number
}

/** A refused or failed request: HTTP status and the server's error kind. */
export class ApiError extends Error {
  readonly status: number
  readonly kind: string
  constructor(status: number, kind: string, message: string) {
    super(message)
    this.status = status
    this.kind = kind
  }
}

/** The session storage key holding the page's bearer token. */
export const TOKEN_KEY = "mags.token"

const part = (s: string): string => encodeURIComponent(s)

/** The page's API client for one memory at a time (`memory` can be switched). */
export class Api {
  memory: MemoryRef
  readonly base: string
  readonly token: string | undefined

  constructor(base: string, token: string | undefined, memory: MemoryRef) {
    this.base = base
    this.token = token
    this.memory = memory
  }

  /** `M`: the path prefix of the current memory. */
  get prefix(): string {
    const m = this.memory
    return `/v1/memories/${part(m.user)}/${part(m.agent)}/${part(m.session)}`
  }

  /** One request; the answer's JSON, or an {@link ApiError}. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" }
    if (this.token !== undefined && this.token !== "") headers.authorization = `Bearer ${this.token}`
    if (body !== undefined) headers["content-type"] = "application/json"
    const init: RequestInit = { method, headers }
    if (body !== undefined) init.body = JSON.stringify(body)
    const response = await fetch(this.base + path, init)
    const text = await response.text()
    const json: unknown = text === "" ? null : safeParse(text)
    if (!response.ok) {
      const error = (json as { error?: { kind?: string; message?: string } } | null)?.error
      throw new ApiError(response.status, error?.kind ?? String(response.status), error?.message ?? (text || response.statusText))
    }
    return json as T
  }

  /** Memories the token may see. */
  memories(): Promise<{ memories: ReadonlyArray<MemoryRef> }> {
    return this.request("GET", "/v1/memories")
  }

  /** Recall with paths; not recorded as an event unless `record`. */
  recall(query: string, options: { k?: number; max?: number; record?: boolean } = {}): Promise<RecallView> {
    return this.request("POST", `${this.prefix}/recall`, { query, ...options })
  }

  /** The superseded chain of a fact (or a node's facts) and the events that touched it. */
  history(target: string): Promise<HistoryView> {
    return this.request("GET", `${this.prefix}/history?target=${part(target)}`)
  }

  /** Journal events with seq > `after`. */
  events(after: number, limit: number): Promise<EventsPage> {
    return this.request("GET", `${this.prefix}/events?after=${after}&limit=${limit}`)
  }

  /** Ingest text, messages or triples. */
  ingest(body: { text?: string; triples?: ReadonlyArray<{ subject: string; relation: string; object: string }> }): Promise<IngestView> {
    return this.request("POST", `${this.prefix}/ingest`, body)
  }

  /** Hand edit: add facts (provenance "edit"). */
  addFacts(facts: ReadonlyArray<{ subject: string; relation: string; object: string }>): Promise<IngestView> {
    return this.request("POST", `${this.prefix}/facts`, { facts })
  }

  /** Hand edit: correct a fact's object (the old fact is superseded). */
  correct(factId: string, object: string): Promise<HistoryView> {
    return this.request("POST", `${this.prefix}/facts/${part(factId)}/correct`, { object })
  }

  /** Hand edit: forget a fact, a node or an episode for good. */
  forget(target: { fact?: string; node?: string; episode?: string }): Promise<ForgetView> {
    return this.request("POST", `${this.prefix}/forget`, target)
  }

  /** The memory's parameters (values and documented ranges). */
  params(): Promise<ParamsView> {
    return this.request("GET", `${this.prefix}/params`)
  }

  /** Sets some parameters (400 on an out-of-range value; nothing written). */
  setParams(partial: Record<string, number>): Promise<ParamsView> {
    return this.request("PUT", `${this.prefix}/params`, partial)
  }

  /** Runs maintenance (decay since the last decay, prune, consolidate) on the stored memory, now. */
  maintain(): Promise<MaintainView> {
    return this.request("POST", `${this.prefix}/maintain`, {})
  }
}

const safeParse = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return { error: { kind: "BadAnswer", message: text.slice(0, 200) } }
  }
}
