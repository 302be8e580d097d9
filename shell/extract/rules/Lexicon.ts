/**
 * Lexicon — the small word lists the rule grammar reads people, roles and cues with.
 *
 * - Gender of a person mention, for pronoun agreement: kin words ("sister" → female), titles
 *   ("Mrs." → female), and a short list of common first names of several languages, with the
 *   final-"a" rule for names not in it (Ola, Elzbieta, Maria → female) and its usual exceptions.
 * - Role nouns: words naming a person by their relation to another ("sister", "husband",
 *   "dentist", "manager", "ceo"): "X's R is Y" and "my R Y" give (Y, "R of", X).
 * - Cues: change verbs ("moved", "became", "joined"...), transfer verbs ("sold", "gave"), words
 *   that mark an organisation ("Inc", "bank", "university").
 *
 * @since 0.2.0
 */

/** A person mention's grammatical gender, when known. @since 0.2.0 */
export type Gender = "female" | "male"

const FEMALE_KIN = [
  "sister", "sis", "mother", "mom", "mum", "wife", "gf", "daughter", "aunt", "niece", "grandmother", "grandma", "granddaughter",
  "girlfriend", "fiancee", "stepmother", "stepdaughter", "stepsister", "half-sister", "sister-in-law",
  "mother-in-law", "daughter-in-law", "queen", "princess", "lady", "woman", "girl", "actress", "waitress"
]
const MALE_KIN = [
  "brother", "bro", "father", "dad", "husband", "hubby", "bf", "son", "uncle", "nephew", "grandfather", "grandpa", "grandson",
  "boyfriend", "fiance", "stepfather", "stepson", "stepbrother", "half-brother", "brother-in-law",
  "father-in-law", "son-in-law", "king", "prince", "man", "boy", "gentleman", "actor", "waiter"
]
const NEUTRAL_KIN = [
  "parent", "child", "kid", "cousin", "sibling", "spouse", "partner", "grandparent", "grandchild", "twin",
  "friend", "roommate", "flatmate", "housemate", "schoolmate", "bandmate", "workmate", "neighbour", "neighbor", "colleague", "coworker", "co-worker", "classmate",
  "teammate", "boss", "manager", "supervisor", "assistant", "employee", "mentor", "student", "teacher",
  "tutor", "coach", "doctor", "dentist", "therapist", "lawyer", "accountant", "landlord", "landlady", "tenant",
  "ceo", "cto", "cfo", "founder", "co-founder", "owner", "captain", "chair", "chairman", "chairwoman", "president",
  "director", "head", "leader", "mayor", "editor", "agent", "pastor", "priest", "vet", "nurse", "physician",
  "pediatrician", "trainer", "babysitter", "nanny", "godfather", "godmother", "godson", "goddaughter", "ex",
  "ex-wife", "ex-husband", "ex-boyfriend", "ex-girlfriend", "fiancé", "fiancée", "best friend", "bestie", "bff", "penpal", "pal",
  "buddy", "secretary", "deputy", "successor", "predecessor", "guardian", "advisor", "adviser", "supervisor",
  "treasurer", "dean", "chancellor", "governor", "minister", "spokesperson", "commissioner", "superintendent",
  "chief", "principal", "conductor", "curator", "vice-president", "vp", "skipper", "headmaster", "headmistress"
]

const KIN_GENDER = new Map<string, Gender>([
  ...FEMALE_KIN.map((w) => [w, "female"] as const),
  ...MALE_KIN.map((w) => [w, "male"] as const),
  ["landlady", "female"], ["chairwoman", "female"], ["chairman", "male"], ["godmother", "female"],
  ["godfather", "male"], ["goddaughter", "female"], ["godson", "male"], ["ex-wife", "female"],
  ["ex-husband", "male"], ["ex-girlfriend", "female"], ["ex-boyfriend", "male"], ["fiancée", "female"],
  ["fiancé", "male"]
])

const ROLE_NOUNS = new Set([...FEMALE_KIN, ...MALE_KIN, ...NEUTRAL_KIN].filter((w) =>
  !["lady", "woman", "girl", "man", "boy", "gentleman", "actress", "actor", "waiter", "waitress", "queen", "king", "prince", "princess"].includes(w)
))

