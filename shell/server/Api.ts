/**
 * Api — the HTTP API of `mags serve`, declared with `effect/http-api` (the server, the OpenAPI
 * document at `/openapi.json` and typed clients all come from this one declaration).
 *
 * Every route but the OpenAPI document needs a bearer token ({@link Authorization}); a memory is
 * addressed as `M = /v1/memories/{user}/{agent}/{session}` and answers come as the app's views
 * (`shell/app/Views.ts`). Errors are `{ "error": { "kind", "message" } }` with the statuses of
 * `Errors.ts`.
 *
 * | method | path | body / query | answer |
 * |---|---|---|---|
 * | GET | `/v1/memories` | — | `{ memories: [{user, agent, session}] }` the token may use |
 * | GET | `M/inspect` | — | InspectView |
 * | POST | `M/ingest` | `{ text?, messages?, triples?, speaker?, source? }` | IngestView |
 * | POST | `M/recall` | `{ query, k?, max?, at?, record?, sources? }` | RecallView |
 * | GET | `M/connect` | `?from=&to=` | ConnectView |
 * | GET | `M/history` | `?target=` (fact id or node label) | HistoryView |
 * | GET | `M/nodes` | `?query=&limit=` | `{ nodes: NodeView[] }` |
 * | GET | `M/nodes/{node}` | — | NodeView |
 * | GET | `M/graph` | `?at=seq` | `{ seq, nodes: NodeView[], edges: FactView[] }` |
 * | GET | `M/export` | `?format=json\|dot\|mermaid` | the export text |
 * | GET | `M/events` | `?after=0&limit=500` | `{ events: EventView[], last }` |
 * | POST | `M/facts` | `{ facts: [{subject, relation, object}] }` | IngestView |
 * | POST | `M/facts/{id}/correct` | `{ object }` | HistoryView |
 * | POST | `M/forget` | `{ fact?, node?, episode?, all? }` | ForgetView |
 * | POST | `M/snapshot` | — | StateView |
 * | POST | `M/rollback` | `{ seq }` | `{ from, state: StateView, branch: BranchView \| null }` |
 * | GET | `M/branches` | — | `{ branches: BranchView[] }` |
 * | POST | `M/branches/{branch}/restore` | — | as rollback |
 * | POST | `M/maintain` | `{ now? }` | MaintainView |
 * | GET | `M/params` | — | ParamsView |
 * | PUT | `M/params` | a partial Params | ParamsView |
 * | POST | `M/verify` | — | VerifyView |
 *
 * @since 0.3.0
 */
import { Schema } from "effect"
import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import * as Views from "../app/Views.ts"
import { Authorization } from "./Auth.ts"
import { endpointErrors } from "./Errors.ts"

// ── inputs ────────────────────────────────────────────────────────────────────

/** A memory's address in the path. */
export const MemoryParams = {
  user: Schema.String,
  agent: Schema.String,
  session: Schema.String
}

const Text = Schema.String.check(Schema.isMaxLength(1_000_000))
const Name = Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(10_000))
const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const Positive = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
/** A page size: 1 … 10,000 (a bigger answer is asked for in pages). */
const PageSize = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1), Schema.isLessThanOrEqualTo(10_000))

/** World time: milliseconds, or an ISO date (YYYY[-MM[-DD]] or a date-time); null: unknown. */
const WorldTime = Schema.NullOr(Schema.Union([Schema.Finite, Schema.String]))

/** One chat message to ingest. */
export const MessageInput = Schema.Struct({
  role: Schema.String,
  content: Text,
  speaker: Schema.optionalKey(Schema.NullOr(Schema.String)),
  /** World time it was said. */
  time: Schema.optionalKey(WorldTime)
})

/** One triple to ingest (or to add by hand). */
export const TripleInput = Schema.Struct({
  subject: Name,
  relation: Name,
  object: Name,
  negated: Schema.optionalKey(Schema.Boolean),
  confidence: Schema.optionalKey(Schema.Finite),
  validFrom: Schema.optionalKey(WorldTime),
  validUntil: Schema.optionalKey(WorldTime),
  /** World time it was told: its `validFrom` when none is given. */
  time: Schema.optionalKey(WorldTime)
})

