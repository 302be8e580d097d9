/**
 * The structural invariants of a liquid graph, checked after every transition in the law tests.
 *
 * `check(g)` returns every violation it finds (an empty array means the graph is well formed):
 * - every edge's endpoints are nodes; kinds connect the right blocks (mention: episode →
 *   semantic; association: subject < object, except an episode sequence link: later → earlier
 *   episode, id `q|later|earlier`);
 * - the `out`, `inc` and `slots` indexes hold exactly the edges they should (a slot of one
 *   fact holds its bare id, a slot set never fewer than two ids);
 * - weights and confidences are finite and in [0, 1]; importance is finite, ≥ 0, and equals its
 *   definition (Σ incident weights × max(1, out-degree)) up to rounding;
 * - semantic node ids are their keys, episode ids start with `ep:`;
 * - every vector belongs to a node; an alias is never a live node;
 * - a superseded fact has ended (`validUntil` set);
 * - the lexical index is exactly a naive scan of the nodes' texts: a term lists node n iff
 *   `Text.terms(documentText(n))` contains it, with its term frequency and the text's length
 *   (capped as `packPosting` caps them); a term of one node holds its bare id, a map never
 *   fewer than two; `lexicalLength` is Σ of the texts' lengths — active and archived nodes alike;
 * - the archive: no id is both active and archived; an archived node has importance 0; an
 *   archived edge is a `fact`, a `mention` or a sequence link whose ends are nodes (active or archived) or merged ids
 *   (aliases); the archived-incidence index lists exactly the archived edges at each end; every
 *   vector belongs to an active or archived node; no tombstoned id is active or archived.
 */
import { HashMap, HashSet } from "effect"
import * as Fact from "../core/Fact.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Text from "../core/Text.ts"
import * as VectorStore from "../core/VectorStore.ts"

const unit = (x: number): boolean => Number.isFinite(x) && x >= 0 && x <= 1