/** Parent-generation kin: "our mother" said by someone with a stated sibling is the mother of both. */
const PARENT_KIN = new Set(["mother", "mom", "mum", "father", "dad", "parent", "parents", "grandmother", "grandma", "grandfather", "grandpa", "grandparent", "grandparents", "aunt", "uncle", "stepmother", "stepfather"])

const SIBLING_KIN = new Set(["sister", "brother", "sibling", "twin", "stepsister", "stepbrother", "half-sister", "half-brother"])

const FEMALE_NAMES = new Set([
  "mary", "patricia", "jennifer", "linda", "elizabeth", "barbara", "susan", "jessica", "sarah", "karen", "nancy",
  "lisa", "betty", "margaret", "sandra", "ashley", "kimberly", "emily", "michelle", "dorothy", "carol", "amanda",
  "melissa", "deborah", "stephanie", "rebecca", "sharon", "laura", "cynthia", "kathleen", "amy", "shirley",
  "angela", "helen", "anna", "brenda", "pamela", "nicole", "emma", "samantha", "katherine", "christine", "debra",
  "rachel", "catherine", "carolyn", "janet", "ruth", "maria", "heather", "diane", "virginia", "julie", "joyce",
  "victoria", "olivia", "kelly", "christina", "lauren", "joan", "evelyn", "judith", "megan", "cheryl", "andrea",
  "hannah", "martha", "jacqueline", "frances", "gloria", "ann", "teresa", "kathryn", "sara", "janice", "jean",
  "alice", "madison", "doris", "abigail", "julia", "judy", "grace", "denise", "amber", "marilyn", "beverly",
  "danielle", "theresa", "sophia", "marie", "diana", "brittany", "natalie", "isabella", "charlotte", "rose",
  "alexis", "kayla", "sophie", "chloe", "mia", "ella", "lily", "zoe", "claire", "lucy", "ingrid", "astrid",
  "agnes", "beatrice", "ruth", "esther", "miriam", "leah", "naomi", "yuki", "mei", "ling", "aiko", "priya",
  "fatima", "aisha", "leila", "elif", "ines", "ana", "carmen", "isabel", "lucia", "eva", "ewa", "ola", "kasia",
  "gosia", "elzbieta", "agnieszka", "katarzyna", "malgorzata", "joanna", "magdalena", "monika", "beata", "dorota",
  "irena", "olga", "tatiana", "natasha", "svetlana", "ingrid", "greta", "heidi", "birgit", "ursula", "helga",
  "chiara", "giulia", "francesca", "elena", "sofia", "camille", "chantal", "margot", "nora", "iris", "erin",
  "jane", "kate", "beth", "meg", "jill", "liz", "sue", "pam", "gwen", "ruby", "hazel", "ivy", "violet", "jade",
  "carol", "ellen", "karin", "maren", "jasmine", "rita", "nina", "tina", "vera", "wendy", "holly", "paula"
])
const MALE_NAMES = new Set([
  "james", "john", "robert", "michael", "william", "david", "richard", "joseph", "thomas", "charles", "christopher",
  "daniel", "matthew", "anthony", "mark", "donald", "steven", "paul", "andrew", "joshua", "kenneth", "kevin",
  "brian", "george", "timothy", "ronald", "edward", "jason", "jeffrey", "ryan", "jacob", "gary", "nicholas", "eric",
  "jonathan", "stephen", "larry", "justin", "scott", "brandon", "benjamin", "samuel", "gregory", "alexander",
  "frank", "patrick", "raymond", "jack", "dennis", "jerry", "tyler", "aaron", "jose", "adam", "nathan", "henry",
  "douglas", "zachary", "peter", "kyle", "noah", "ethan", "jeremy", "walter", "christian", "keith", "roger",
  "terry", "austin", "sean", "gerald", "carl", "harold", "dylan", "arthur", "lawrence", "jordan", "jesse", "bryan",
  "billy", "bruce", "gabriel", "joe", "logan", "albert", "willie", "alan", "eugene", "russell", "vincent", "philip",
  "bobby", "johnny", "bradley", "roy", "ralph", "randy", "wayne", "howard", "carlos", "louis", "liam", "oliver",
  "lucas", "mason", "leo", "max", "oscar", "hugo", "felix", "tom", "tim", "bob", "bill", "jim", "joe", "ben", "sam",
  "dan", "dave", "mike", "steve", "rob", "ted", "fred", "ed", "al", "ian", "ivan", "igor", "dmitri", "sergei",
  "boris", "yuri", "piotr", "pawel", "marek", "tomasz", "krzysztof", "andrzej", "jan", "jakub", "kuba", "michal",
  "marcin", "lukasz", "wojciech", "bartek", "kamil", "hans", "klaus", "jurgen", "stefan", "lars", "sven", "erik",
  "olaf", "marco", "luca", "giovanni", "giuseppe", "matteo", "pierre", "jean-luc", "francois", "antoine",
  "juan", "pedro", "miguel", "diego", "pablo", "javier", "rafael", "ahmed", "mohammed", "omar", "ali", "hassan",
  "hiroshi", "kenji", "takeshi", "raj", "arjun", "rahul", "wei", "jun", "chen", "nikita", "ilya",
  "sasha", "misha", "joshua", "elijah", "isaiah", "jonah", "ezra", "gus", "rex", "greg", "carl", "karl", "nick",
  "chris", "pat", "matt", "andy", "tony", "rick", "jake", "luke", "owen", "evan", "neil", "colin", "gavin"
])
/** Names ending in "a" that are male (the final-"a" rule's usual exceptions). */
const MALE_A = new Set(["luca", "andrea", "nikita", "ilya", "joshua", "kuba", "sasha", "misha", "jonah", "ezra", "isaiah", "elijah", "garcia", "costa", "silva"])