/**
 * `POST M/ingest`: text, chat messages, triples (any of them). `speaker`: who wrote the text ("I"
 * is them) and says the user messages that name no speaker (default: the memory's user, "User"
 * for the default user: `Ops.narratorOf`); `source`: names the request's items, so the same items sent again under the same
 * source are skipped (a retried request learns nothing twice).
 */
export const IngestInput = Schema.Struct({
  text: Schema.optionalKey(Text),
  messages: Schema.optionalKey(Schema.Array(MessageInput)),
  triples: Schema.optionalKey(Schema.Array(TripleInput)),
  speaker: Schema.optionalKey(Schema.String),
  source: Schema.optionalKey(Schema.String)
})

/** `POST M/recall`. */
export const RecallInput = Schema.Struct({
  query: Name,
  k: Schema.optionalKey(Positive),
  max: Schema.optionalKey(Positive),
  /** World time YYYY[-MM[-DD]]: facts valid then, history included. */
  at: Schema.optionalKey(Schema.String),
  /** Record the recall as an event (default true; false only reads). */
  record: Schema.optionalKey(Schema.Boolean),
  /** Recall's candidate sources to use (default all). */
  sources: Schema.optionalKey(Schema.Array(Schema.String))
})

/** `POST M/facts`. */
export const FactsInput = Schema.Struct({ facts: Schema.Array(TripleInput).check(Schema.isMinLength(1)) })

/** `POST M/forget`: exactly one target. */
export const ForgetInput = Schema.Struct({
  fact: Schema.optionalKey(Name),
  node: Schema.optionalKey(Name),
  /** With `node`: its episodes too. */
  withEpisodes: Schema.optionalKey(Schema.Boolean),
  episode: Schema.optionalKey(Name),
  all: Schema.optionalKey(Schema.Literal(true))
})

/** `PUT M/params`: the parameters to change (names and values checked against `core/Params.ts`). */
export const ParamsInput = Schema.Record(Schema.String, Schema.Unknown)

// ── outputs ───────────────────────────────────────────────────────────────────

/** A memory's address. */
export const MemoryAddress = Schema.Struct({ user: Schema.String, agent: Schema.String, session: Schema.String })

// ── endpoints ─────────────────────────────────────────────────────────────────

const errors = endpointErrors
const params = MemoryParams

/** The memories the token may use. */
export class MemoriesGroup extends HttpApiGroup.make("memories").add(
  HttpApiEndpoint.get("list", "/v1/memories", {
    success: Schema.Struct({ memories: Schema.Array(MemoryAddress) }),
    error: errors
  }).annotate(OpenApi.Summary, "The memories this token may use")
).middleware(Authorization).annotateMerge(OpenApi.annotations({ title: "Memories", description: "The memories a token may use" })) {}

