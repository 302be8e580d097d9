/**
 * Reference — slow, obviously-right computations that laws compare the engine's fast ones with
 * (and that the bench uses as their baseline).
 *
 * @since 0.1.0
 */
import { HashMap } from "effect"
import * as Fact from "../core/Fact.ts"
import { type Fingerprint, hashString } from "../core/internal/hash.ts"
import type * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Node from "../core/Node.ts"
import * as VectorStore from "../core/VectorStore.ts"

/**
 * The content hash as first defined: one `hashString` per lane of every canonical string (nodes,
 * edges, aliases, learned relations, the archive, tombstones, the dimension), vectors through
 * `VectorStore.fingerprint`. Law: `LiquidGraph.contentHash(g) == referenceHash(g)`.
 * @complexity O(size of the graph's canonical text)
 */
export const referenceHash = (g: LiquidGraph.LiquidGraph): string => {
  let lo = 0
  let hi = 0
  const add = (s: string): void => {
    lo = (lo + hashString(s, 0x9747b28c)) >>> 0
    hi = (hi + hashString(s, 0x5bd1e995)) >>> 0
  }
  for (const n of HashMap.values(g.nodes)) add(Node.canonical(n))
  for (const e of HashMap.values(g.edges)) add(Fact.canonical(e))
  for (const [from, to] of g.aliases) add(JSON.stringify(["a", from, to]))
  for (const r of g.learned) add(JSON.stringify(["l", r]))
  for (const a of HashMap.values(g.archivedNodes)) add("an|" + a.archivedAt + "|" + Node.canonical(a.node))
  for (const a of HashMap.values(g.archivedEdges)) add("ae|" + a.archivedAt + "|" + Fact.canonical(a.edge))
  for (const id of g.tombstones) add(JSON.stringify(["t", id]))
  add("dim|" + (g.vectors.size === 0 ? 0 : g.vectors.dim))
  VectorStore.fingerprint(g.vectors, { add } as unknown as Fingerprint)
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0")
}