export const check = (g: LiquidGraph.LiquidGraph): Array<string> => {
  const bad: Array<string> = []
  for (const n of HashMap.values(g.nodes)) {
    if (n.kind === "episode" ? !n.id.startsWith("ep:") : n.id !== n.key) bad.push(`node ${n.id}: id does not match kind/key`)
    if (!unit(n.confidence) || !unit(n.surprise)) bad.push(`node ${n.id}: confidence/surprise out of [0,1]`)
    if (!Number.isFinite(n.importance) || n.importance < 0) bad.push(`node ${n.id}: importance ${n.importance}`)
    const want = LiquidGraph.computeImportance(g, n.id)
    if (want !== n.importance) bad.push(`node ${n.id}: importance ${n.importance} but definition gives ${want}`)
    let strength = 0
    for (const e of LiquidGraph.incident(g, n.id)) strength += LiquidGraph.quantise(e.weight)
    if (strength !== LiquidGraph.strengthOf(g, n.id)) bad.push(`node ${n.id}: strength index ${LiquidGraph.strengthOf(g, n.id)} but edges give ${strength}`)
  }
  let outCount = 0
  let incCount = 0
  let slotCount = 0
  for (const e of HashMap.values(g.edges)) {
    const s = LiquidGraph.node(g, e.subject)
    const o = LiquidGraph.node(g, e.object)
    if (s === undefined || o === undefined) {
      bad.push(`edge ${e.id}: dangling endpoint`)
      continue
    }
    if (!unit(e.weight) || !unit(e.confidence)) bad.push(`edge ${e.id}: weight/confidence out of [0,1]`)
    if (e.kind === "mention" && (s.kind !== "episode" || o.kind === "episode")) bad.push(`edge ${e.id}: mention must go episode → semantic`)
    if (Fact.isSequence(e)) {
      if (s.kind !== "episode" || o.kind !== "episode" || e.id !== Fact.sequenceId(e.subject, e.object)) bad.push(`edge ${e.id}: a sequence link joins two episodes, id q|later|earlier`)
    } else if (e.kind === "association" && !(e.subject < e.object)) bad.push(`edge ${e.id}: association not ordered`)
    if (e.supersededBy !== null && e.validUntil === null) bad.push(`edge ${e.id}: superseded but not ended`)
    if (!HashSet.has(LiquidGraph.outEdges(g, e.subject), e.id)) bad.push(`edge ${e.id}: missing from out index`)
    if (!HashSet.has(LiquidGraph.inEdges(g, e.object), e.id)) bad.push(`edge ${e.id}: missing from in index`)
    if (e.kind === "fact") {
      const slot = HashMap.get(g.slots, Fact.slotKey(e.subject, e.relation))
      const present = slot._tag === "Some" && (typeof slot.value === "string" ? slot.value === e.id : HashSet.has(slot.value, e.id))
      if (!present) bad.push(`edge ${e.id}: missing from slot index`)
    }
  }
  for (const [id, set] of g.out) {
    if (HashSet.size(set) === 0) bad.push(`out index: empty set kept for ${id}`)
    for (const e of set) {
      outCount++
      if (LiquidGraph.edge(g, e)?.subject !== id) bad.push(`out index: ${e} listed under ${id}`)
    }
  }
  for (const [id, set] of g.inc) {
    if (HashSet.size(set) === 0) bad.push(`in index: empty set kept for ${id}`)
    for (const e of set) {
      incCount++
      if (LiquidGraph.edge(g, e)?.object !== id) bad.push(`in index: ${e} listed under ${id}`)
    }
  }
  for (const [key, entry] of g.slots) {
    // a slot of one fact holds the bare id; a set always holds ≥ 2 ids
    if (typeof entry !== "string" && HashSet.size(entry) === 0) bad.push(`slot index: empty set kept for ${key}`)
    if (typeof entry !== "string" && HashSet.size(entry) === 1) bad.push(`slot index: one-element set kept for ${key}`)
    for (const e of typeof entry === "string" ? [entry] : entry) {
      slotCount++
      const f = LiquidGraph.edge(g, e)
      if (f === undefined || f.kind !== "fact" || Fact.slotKey(f.subject, f.relation) !== key) bad.push(`slot index: ${e} under ${key}`)
    }
  }
  const m = LiquidGraph.edgeCount(g)
  if (outCount !== m || incCount !== m) bad.push(`index sizes ${outCount}/${incCount} differ from ${m} edges`)
  const facts = LiquidGraph.edges(g).filter((e) => e.kind === "fact").length
  if (slotCount !== facts) bad.push(`slot index holds ${slotCount} ids for ${facts} facts`)
  for (const [id] of VectorStore.entries(g.vectors)) if (LiquidGraph.anyNode(g, id) === undefined) bad.push(`vector ${id}: no such node`)
  if (g.vectors.size !== HashMap.size(g.vectors.index)) bad.push(`vector store size disagrees with its index`)
  for (const [from] of g.aliases) if (LiquidGraph.hasNode(g, from)) bad.push(`alias ${from} is still a node`)
  for (const [id] of g.strength) if (!LiquidGraph.hasNode(g, id)) bad.push(`strength index: ${id} is not a node`)
  checkLexical(g, bad)
  checkArchive(g, bad)
  return bad
}

/** The archive: disjoint from the active graph, ends present, incidence index exact, tombstones absent. */
const checkArchive = (g: LiquidGraph.LiquidGraph, bad: Array<string>): void => {
  for (const [id, a] of g.archivedNodes) {
    if (a.node.id !== id) bad.push(`archived node ${id}: record names ${a.node.id}`)
    if (LiquidGraph.hasNode(g, id)) bad.push(`archived node ${id} is also active`)
    if (a.node.importance !== 0) bad.push(`archived node ${id}: importance ${a.node.importance}`)
    if (!Number.isFinite(a.archivedAt)) bad.push(`archived node ${id}: archivedAt ${a.archivedAt}`)
  }
  const end = (id: string): boolean => LiquidGraph.anyNode(g, id) !== undefined || HashMap.has(g.aliases, id)
  const want = new Map<string, Set<string>>()
  for (const [id, a] of g.archivedEdges) {
    const e = a.edge
    if (e.id !== id) bad.push(`archived edge ${id}: record names ${e.id}`)
    if (LiquidGraph.hasEdge(g, id)) bad.push(`archived edge ${id} is also active`)
    if (e.kind === "association" && !Fact.isSequence(e)) bad.push(`archived edge ${id}: associations other than sequence links are dropped, not archived`)
    if (!end(e.subject) || !end(e.object)) bad.push(`archived edge ${id}: an end is not a node`)
    if (!unit(e.weight) || !unit(e.confidence)) bad.push(`archived edge ${id}: weight/confidence out of [0,1]`)
    for (const n of [e.subject, e.object]) {
      let s = want.get(n)
      if (s === undefined) want.set(n, (s = new Set()))
      s.add(id)
    }
  }
  let listed = 0
  for (const [n, set] of g.archivedIncident) {
    listed++
    const w = want.get(n)
    if (HashSet.size(set) === 0) bad.push(`archived incidence: empty set kept for ${n}`)
    if (w === undefined || w.size !== HashSet.size(set) || !Array.from(set).every((e) => w.has(e))) {
      bad.push(`archived incidence of ${n}: ${Array.from(set).sort().join(",")} but edges give ${Array.from(w ?? []).sort().join(",")}`)
    }
  }
  if (listed !== want.size) bad.push(`archived incidence lists ${listed} nodes, edges give ${want.size}`)
  if (HashSet.size(g.tombstones) > 0) {
    const present = [...HashMap.keys(g.nodes), ...HashMap.keys(g.edges), ...HashMap.keys(g.archivedNodes), ...HashMap.keys(g.archivedEdges)]
    for (const id of present) if (LiquidGraph.isForgotten(g, id)) bad.push(`forgotten ${id} is still present`)
  }
}