/** One memory's operations, under `/v1/memories/{user}/{agent}/{session}`. */
export class MemoryGroup extends HttpApiGroup.make("memory").add(
  HttpApiEndpoint.get("inspect", "/inspect", { params, success: Views.InspectView, error: errors }).annotate(OpenApi.Summary, "Counts, top nodes, clusters, recent conflicts, changed params"),
  HttpApiEndpoint.post("ingest", "/ingest", { params, payload: IngestInput, success: Views.IngestView, error: errors }).annotate(OpenApi.Summary, "Learn text, chat messages and triples"),
  HttpApiEndpoint.post("recall", "/recall", { params, payload: RecallInput, success: Views.RecallView, error: errors }).annotate(OpenApi.Summary, "Facts and episodes for a query, each with the path that justifies it"),
  HttpApiEndpoint.get("connect", "/connect", {
    params,
    query: { from: Name, to: Name },
    success: Views.ConnectView,
    error: errors
  }).annotate(OpenApi.Summary, "The strongest path between two nodes"),
  HttpApiEndpoint.get("history", "/history", { params, query: { target: Name }, success: Views.HistoryView, error: errors }).annotate(OpenApi.Summary, "Every version of a fact or of a node's facts, and the events that wrote them"),
  HttpApiEndpoint.get("nodes", "/nodes", {
    params,
    query: { query: Schema.optionalKey(Schema.String), limit: Schema.optionalKey(PageSize) },
    success: Schema.Struct({ nodes: Schema.Array(Views.NodeView) }),
    error: errors
  }).annotate(OpenApi.Summary, "Search nodes by label"),
  HttpApiEndpoint.get("node", "/nodes/:node", {
    params: { ...params, node: Name },
    success: Views.NodeView,
    error: errors
  }).annotate(OpenApi.Summary, "One node with its current facts"),
  HttpApiEndpoint.get("graph", "/graph", { params, query: { at: Schema.optionalKey(Count) }, success: Views.GraphView, error: errors }).annotate(OpenApi.Summary, "The active graph (nodes and edges), now or at an earlier seq"),
  HttpApiEndpoint.get("export", "/export", {
    params,
    query: { format: Schema.optionalKey(Schema.Literals(["json", "dot", "mermaid"])) },
    success: Schema.String.pipe(HttpApiSchema.asText()),
    error: errors
  }).annotate(OpenApi.Summary, "The memory as JSON, DOT or Mermaid text"),
  HttpApiEndpoint.get("events", "/events", {
    params,
    query: { after: Schema.optionalKey(Count), limit: Schema.optionalKey(PageSize) },
    success: Views.EventsView,
    error: errors
  }).annotate(OpenApi.Summary, "A page of the journal"),
  HttpApiEndpoint.post("addFacts", "/facts", { params, payload: FactsInput, success: Views.IngestView, error: errors }).annotate(OpenApi.Summary, "Add facts by hand (provenance: edit)"),
  HttpApiEndpoint.post("correctFact", "/facts/:fact/correct", {
    params: { ...params, fact: Name },
    payload: Schema.Struct({ object: Name }),
    success: Views.HistoryView,
    error: errors
  }).annotate(OpenApi.Summary, "Correct a fact's object by hand; the old version stays in the history"),
  HttpApiEndpoint.post("forget", "/forget", { params, payload: ForgetInput, success: Views.ForgetView, error: errors }).annotate(OpenApi.Summary, "Delete a fact, a node, an episode or everything, for good"),
  HttpApiEndpoint.post("snapshot", "/snapshot", { params, success: Views.StateView, error: errors }).annotate(OpenApi.Summary, "Write a snapshot now"),
  HttpApiEndpoint.post("rollback", "/rollback", { params, payload: Schema.Struct({ seq: Count }), success: Views.RollbackView, error: errors }).annotate(OpenApi.Summary, "Go back to a seq; the later events are kept as a branch"),
  HttpApiEndpoint.get("branches", "/branches", {
    params,
    success: Schema.Struct({ branches: Schema.Array(Views.BranchView) }),
    error: errors
  }).annotate(OpenApi.Summary, "The abandoned branches"),
  HttpApiEndpoint.post("restoreBranch", "/branches/:branch/restore", {
    params: { ...params, branch: Positive },
    success: Views.RollbackView,
    error: errors
  }).annotate(OpenApi.Summary, "Restore an abandoned branch"),
  HttpApiEndpoint.post("maintain", "/maintain", {
    params,
    payload: Schema.Struct({ now: Schema.optionalKey(Schema.Finite) }),
    success: Views.MaintainView,
    error: errors
  }).annotate(OpenApi.Summary, "Decay, prune and consolidate"),
  HttpApiEndpoint.get("params", "/params", { params, success: Views.ParamsView, error: errors }).annotate(OpenApi.Summary, "The parameters in force, with their documented ranges"),
  HttpApiEndpoint.put("setParams", "/params", { params, payload: ParamsInput, success: Views.ParamsView, error: errors }).annotate(OpenApi.Summary, "Change parameters (each checked against its range)"),
  HttpApiEndpoint.post("verify", "/verify", { params, success: Views.VerifyView, error: errors }).annotate(OpenApi.Summary, "Fold the journal again and compare with the live state and the snapshots")
).middleware(Authorization).prefix("/v1/memories/:user/:agent/:session").annotateMerge(
  OpenApi.annotations({ title: "Memory", description: "One memory: ingest, recall, inspect, edit, history, maintenance" })
) {}

/** The whole API. */
export class Api extends HttpApi.make("mags").add(MemoriesGroup).add(MemoryGroup).annotateMerge(OpenApi.annotations({
  title: "MAGS memory API",
  version: "0.3.0",
  description: "Memories by tenant (user / agent / session): ingest, recall with paths, connect, history, export, " +
    "snapshot / rollback, maintain, forget, params, verify. Bearer tokens map to users."
})) {}
