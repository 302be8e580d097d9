/**
 * Tools — the MCP tools of a MAGS memory, in the conventions agents already know: the reference
 * knowledge-graph memory server (`search_nodes`, `open_nodes`) and Graphiti's MCP server
 * (`add_episode`, `search_facts`), plus MAGS's own `add_facts`, `get_history`, `connect` and
 * `forget`. Each has a title, an input and an output schema (the app's `Views`), and the hints
 * a client shows before it lets a model call it:
 *
 * | tool | reads / writes | readOnly | destructive | idempotent |
 * |---|---|---|---|---|
 * | `add_episode` | learns from text or chat messages (an episode + facts) | no | no | no |
 * | `add_facts` | writes facts by hand (provenance "edit") | no | no | no |
 * | `search_facts` | recall: facts with their justifying paths and validity; a recorded recall strengthens what it used | no | no | no |
 * | `search_nodes` | nodes whose labels match | yes | no | yes |
 * | `open_nodes` | nodes by name, with their facts | yes | no | yes |
 * | `get_history` | a fact's or node's superseded chain and the events that wrote it | yes | no | yes |
 * | `connect` | the strongest path between two nodes | yes | no | yes |
 * | `forget` | deletes a fact, node, episode or the whole memory (a tombstone replay honours) | no | yes | yes |
 *
 * Every tool takes the optional memory address `user` / `agent` / `session` (see `Caller.ts`);
 * none reaches outside the memory (`openWorldHint: false`). A failure is a {@link ToolFailure}:
 * the client gets a tool result with `isError: true` and the text `<Kind>: <message>`, and the
 * memory is unchanged.
 *
 * @since 0.3.0
 */
import { Context, Schema } from "effect"
import { Tool, Toolkit } from "effect/ai"
import * as Views from "../app/Views.ts"
import { Caller } from "./Caller.ts"

// ── failures ──────────────────────────────────────────────────────────────────

/**
 * A tool's failure: the app's kind and a message that starts with it (the text an MCP client
 * shows: `NotFound: …`).
 */
export class ToolFailure extends Schema.TaggedError<ToolFailure>()("ToolFailure", {
  kind: Schema.String,
  message: Schema.String
}) {}

// ── arguments ─────────────────────────────────────────────────────────────────

const text = (description: string) => Schema.String.annotate({ description })
const optionalText = (description: string) => Schema.optionalKey(text(description))
const count = (description: string, maximum: number) =>
  Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum })).annotate({ description }))
const WrittenTime = Schema.Union([Schema.Finite, Schema.String]).annotate({
  description: "World time: ms since the epoch, or ISO 8601 in UTC (\"2023-05-07\", \"2023-05-07T10:30Z\")"
})

/** The memory a call addresses (every part optional; see `Caller.ts`). */
export const Address = {
  user: optionalText("Memory user id (default: the caller's user)"),
  agent: optionalText("Memory agent id (default: \"default\", or the configured agent)"),
  session: optionalText("Memory session id (default: \"default\", or the configured session)")
}

/** One chat message of an episode. */
export const Message = Schema.Struct({
  role: Schema.NonEmptyString.annotate({ description: "\"user\", \"assistant\", …" }),
  content: text("What was said"),
  speaker: optionalText("Who said it (their \"I\" and \"my\"); a user message without one is said by the call's `speaker`"),
  time: Schema.optionalKey(WrittenTime)
})

/** One fact written by hand. */
export const FactInput = Schema.Struct({
  subject: Schema.NonEmptyString.annotate({ description: "The entity the fact is about, e.g. \"Alice\"" }),
  relation: Schema.NonEmptyString.annotate({ description: "The relation, e.g. \"works at\"" }),
  object: Schema.NonEmptyString.annotate({ description: "The value or entity, e.g. \"Acme\"" }),
  validFrom: Schema.optionalKey(WrittenTime.annotate({ description: "World time the fact holds from (default: unknown)" })),
  validUntil: Schema.optionalKey(WrittenTime.annotate({ description: "World time the fact holds until (default: still holds)" }))
})

// ── results ───────────────────────────────────────────────────────────────────

/** The nodes `search_nodes` found, most important first. */
export const NodesFound = Schema.Struct({
  nodes: Schema.Array(Views.NodeView)
})

/** The nodes `open_nodes` opened, and the names asked for that memory does not know. */
export const NodesOpened = Schema.Struct({
  nodes: Schema.Array(Views.NodeView),
  missing: Schema.Array(Schema.String)
})

// ── tools ─────────────────────────────────────────────────────────────────────

/** A tool's title and hints, as the annotations `McpServer` reads. */
const hints = (
  title: string,
  h: { readonly readOnly: boolean; readonly destructive: boolean; readonly idempotent: boolean }
) =>
  Context.make(Tool.Title, title).pipe(
    Context.add(Tool.Readonly, h.readOnly),
    Context.add(Tool.Destructive, h.destructive),
    Context.add(Tool.Idempotent, h.idempotent),
    Context.add(Tool.OpenWorld, false)
  )

const writes = { readOnly: false, destructive: false, idempotent: false } as const
const reads = { readOnly: true, destructive: false, idempotent: true } as const