/** The lexical index against a naive scan of every node's text (both directions). */
const checkLexical = (g: LiquidGraph.LiquidGraph, bad: Array<string>): void => {
  // the naive index: term → node id → [tf, length], and Σ lengths
  const naive = new Map<string, Map<string, readonly [number, number]>>()
  let total = 0
  const documents = [...HashMap.values(g.nodes), ...Array.from(HashMap.values(g.archivedNodes), (a) => a.node)]
  for (const n of documents) {
    const ts = Text.terms(LiquidGraph.documentText(n))
    total += ts.length
    const tf = new Map<string, number>()
    for (const t of ts) tf.set(t, (tf.get(t) ?? 0) + 1)
    for (const [t, f] of tf) {
      let m = naive.get(t)
      if (m === undefined) naive.set(t, (m = new Map()))
      m.set(n.id, [Math.min(f, LiquidGraph.POSTING_MAX_TF), Math.min(ts.length, LiquidGraph.POSTING_MAX_LENGTH)])
    }
  }
  if (g.lexicalLength !== total) bad.push(`lexical index: length ${g.lexicalLength} but texts give ${total}`)
  let terms = 0
  for (const [term, entry] of g.postings) {
    terms++
    if (typeof entry !== "string" && HashMap.size(entry) < 2) bad.push(`lexical index: map of ${HashMap.size(entry)} kept for ${term}`)
    if (typeof entry === "string" && LiquidGraph.anyNode(g, entry) === undefined) {
      bad.push(`lexical index: ${term} lists ${entry}, not a node`)
      continue
    }
    const want = naive.get(term)
    if (want === undefined) {
      bad.push(`lexical index: ${term} is in no node's text`)
      continue
    }
    if (LiquidGraph.documentFrequency(g, term) !== want.size) {
      bad.push(`lexical index: ${term} lists ${LiquidGraph.documentFrequency(g, term)} nodes, texts give ${want.size}`)
    }
    const seen = new Set<string>()
    LiquidGraph.forEachPosting(g, term, (id, tf, length) => {
      seen.add(id)
      const w = want.get(id)
      if (w === undefined) bad.push(`lexical index: ${id} listed under ${term} but its text lacks it`)
      else if (w[0] !== tf || w[1] !== length) bad.push(`lexical index: ${term} in ${id} is (${tf}, ${length}), text gives (${w[0]}, ${w[1]})`)
    })
    for (const id of want.keys()) if (!seen.has(id)) bad.push(`lexical index: ${id} contains ${term} but is not listed`)
  }
  if (terms !== naive.size) bad.push(`lexical index holds ${terms} terms, texts give ${naive.size}`)
  for (const [term, ids] of naive) {
    if (!HashMap.has(g.postings, term)) bad.push(`lexical index: ${term} (in ${Array.from(ids.keys()).sort().join(", ")}) is not indexed`)
  }
}

/** Throws with every violation listed when `g` breaks an invariant (for use inside properties). */
export const assertValid = (g: LiquidGraph.LiquidGraph, context = ""): void => {
  const bad = check(g)
  if (bad.length > 0) throw new Error(`invariants broken${context ? " after " + context : ""}:\n  ` + bad.slice(0, 20).join("\n  "))
}
