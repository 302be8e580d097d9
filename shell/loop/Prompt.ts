/**
 * Prompt — the prompt of one generation, assembled within a token budget from memory
 * (MISSION features 5, 14).
 *
 * The chat history lives in memory, not in the prompt: each turn is an episode node of the
 * working tier, and the prompt shows the most recent of them, so the context grows with memory
 * rather than with attention cost. Beside them the prompt shows the recalled facts, each with
 * the path that justifies it, rendered compactly:
 *
 *     alice —lives_in→ paris (via alice)
 *     bob —not works_at→ acme (via “Bob quit Acme…” → bob)
 *
 * (`via` lists the path from the recall anchor to the fact, without the fact's far end; episode
 * nodes show as the start of their text in quotes.) Recalled episodes that are not already in
 * the recent history follow, as "related past turns".
 *
 * **Budget.** The fixed part — the instructions, the user's text and this turn's scratch (the
 * model's earlier outputs and the memory results it asked for: a user message for meta tags; for
 * tool calls, the assistant message carrying the calls and a tool message with a result per call
 * id) — is never cut. What is left of
 * `budget` goes, in priority order, to: facts (most relevant first, i.e. by recall score), then
 * the recent history (newest first), then related past turns (by score). An item that does not
 * fit is dropped (counted in `dropped`), never cut in the middle; later, smaller items may still
 * fit. Tokens are counted per piece with the given tokenizer, by default `ceil(chars / 4)`; every
 * line's count includes its line break. When the fixed part alone is over budget, no memory is
 * shown and `tokens > budget` says so.
 *
 * @since 0.1.0
 */
import { HashMap } from "effect"
import type { Prompt as AiPrompt } from "effect/ai"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import type { MemoryNode } from "../../core/Node.ts"
import type { RecalledEpisode, RecalledFact } from "../../core/Recall.ts"
import { isoDate } from "../extract/Dates.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** Counts the tokens of a text. */
export type Tokenizer = (text: string) => number

/**
 * The default token estimate: 4 characters a token, rounded up.
 * Laws: `estimateTokens("") == 0`; monotone in the length.
 * @complexity O(1)
 */
export const estimateTokens: Tokenizer = (text) => Math.ceil(text.length / 4)

/** A tool call of the model, carried in the scratch (parameters as the model gave them). */
export interface ScratchToolCall {
  readonly id: string
  readonly name: string
  readonly params: unknown
}

/** The loop's answer to one tool call (`isFailure`: the call was invalid and not run). */
export interface ScratchToolResult {
  readonly id: string
  readonly name: string
  readonly text: string
  readonly isFailure: boolean
}

/**
 * A message of this turn's scratch (after the user's text): the model's earlier output (with its
 * tool calls, if any), a user message (memory results of meta tags), or the results of the
 * model's tool calls (one `tool` message, a result per call id).
 */
export type ScratchMessage =
  | { readonly role: "assistant"; readonly text: string; readonly toolCalls?: ReadonlyArray<ScratchToolCall> }
  | { readonly role: "user"; readonly text: string }
  | { readonly role: "tool"; readonly results: ReadonlyArray<ScratchToolResult> }

/** The text a scratch message costs (tool calls as their name and JSON parameters). */
const scratchText = (m: ScratchMessage): string =>
  m.role === "tool"
    ? m.results.map((r) => r.text).join("\n")
    : m.role === "assistant" && m.toolCalls !== undefined
    ? [m.text, ...m.toolCalls.map((c) => `${c.name}(${typeof c.params === "string" ? c.params : JSON.stringify(c.params)})`)].join("\n")
    : m.text

/** A scratch message as `effect/ai` prompt input (tool calls and results as their parts). */
const scratchMessage = (m: ScratchMessage): AiPrompt.MessageEncoded => {
  switch (m.role) {
    case "user":
      return { role: "user", content: m.text }
    case "assistant":
      return m.toolCalls === undefined || m.toolCalls.length === 0 ? { role: "assistant", content: m.text } : {
        role: "assistant",
        content: [
          ...(m.text.length === 0 ? [] : [{ type: "text" as const, text: m.text }]),
          ...m.toolCalls.map((c) => ({ type: "tool-call" as const, id: c.id, name: c.name, params: c.params }))
        ]
      }
    case "tool":
      return {
        role: "tool",
        content: m.results.map((r) => ({ type: "tool-result" as const, id: r.id, name: r.name, result: r.text, isFailure: r.isFailure }))
      }
  }
}

