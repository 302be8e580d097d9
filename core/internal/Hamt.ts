/**
 * What the graph knows of effect's private HAMT layout (effect 4.1, `internal/hashMap.ts` and
 * `internal/hashSet.ts`), in one place, with a probe that says when it no longer holds.
 *
 * Why it is needed: when effect inserts a child into a trie node it copies the node's `children`
 * array and then `splice`s the new child in, and V8 grows the copy's backing store to
 * `1.5 × length + 16` slots, so every node an insert creates carries ~17 unused slots (~140
 * bytes). Replacing such an array by a `slice()` of itself (same elements, exact capacity)
 * changes nothing observable (the node holds the same children in the same order) and gives the
 * bytes back: at 10^5 facts it is a third of the graph's heap.
 *
 * The layout read: a `HashMap` has `_root`, a trie of nodes tagged `_tag` — `IndexedNode`
 * (`bitmap`: a 32-bit mask of the occupied slots, `children`: one entry per set bit, in bit
 * order), `ArrayNode` (`children`: 32 slots, indexed by 5 bits of the hash), `LeafNode` (`key`,
 * `value`), `CollisionNode`, `EmptyNode` — indexed by `Hash.string(key)` 5 bits per level from
 * the low bits; a `HashSet` keeps its elements as the keys of the `HashMap` in `keyMap`.
 * Trimming never writes anything but a `children` array replaced by an equal copy; when a node
 * does not have the expected shape it stops (does nothing). {@link layoutProblems} is the check
 * that the shape still holds: `laws/Hamt.test.ts` fails when it reports anything, so an upgrade
 * of effect that changes the layout is caught instead of silently losing the trimming.
 *
 * @since 0.1.0
 */
import { Hash, HashMap, HashSet } from "effect"

/** The parts of a trie node that trimming reads and writes. */
export interface TrieNode {
  readonly _tag?: unknown
  readonly bitmap?: unknown
  children?: unknown
  readonly key?: unknown
}

/** Number of set bits of a 32-bit integer. @complexity O(1) */
export const popcount = (n: number): number => {
  n = n - ((n >>> 1) & 0x55555555)
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333)
  return (((n + (n >>> 4)) & 0xf0f0f0f) * 0x1010101) >>> 24
}

/** The root trie node of a HashMap, or undefined when it does not have the expected shape. @complexity O(1) */
export const rootOf = (m: unknown): TrieNode | undefined => {
  const root = (m as { readonly _root?: unknown } | undefined)?._root
  return typeof root === "object" && root !== null ? (root as TrieNode) : undefined
}

/** The trie of a HashSet (its key map's root), or undefined. @complexity O(1) */
export const setRoot = (set: HashSet.HashSet<string>): TrieNode | undefined =>
  rootOf((set as unknown as { readonly keyMap?: unknown }).keyMap)

/** The child of `node` on the path of `hash` at level `shift`, or undefined (no child, or an unknown shape). */
const childOn = (node: TrieNode, hash: number, shift: number): TrieNode | undefined => {
  const children = node.children
  if (!Array.isArray(children)) return undefined
  if (node._tag === "IndexedNode") {
    const bitmap = node.bitmap
    if (typeof bitmap !== "number") return undefined
    const bit = 1 << ((hash >>> shift) & 31)
    if ((bitmap & bit) === 0) return undefined
    return children[popcount(bitmap & (bit - 1))] as TrieNode | undefined
  }
  if (node._tag === "ArrayNode") return children[(hash >>> shift) & 31] as TrieNode | undefined
  return undefined
}

/** The deepest `IndexedNode` on the path of `hash` (the one an insert of that key spliced into), or undefined. */
const lastIndexedOn = (root: TrieNode | undefined, hash: number): TrieNode | undefined => {
  let node = root
  let last: TrieNode | undefined
  for (let shift = 0; node !== undefined && shift <= 30; shift += 5) {
    if (node._tag === "IndexedNode") last = node
    else if (node._tag !== "ArrayNode") break
    node = childOn(node, hash, shift)
  }
  return last
}

/**
 * Trims the `children` array of the deepest `IndexedNode` on the path to the key of hash `hash`:
 * the node an insert of that key spliced its leaf into, the only one on the path whose array
 * grows (effect copies the others with an exact spread, and assigns into `ArrayNode`s). Only
 * tries the caller owns and no one else is writing may be trimmed (a map after `endMutation`, or
 * the fresh path of a persistent update).
 * Laws: the map holds the same entries afterwards (same `get`, iteration order, size, equality).
 * @complexity O(depth) = O(log n)
 */
export const trimPath = (root: TrieNode | undefined, hash: number): void => {
  const node = lastIndexedOn(root, hash)
  if (node !== undefined && Array.isArray(node.children)) node.children = node.children.slice()
}

/** Trims every `IndexedNode` of a trie (for maps most of whose keys were written). @complexity O(n) */
export const trimAll = (node: TrieNode | undefined): void => {
  if (node === undefined || node === null) return
  const children = node.children
  if (!Array.isArray(children)) return
  if (node._tag === "IndexedNode") node.children = children.slice()
  else if (node._tag !== "ArrayNode") return
  for (const c of children) trimAll(c as TrieNode | undefined)
}