/** `add_episode`: learn from a text or a conversation. */
export const AddEpisode = Tool.make("add_episode", {
  description: "Add an episode to memory: a text (split into sentences) or chat messages. " +
    "Facts are extracted from it and reconciled with what memory knows (a newer value ends an older one). " +
    "Give exactly one of `text` or `messages`.",
  parameters: Schema.Struct({
    text: optionalText("The episode as prose"),
    messages: Schema.optionalKey(Schema.Array(Message).annotate({ description: "The episode as chat messages, oldest first" })),
    speaker: optionalText("Who wrote the text (its \"I\"), and who says the user messages that name no speaker (default: the memory's user, \"User\" for the default user)"),
    source: optionalText(
      "Where the episode comes from, as an id (1–64 letters, digits, . _ : @ -), e.g. \"chat-2024-05-07\": " +
        "the same episode sent again under the same source is learned once (a retried call adds nothing)"
    ),
    ...Address
  }),
  success: Views.IngestView,
  failure: ToolFailure,
  dependencies: [Caller]
}).annotateMerge(hints("Add episode", writes))

/** `add_facts`: write facts by hand. */
export const AddFacts = Tool.make("add_facts", {
  description: "Add facts (subject, relation, object) to memory directly, as a hand edit " +
    "(history shows them with provenance \"edit\"). A fact that replaces a single-valued one ends the old value.",
  parameters: Schema.Struct({
    facts: Schema.Array(FactInput).check(Schema.isMinLength(1)).annotate({ description: "The facts to add" }),
    ...Address
  }),
  success: Views.IngestView,
  failure: ToolFailure,
  dependencies: [Caller]
}).annotateMerge(hints("Add facts", writes))

/** `search_facts`: recall with paths and validity. */
export const SearchFacts = Tool.make("search_facts", {
  description: "Search memory for facts relevant to a query. Each fact comes with its validity " +
    "(validFrom / validTo, superseded) and the path through the graph that justifies it. " +
    "A recorded search (the default) strengthens the links it used, as recall does in MAGS.",
  parameters: Schema.Struct({
    query: Schema.NonEmptyString.annotate({ description: "What to recall, e.g. \"where does Alice work?\"" }),
    max_facts: count("The most facts and episodes to return (default: the memory's maxResults)", 100),
    at: Schema.optionalKey(WrittenTime.annotate({ description: "Recall as of this world time (default: current facts)" })),
    record: Schema.optionalKey(Schema.Boolean.annotate({ description: "Record the recall in memory (default true)" })),
    ...Address
  }),
  success: Views.RecallView,
  failure: ToolFailure,
  dependencies: [Caller]
}).annotateMerge(hints("Search facts", writes))

/** `search_nodes`: nodes whose labels match a query. */
export const SearchNodes = Tool.make("search_nodes", {
  description: "Search memory for nodes (entities, concepts, episodes) whose names match a query.",
  parameters: Schema.Struct({
    query: Schema.NonEmptyString.annotate({ description: "Words of the node's name" }),
    limit: count("The most nodes to return (default 10)", 100),
    ...Address
  }),
  success: NodesFound,
  failure: ToolFailure,
  dependencies: [Caller]
}).annotateMerge(hints("Search nodes", reads))

/** `open_nodes`: nodes by name. */
export const OpenNodes = Tool.make("open_nodes", {
  description: "Open nodes by name (or id), with their current facts. Names not in memory are listed in `missing`; " +
    "when none is found the call fails with NotFound.",
  parameters: Schema.Struct({
    names: Schema.Array(Schema.NonEmptyString).check(Schema.isMinLength(1)).annotate({ description: "Node names or ids" }),
    ...Address
  }),
  success: NodesOpened,
  failure: ToolFailure,
  dependencies: [Caller]
}).annotateMerge(hints("Open nodes", reads))

/** `get_history`: the superseded chain of a fact or node. */
export const GetHistory = Tool.make("get_history", {
  description: "The history of a fact (by id) or a node (by name): each version with its validity, " +
    "oldest first, and the journal events that wrote or changed them.",
  parameters: Schema.Struct({
    target: Schema.NonEmptyString.annotate({ description: "A fact id or a node name" }),
    ...Address
  }),
  success: Views.HistoryView,
  failure: ToolFailure,
  dependencies: [Caller]
}).annotateMerge(hints("Get history", reads))

/** `connect`: the strongest path between two nodes. */
export const Connect = Tool.make("connect", {
  description: "The strongest path between two nodes (names or ids), or why there is none.",
  parameters: Schema.Struct({
    from: Schema.NonEmptyString.annotate({ description: "A node name or id" }),
    to: Schema.NonEmptyString.annotate({ description: "A node name or id" }),
    ...Address
  }),
  success: Views.ConnectView,
  failure: ToolFailure,
  dependencies: [Caller]
}).annotateMerge(hints("Connect", reads))

/** `forget`: delete for good. */
export const Forget = Tool.make("forget", {
  description: "Forget for good: a fact (by id), a node (by name or id, with its facts), an episode (by id), " +
    "or, with all: true, the whole memory. Give exactly one. Replay honours the deletion.",
  parameters: Schema.Struct({
    fact: optionalText("A fact id"),
    node: optionalText("A node name or id"),
    episode: optionalText("An episode id"),
    all: Schema.optionalKey(Schema.Literal(true).annotate({ description: "Forget everything in this memory" })),
    ...Address
  }),
  success: Views.ForgetView,
  failure: ToolFailure,
  dependencies: [Caller]
}).annotateMerge(hints("Forget", { readOnly: false, destructive: true, idempotent: true }))

/** Every MAGS tool. */
export const MemoryTools = Toolkit.make(AddEpisode, AddFacts, SearchFacts, SearchNodes, OpenNodes, GetHistory, Connect, Forget)