/** What goes into a prompt. */
export interface Input {
  /** The instructions (system message). */
  readonly instructions: string
  /** The user's text of this turn. */
  readonly user: string
  /** Recalled facts, any order (sorted here by score, then id). */
  readonly facts: ReadonlyArray<RecalledFact>
  /** Recalled episodes, any order (sorted here by score, then id). */
  readonly episodes?: ReadonlyArray<RecalledEpisode>
  /** This turn's earlier outputs and memory results. */
  readonly scratch?: ReadonlyArray<ScratchMessage>
}

/** Options of {@link assemble}. */
export interface Options {
  /** Token budget of the whole prompt. */
  readonly budget: number
  /** Token counter (default {@link estimateTokens}). */
  readonly tokenizer?: Tokenizer
  /** At most this many recent working-memory episodes (default 8). */
  readonly historyEpisodes?: number
}

/** An assembled prompt. */
export interface Assembled {
  /** The messages, as `effect/ai` prompt input: system, user, then the scratch. */
  readonly messages: ReadonlyArray<AiPrompt.MessageEncoded>
  /** Tokens counted (≤ budget unless the fixed part alone is over it). */
  readonly tokens: number
  /** The fact lines shown, most relevant first. */
  readonly facts: ReadonlyArray<string>
  /** Ids of the history episodes shown, oldest first. */
  readonly history: ReadonlyArray<string>
  /** Ids of the related past episodes shown. */
  readonly related: ReadonlyArray<string>
  /** How many candidates of each section did not fit. */
  readonly dropped: { readonly facts: number; readonly history: number; readonly related: number }
}

/** Default number of recent episodes shown. */
export const DEFAULT_HISTORY_EPISODES = 8

const FACTS_HEADER = "Known facts (most relevant first, with the path that recalled each):"
const HISTORY_HEADER = "Recent conversation (working memory, oldest first):"
const RELATED_HEADER = "Related past turns:"

// ── rendering ─────────────────────────────────────────────────────────────────

const QUOTE_CHARS = 24

const nodeText = (g: LiquidGraph.LiquidGraph, id: string): string => {
  const n = LiquidGraph.node(g, id)
  if (n === undefined) return id
  if (n.kind !== "episode") return n.label
  const text = (n.text ?? n.label).replace(/\s+/g, " ").trim()
  return "“" + (text.length > QUOTE_CHARS ? text.slice(0, QUOTE_CHARS) + "…" : text) + "”"
}

/**
 * One recalled fact as a line: `subject —relation→ object (via anchor → … )`; a negated fact reads
 * `—not relation→`; a superseded or ended fact carries `[until <ISO date>]`.
 *
 * Laws: names the fact's subject and object labels and every node of its path but the last.
 * @complexity O(path length)
 * @example
 * ```ts
 * Prompt.renderFact(g, recalled) // "alice —lives_in→ paris (via alice)"
 * ```
 */
export const renderFact = (g: LiquidGraph.LiquidGraph, r: RecalledFact): string => {
  const f = r.fact
  const rel = (f.negated ? "not " : "") + f.relation
  const via = r.path.nodes.length <= 1 ? r.path.nodes : r.path.nodes.slice(0, -1)
  const until = f.validUntil === null ? "" : ` [until ${isoDate(f.validUntil)}]`
  return `${nodeText(g, f.subject)} —${rel}→ ${nodeText(g, f.object)}${until} (via ${via.map((id) => nodeText(g, id)).join(" → ")})`
}

/**
 * A path between two nodes as a line: `alice —lives_in→ paris —in→ france` (each edge's relation
 * read in the direction it is stored, `←relation—` when the path walks it backwards; an edge that
 * is not a fact, such as an association, shows its kind).
 *
 * Laws: names every node of the path, in order.
 * @complexity O(path length)
 * @example
 * ```ts
 * Prompt.renderPath(g, { nodes: ["alice", "paris"], edges: ["f|alice|lives_in|paris"], weight: 1 }) // "alice —lives_in→ paris"
 * ```
 */
export const renderPath = (g: LiquidGraph.LiquidGraph, p: { readonly nodes: ReadonlyArray<string>; readonly edges: ReadonlyArray<string> }): string => {
  const out: Array<string> = [nodeText(g, p.nodes[0] ?? "")]
  p.edges.forEach((id, i) => {
    const e = LiquidGraph.edge(g, id)
    const from = p.nodes[i]
    const rel = e === undefined ? "?" : e.kind === "fact" ? (e.negated ? "not " : "") + e.relation : e.kind
    out.push(e !== undefined && e.object === from ? `←${rel}—` : `—${rel}→`, nodeText(g, p.nodes[i + 1] ?? ""))
  })
  return out.join(" ")
}

