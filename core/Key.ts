/**
 * Key — normalisation of labels and relations into stable keys.
 *
 * Two labels that differ only in case, accents, punctuation, surrounding whitespace or a
 * leading article ("The Eiffel Tower" / "eiffel tower") get the same key, and so the same node.
 * Keys contain only lowercase letters, digits and single spaces (relations: `_`), so the
 * separators used in edge ids (`|`, `#`, `:`) never occur inside them.
 *
 * @since 0.1.0
 */

const ARTICLE = /^(the|a|an) /

const fold = (s: string): string =>
  s
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()

/**
 * The node key of a label.
 *
 * Laws: `node(node(s)) == node(s)` (idempotent); `node(s)` has no `|`, `#`, `:` or `_`.
 * @complexity O(|s|)
 * @example
 * ```ts
 * Key.node("  The Eiffel-Tower ") // "eiffel tower"
 * ```
 */
export const node = (label: string): string => {
  const k = fold(label).replace(/_/g, " ")
  const stripped = k.replace(ARTICLE, "")
  return stripped.length > 0 ? stripped : k
}

/**
 * The key of a relation: folded like a node key, words joined by `_`.
 *
 * Laws: `relation(relation(s)) == relation(s)`.
 * @complexity O(|s|)
 * @example
 * ```ts
 * Key.relation("Lives in") // "lives_in"
 * ```
 */
export const relation = (label: string): string => fold(label.replace(/_/g, " ")).replace(/ /g, "_")