const TITLE_GENDER = new Map<string, Gender>([
  ["mr", "male"], ["mr.", "male"], ["sir", "male"], ["mrs", "female"], ["mrs.", "female"], ["ms", "female"],
  ["ms.", "female"], ["miss", "female"], ["madam", "female"], ["lady", "female"], ["lord", "male"]
])

/** Titles kept in front of a name ("Dr. Anna Zielinska"). */
export const TITLES = new Set(["dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "prof", "prof.", "sir", "lady", "lord", "st", "st."])

/**
 * The gender of a kin or role word ("sister" → female), `null` when neutral or unknown.
 * @complexity O(1)
 * @since 0.2.0
 */
export const kinGender = (word: string): Gender | null => KIN_GENDER.get(word.toLowerCase()) ?? null

/**
 * The gender of a person's name: a title decides ("Mrs. Kim"), then the first name from the
 * list, then the final-"a" rule (not for its exceptions); `null` when unknown.
 * @complexity O(|name|)
 * @since 0.2.0
 */
export const nameGender = (name: string): Gender | null => genderOf(name)

/** `read` memoised on its string argument (the cache is dropped past 10,000 entries). */
const memoised = <A>(read: (key: string) => A): ((key: string) => A) => {
  const cache = new Map<string, A>()
  return (key) => {
    if (cache.has(key)) return cache.get(key)!
    const value = read(key)
    if (cache.size > 10_000) cache.clear()
    cache.set(key, value)
    return value
  }
}

const readGender = (name: string): Gender | null => {
  const words = name.toLowerCase().split(/\s+/).filter((w) => w.length > 0)
  const title = words[0] === undefined ? undefined : TITLE_GENDER.get(words[0])
  if (title !== undefined) return title
  const first = TITLES.has(words[0] ?? "") ? words[1] : words[0]
  if (first === undefined) return null
  if (FEMALE_NAMES.has(first)) return "female"
  if (MALE_NAMES.has(first)) return "male"
  if (first.length >= 3 && /[^aeiou]a$/.test(first) && !MALE_A.has(first)) return "female"
  return null
}

/**
 * Whether `noun` names a person by their relation to another ("sister", "dentist", "ceo").
 * @complexity O(1)
 * @since 0.2.0
 */
export const isRoleNoun = (noun: string): boolean => roleOf(noun)

const readRole = (noun: string): boolean => {
  const w = noun.toLowerCase()
  if (ROLE_NOUNS.has(w)) return true
  // "best friend", "older sister", "new manager": the head word decides.
  const head = w.split(/\s+/).pop() ?? w
  return ROLE_NOUNS.has(head) || ROLE_NOUNS.has(singularRole(head))
}

const genderOf = memoised(readGender)
const roleOf = memoised(readRole)

const IRREGULAR_PLURALS: Readonly<Record<string, string>> = {
  children: "child", grandchildren: "grandchild", wives: "wife", stepchildren: "stepchild", people: "person"
}

/**
 * The singular of a role noun's plural ("sisters" → sister, "children" → child, "nannies" →
 * nanny); other words unchanged.
 * @complexity O(|word|)
 * @since 0.2.0
 */
export const singularRole = (word: string): string => {
  const w = word.toLowerCase()
  const irregular = IRREGULAR_PLURALS[w]
  if (irregular !== undefined) return irregular
  if (/[^aeiou]ies$/.test(w)) return `${w.slice(0, -3)}y`
  if (/[^s]s$/.test(w)) return w.slice(0, -1)
  return w
}

/** Adjectives that describe a relationship without naming another one ("an old friend" is a friend). */
const PLAIN_ADJECTIVES = new Set(["old", "dear", "good", "close", "great", "lovely", "little", "big", "older", "younger", "elder", "eldest", "oldest", "youngest", "baby", "beloved", "current"])

/**
 * The relation words of a role phrase, lowercased, without the adjectives that do not change
 * the relation ("old friend" → friend, "older sister" → sister; "best friend", "piano teacher"
 * stay).
 * @complexity O(|phrase|)
 * @since 0.2.0
 */
export const roleHead = (phrase: string): string => {
  const words = phrase.toLowerCase().trim().split(/\s+/)
  let i = 0
  while (i < words.length - 1 && PLAIN_ADJECTIVES.has(words[i]!)) i++
  const last = words.length - 1
  const informal = INFORMAL_KIN[words[last] ?? ""]
  if (informal !== undefined) words[last] = informal
  return words.slice(i).join(" ")
}

/** Chat words for kin, read as the word the relation vocabulary knows ("my bro Sam" → brother of). */
const INFORMAL_KIN: Readonly<Record<string, string>> = {
  bro: "brother", sis: "sister", hubby: "husband", bestie: "best friend", bff: "best friend", gf: "girlfriend", bf: "boyfriend"
}

/** Whether a role noun is a parent-generation kin word ("our mother" covers the siblings too). @since 0.2.0 */
export const isParentKin = (noun: string): boolean => PARENT_KIN.has(noun.toLowerCase().split(/\s+/).pop() ?? "")

/** Whether a role noun is a sibling word (a stated sibling joins the speaker's "our"). @since 0.2.0 */
export const isSiblingKin = (noun: string): boolean => SIBLING_KIN.has(noun.toLowerCase().split(/\s+/).pop() ?? "")

/** Verb lemmas whose statement replaces an earlier value of the same relation. @since 0.2.0 */
export const CHANGE_VERBS = new Set(["move", "relocate", "change", "become", "replace", "switch", "join", "transfer", "marry", "divorce", "promote", "rename", "start"])

/** Verb lemmas that hand an object to the person after "to" ("sold the car to Lee"). @since 0.2.0 */
export const TRANSFER_VERBS = new Set(["sell", "give", "hand", "gift", "pass", "transfer", "donate", "leave", "bequeath"])

/** Verb lemmas whose object becomes the subject's ("bought a car"). @since 0.2.0 */
export const ACQUIRE_VERBS = new Set(["buy", "purchase", "acquire", "inherit"])

/** Words in a name that mark an organisation ("Acme Inc", "Bank of Poland", "Warsaw University"). */
const ORG_WORDS = new Set([
  "inc", "inc.", "corp", "corp.", "corporation", "ltd", "ltd.", "llc", "gmbh", "plc", "co", "co.", "company", "group",
  "bank", "university", "college", "school", "hospital", "clinic", "institute", "agency", "studio", "studios",
  "labs", "lab", "systems", "technologies", "software", "partners", "associates", "firm", "office", "ministry",
  "department", "council", "foundation", "team", "club", "restaurant", "cafe", "café", "shop", "store", "factory",
  "bakery", "startup", "airlines", "motors", "media", "press", "bureau", "police", "army", "navy", "google",
  "microsoft", "apple", "amazon", "meta", "ibm", "intel", "netflix", "tesla", "oracle", "samsung", "siemens", "job",
  "industries", "logistics", "foods", "holdings", "enterprises", "solutions", "consulting", "pharma", "pharmaceuticals",
  "insurance", "energy", "electronics", "robotics", "analytics", "networks", "ventures", "dynamics", "games",
  "publishing", "airways", "telecom", "bakeries", "brewery", "laboratories", "laboratory", "academy", "clinics"
])

/**
 * Whether a phrase looks like an organisation (a workplace) rather than a place.
 * @complexity O(words)
 * @since 0.2.0
 */
export const looksLikeOrganisation = (phrase: string): boolean =>
  phrase.toLowerCase().split(/[\s,]+/).some((w) => ORG_WORDS.has(w))

/**
 * Whether a label names an organisation by its form: a capitalised name with an organisation
 * word in it ("Cyberdyne Systems", "Acme Labs", "Pine Street Hospital"), not a lowercase noun
 * phrase ("the new school").
 * @complexity O(words)
 * @since 0.3.0
 */
export const looksLikeOrganisationName = (label: string): boolean => /^\p{Lu}/u.test(label) && looksLikeOrganisation(label)

/**
 * Verb lemmas that put a thing somewhere ("left the keys on the table", "hid the letter under
 * the bed"): their object's place is the prepositional phrase after it. `keep` states where a
 * thing usually is; the others tell a change of place.
 * @since 0.3.0
 */
export const PLACING_VERBS = new Set(["leave", "put", "place", "keep", "store", "hide", "move", "set", "lay", "stash", "drop", "hang", "stick", "tuck", "shove", "park", "pack", "stuff", "slip"])

/**
 * The preposition of a place after a placing verb, as the location phrase says it ("into" →
 * "in"); "to" only after a move ({@link placePreposition}).
 * @since 0.3.0
 */
export const PLACE_PREPOSITION: Readonly<Record<string, string>> = {
  in: "in", into: "in", inside: "inside", on: "on", onto: "on", under: "under", underneath: "under", beneath: "under",
  behind: "behind", beside: "beside", at: "at", near: "near", within: "in", below: "under", above: "above"
}

/**
 * The location phrase a placing verb's preposition gives, or `undefined`: "moved the lamp to the
 * bedroom" → "in"; "put it onto the shelf" → "on".
 * @complexity O(1)
 * @since 0.3.0
 */
export const placePreposition = (verb: string, prep: string): string | undefined =>
  prep === "to" ? (verb === "move" ? "in" : undefined) : Object.hasOwn(PLACE_PREPOSITION, prep) ? PLACE_PREPOSITION[prep] : undefined

/**
 * Verb lemmas that put a person into a role: "was named/appointed/elected/made (the) CEO of Z",
 * "took over as coach of Z", "was promoted to head of Z".
 * @since 0.3.0
 */
export const APPOINTING_VERBS = new Set(["name", "appoint", "elect", "make", "choose", "vote", "crown", "promote", "hire", "select", "nominate", "install", "reappoint", "reelect", "re-elect"])

/** Verb lemmas with "as R of Z" that start holding a role ("took over as", "stepped in as", "started as"). @since 0.3.0 */
export const ROLE_ENTRY_VERBS = new Set(["take", "step", "start", "begin", "return", "come", "join"])

/** Verb lemmas with "as R of Z" that state a role held, without a change ("serves as chair of"). @since 0.3.0 */
export const ROLE_HOLD_VERBS = new Set(["serve", "act", "remain", "stay", "continue", "work"])

/** Verb lemmas that hand a role over: "Y succeeded X as R of Z", "Y replaced X as R of Z", "Y took over from X as …". @since 0.3.0 */
export const SUCCESSION_VERBS = new Set(["replace", "succeed", "take", "follow", "relieve", "supersede", "oust", "unseat", "displace"])

/** Demonyms and language adjectives are not names: "I'm Polish" does not name the narrator. @since 0.2.0 */
export const looksLikeDemonym = (word: string): boolean =>
  (/(?:ish|ese|ian|ean)$/i.test(word) || DEMONYMS.has(word.toLowerCase())) && nameGender(word) === null

const DEMONYMS = new Set([
  "thai", "iraqi", "israeli", "pakistani", "kuwaiti", "saudi", "yemeni", "omani", "bangladeshi", "nepali", "somali",
  "swiss", "dutch", "french", "greek", "czech", "welsh", "irish", "scottish", "english", "german", "chinese",
  "japanese", "korean", "vietnamese", "american", "mexican", "cuban", "peruvian", "chilean", "canadian", "african",
  "european", "asian", "catholic", "muslim", "jewish", "hindu", "buddhist", "christian", "vegan", "vegetarian"
])
