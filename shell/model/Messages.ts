/**
 * Messages — an `effect/ai` `Prompt` flattened into the chat messages both of our providers send
 * (node-llama-cpp chat history, OpenAI `messages`).
 *
 * Carried: system text, user text parts, assistant text parts and assistant **tool calls**
 * (`tool-call` parts: id, tool name, parameters), and **tool results** (`tool-result` parts of
 * `tool` messages: the call id, the tool name, the result as text, whether it is a failure).
 * Reasoning parts are dropped (a provider's own reasoning is not input), and so are tool-approval
 * parts (no tool here asks for approval). Files and provider-executed tool results in an
 * assistant message are refused with an `AiError` (`InvalidUserInputError`): neither provider
 * here takes them, and silently dropping such a part would change what the model is asked.
 *
 * Tool-call parameters are kept as given: a provider that could not parse the model's arguments
 * passes the raw text (a string), and {@link argumentsText} sends it back unchanged, so a model
 * sees its own (invalid) call next to the error result it earned.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { AiError, type Prompt } from "effect/ai"

/** A tool call the model made, as carried back in the prompt. */
export interface ToolCall {
  readonly id: string
  readonly name: string
  /** The parameters (a JSON value; a string when the model's arguments were not valid JSON). */
  readonly params: unknown
}

/** One chat message. */
export type Message =
  | { readonly role: "system" | "user"; readonly content: string }
  | { readonly role: "assistant"; readonly content: string; readonly toolCalls: ReadonlyArray<ToolCall> }
  | {
    readonly role: "tool"
    /** The id of the call this answers. */
    readonly toolCallId: string
    readonly name: string
    readonly content: string
    readonly isFailure: boolean
  }

/**
 * The JSON text of a call's parameters: a string is taken as already-JSON (or raw, invalid) text
 * and kept; anything else is `JSON.stringify`d (`{}` for undefined).
 * @example argumentsText({ query: "a" }) // '{"query":"a"}'
 */
export const argumentsText = (params: unknown): string =>
  typeof params === "string" ? params : JSON.stringify(params ?? {})

/**
 * A tool result as text: its model output's text parts when given, a string result as is, any
 * other value as JSON.
 */
const resultText = (part: Prompt.ToolResultPart): string => {
  if (part.modelOutput !== undefined && part.modelOutput.length > 0) {
    return part.modelOutput.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n")
  }
  return typeof part.result === "string" ? part.result : JSON.stringify(part.result ?? null)
}

/**
 * The prompt as chat messages, in order.
 *
 * Laws: one message per system, user and assistant message, and one per tool result; text parts
 * of one message are joined with `"\n"`; a prompt without tool parts gives only messages with
 * `toolCalls: []` on the assistant side.
 * @complexity O(total text)
 * @example
 * ```ts
 * toMessages(Prompt.make("hi"), "Llama", "generateText") // succeeds with [{ role: "user", content: "hi" }]
 * ```
 */
export const toMessages = (
  prompt: Prompt.Prompt,
  module: string,
  method: string
): Effect.Effect<ReadonlyArray<Message>, AiError.AiError> => {
  const refuse = (description: string) =>
    Effect.fail(AiError.make({ module, method, reason: new AiError.InvalidUserInputError({ description }) }))
  const out: Array<Message> = []
  for (const message of prompt.content) {
    switch (message.role) {
      case "system":
        out.push({ role: "system", content: message.content })
        break
      case "user": {
        const texts: Array<string> = []
        for (const part of message.content) {
          if (part.type === "text") texts.push(part.text)
          else return refuse(`user message part "${part.type}" is not supported by ${module} (text only)`)
        }
        out.push({ role: "user", content: texts.join("\n") })
        break
      }
      case "assistant": {
        const texts: Array<string> = []
        const toolCalls: Array<ToolCall> = []
        for (const part of message.content) {
          if (part.type === "text") texts.push(part.text)
          else if (part.type === "tool-call") toolCalls.push({ id: part.id, name: part.name, params: part.params })
          else if (part.type !== "reasoning" && part.type !== "tool-approval-request") {
            return refuse(`assistant message part "${part.type}" is not supported by ${module}`)
          }
        }
        out.push({ role: "assistant", content: texts.join("\n"), toolCalls })
        break
      }
      case "tool":
        for (const part of message.content) {
          if (part.type === "tool-result") {
            out.push({ role: "tool", toolCallId: part.id, name: part.name, content: resultText(part), isFailure: part.isFailure })
          }
        }
        break
    }
  }
  return Effect.succeed(out)
}