/**
 * Trims the paths of the written keys of a sealed map (the whole trie when they are at least a
 * quarter of its keys). Returns the map itself.
 * @complexity O(min(count · log n, n))
 */
export const trimWritten = <V>(m: HashMap.HashMap<string, V>, written: Iterable<string>, count: number): HashMap.HashMap<string, V> => {
  if (count === 0) return m
  const root = rootOf(m)
  if (count * 4 >= HashMap.size(m)) trimAll(root)
  else for (const key of written) trimPath(root, Hash.string(key))
  return m
}

/**
 * `HashSet.add`, with the new path of the set's trie trimmed ({@link trimPath}); `h` must be
 * `Hash.string(id)`. Equal to `HashSet.add(set, id)`.
 * @complexity O(log |set|)
 */
export const addTrimmed = (set: HashSet.HashSet<string>, id: string, h: number): HashSet.HashSet<string> => {
  const next = HashSet.add(set, id)
  if (next !== set) trimPath(setRoot(next), h)
  return next
}

/**
 * `HashMap.set` (persistent), with the new path trimmed. Equal to `HashMap.set(m, key, value)`.
 * @complexity O(log |m|)
 */
export const setTrimmed = <V>(m: HashMap.HashMap<string, V>, key: string, value: V): HashMap.HashMap<string, V> => {
  const next = HashMap.set(m, key, value)
  if (next !== m) trimPath(rootOf(next), Hash.string(key))
  return next
}

/** The leaf holding `key` found by walking the trie as {@link trimPath} does, or undefined. */
const leafOf = (root: TrieNode | undefined, key: string): TrieNode | undefined => {
  const hash = Hash.string(key)
  let node = root
  for (let shift = 0; node !== undefined && shift <= 35; shift += 5) {
    if (node._tag === "LeafNode") return node.key === key ? node : undefined
    node = childOn(node, hash, shift)
  }
  return undefined
}

/**
 * What no longer holds of the layout this module reads, on maps and sets built here (empty when
 * all holds): the root field, the node tags and fields, the bitmap-indexed and array-indexed
 * paths by `Hash.string` (every key found at the end of its path), `HashSet`'s `keyMap`, and that
 * trimming replaces the arrays on a path by equal ones. `laws/Hamt.test.ts` requires it empty.
 * @complexity O(1) (a few hundred keys)
 */
export const layoutProblems = (): Array<string> => {
  const problems: Array<string> = []
  const keys = Array.from({ length: 300 }, (_, i) => `k${i}|${(i * 7919) % 1009}`)
  let m = HashMap.empty<string, number>()
  for (let i = 0; i < keys.length; i++) m = HashMap.set(m, keys[i]!, i)
  const root = rootOf(m)
  if (root === undefined) return ["HashMap has no object `_root`"]
  const tags = new Set<unknown>()
  const walk = (n: TrieNode, depth: number): void => {
    tags.add(n._tag)
    if (depth > 8) return
    if (n._tag === "IndexedNode") {
      if (typeof n.bitmap !== "number") problems.push("IndexedNode without a numeric `bitmap`")
      else if (!Array.isArray(n.children) || n.children.length !== popcount(n.bitmap)) problems.push("IndexedNode `children` is not one entry per bitmap bit")
    } else if (n._tag === "ArrayNode") {
      if (!Array.isArray(n.children) || n.children.length !== 32) problems.push("ArrayNode `children` is not 32 slots")
    } else if (n._tag !== "LeafNode" && n._tag !== "CollisionNode") problems.push(`unknown node tag ${String(n._tag)}`)
    if (Array.isArray(n.children)) for (const c of n.children) if (c !== undefined && c !== null) walk(c as TrieNode, depth + 1)
  }
  walk(root, 0)
  if (!tags.has("IndexedNode") && !tags.has("ArrayNode")) problems.push("no IndexedNode or ArrayNode in a 300-key map")
  if (!tags.has("LeafNode")) problems.push("no LeafNode in a 300-key map")
  for (const k of keys) {
    if (leafOf(root, k) === undefined) {
      problems.push(`key ${k} is not at the end of its Hash.string path`)
      break
    }
  }
  let s = HashSet.empty<string>()
  for (const k of keys.slice(0, 40)) s = HashSet.add(s, k)
  const sroot = setRoot(s)
  if (sroot === undefined) problems.push("HashSet has no `keyMap` with a `_root`")
  else if (leafOf(sroot, keys[7]!) === undefined) problems.push("a HashSet element is not a key of its `keyMap`")
  // trimming acts: the arrays on a key's path in a small map (an IndexedNode root) are replaced,
  // and the map is unchanged
  let small = HashMap.empty<string, number>()
  for (let i = 0; i < 10; i++) small = HashMap.set(small, keys[i]!, i)
  const sr = rootOf(small)
  if (sr?._tag !== "IndexedNode") problems.push("a 10-key map's root is not an IndexedNode")
  const spliced = lastIndexedOn(sr, Hash.string(keys[0]!))
  const first = spliced?.children
  trimPath(sr, Hash.string(keys[0]!))
  if (spliced === undefined || spliced.children === first) problems.push("trimPath did not replace the array its key was spliced into")
  if (Array.from(small).length !== 10 || HashMap.get(small, keys[0]!)._tag !== "Some") problems.push("trimming changed the map")
  return problems
}