/**
 * The most recent episodes of the working tier, newest first (by creation time, then id
 * descending).
 * Laws: every node returned is an episode of the working tier; at most `n`.
 * @complexity O(N log N) for N nodes
 */
export const workingHistory = (g: LiquidGraph.LiquidGraph, n: number): Array<MemoryNode> => {
  const out: Array<MemoryNode> = []
  for (const node of HashMap.values(g.nodes)) if (node.kind === "episode" && node.tier === "working") out.push(node)
  out.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
  return out.slice(0, Math.max(0, n))
}

const byScoreThenId = <A extends { readonly score: number }>(id: (a: A) => string) => (x: A, y: A): number =>
  x.score !== y.score ? y.score - x.score : id(x) < id(y) ? -1 : id(x) > id(y) ? 1 : 0

// ── assembling ────────────────────────────────────────────────────────────────

/**
 * Assembles the prompt (see the module header for priorities and the budget rule).
 *
 * Laws:
 * - budget: `tokens <= budget` whenever the fixed part fits in `budget`;
 * - priority: a fact is shown only if every more relevant fact that fits is shown first;
 * - monotone: a larger budget never shows fewer facts;
 * - deterministic: same graph and input give the same messages.
 * @complexity O(N log N + F log F + E log E) for N nodes, F facts, E episodes
 * @example
 * ```ts
 * const p = Prompt.assemble(graph, { instructions, user: "Where does Alice live?", facts }, { budget: 512 })
 * yield* model.generateText({ prompt: p.messages })
 * ```
 */
export const assemble = (g: LiquidGraph.LiquidGraph, input: Input, options: Options): Assembled => {
  const count = options.tokenizer ?? estimateTokens
  const line = (text: string): number => count(text + "\n")
  const scratch = input.scratch ?? []
  let tokens = count(input.instructions) + count(input.user) + scratch.reduce((s, m) => s + count(scratchText(m)), 0)
  let left = options.budget - tokens

  const take = <A>(candidates: ReadonlyArray<A>, render: (a: A) => string, header: string) => {
    const shown: Array<{ item: A; text: string }> = []
    let dropped = 0
    const headerCost = line("") + line(header) // blank separator line + header
    for (const item of candidates) {
      const text = render(item)
      const cost = line("- " + text) + (shown.length === 0 ? headerCost : 0)
      if (cost <= left) {
        shown.push({ item, text })
        left -= cost
        tokens += cost
      } else dropped++
    }
    return { shown, dropped }
  }

  const facts = take(
    [...input.facts].sort(byScoreThenId((r: RecalledFact) => r.fact.id)),
    (r) => renderFact(g, r),
    FACTS_HEADER
  )
  const recent = workingHistory(g, options.historyEpisodes ?? DEFAULT_HISTORY_EPISODES)
  const inHistory = new Set(recent.map((n) => n.id))
  const history = take(recent, (n) => (n.text ?? n.label).replace(/\s*\n\s*/g, " / "), HISTORY_HEADER)
  const related = take(
    (input.episodes ?? []).filter((e) => !inHistory.has(e.id)).sort(byScoreThenId((e: RecalledEpisode) => e.id)),
    (e) => e.text.replace(/\s*\n\s*/g, " / "),
    RELATED_HEADER
  )

  const sections: Array<string> = [input.instructions]
  const section = (header: string, lines: ReadonlyArray<string>) => {
    if (lines.length > 0) sections.push("", header, ...lines.map((l) => "- " + l))
  }
  section(FACTS_HEADER, facts.shown.map((s) => s.text))
  section(HISTORY_HEADER, [...history.shown].reverse().map((s) => s.text))
  section(RELATED_HEADER, related.shown.map((s) => s.text))

  const messages: Array<AiPrompt.MessageEncoded> = [
    { role: "system", content: sections.join("\n") },
    { role: "user", content: input.user },
    ...scratch.map(scratchMessage)
  ]
  return {
    messages,
    tokens,
    facts: facts.shown.map((s) => s.text),
    history: [...history.shown].reverse().map((s) => s.item.id),
    related: related.shown.map((s) => s.item.id),
    dropped: { facts: facts.dropped, history: history.dropped, related: related.dropped }
  }
}
