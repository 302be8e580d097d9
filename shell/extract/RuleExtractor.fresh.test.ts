/**
 * Fresh conversational English the rule extractor was not built on: short diary entries and
 * chat turns (first person, self-introductions, pronouns across turns, coordination, names with
 * diacritics or in another script, and lines that must give nothing). The facts were written
 * down before the extractor was run on them, following eval/suites/extraction/README.md; they are
 * compared through the core's relation vocabulary (canonical relation, inverse phrases, labels
 * by node key with a leading title dropped), and dates to the day, as the extraction suite does.
 */
import { describe, expect, it } from "vitest"
import * as Key from "../../core/Key.ts"
import * as Relation from "../../core/Relation.ts"
import * as RuleExtractor from "./RuleExtractor.ts"
import type { Triple } from "./Triple.ts"

/** A labelled fact: [subject, relation, object, flags...] with flags "not" and "from YYYY-MM-DD" / "until YYYY-MM-DD". */
type Fact = readonly [string, string, string, ...Array<string>]

interface Turn {
  readonly text: string
  readonly speaker?: string
}

interface Case {
  readonly id: string
  readonly speaker?: string
  readonly turns: ReadonlyArray<string | Turn>
  readonly facts: ReadonlyArray<Fact>
}

/** Turns are said on 2024-05-10 (noon UTC) unless a case says otherwise. */
const TIME = Date.UTC(2024, 4, 10, 12)

const TITLE = /^(?:dr|mr|mrs|ms|miss|prof|professor) (?=\S)/
const label = (s: string): string => Key.node(Key.node(s).replace(TITLE, ""))
const day = (ms: number | null | undefined): string | null => (typeof ms === "number" ? new Date(ms).toISOString().slice(0, 10) : null)

/** A fact's comparison key: canonical relation, keyed labels, negation, dates to the day. */
const keyOf = (subject: string, relation: string, object: string, negated: boolean, from: string | null, until: string | null): string => {
  const n = Relation.normalize({ subject, relation, object })
  let s = label(n.subject)
  let o = label(n.object)
  if (Relation.isSymmetric(n.relation) && s > o) [s, o] = [o, s]
  return `(${s}, ${negated || n.negated ? "not " : ""}${n.relation}, ${o})${from !== null ? ` from ${from}` : ""}${until !== null ? ` until ${until}` : ""}`
}

const goldKey = ([s, r, o, ...flags]: Fact): string => {
  const from = flags.find((f) => f.startsWith("from "))?.slice(5) ?? null
  const until = flags.find((f) => f.startsWith("until "))?.slice(6) ?? null
  return keyOf(s, r, o, flags.includes("not"), from, until)
}

const predictedKey = (t: Triple): string => keyOf(t.subject, t.relation, t.object, t.negated, day(t.validFrom), day(t.validUntil))

const rules = RuleExtractor.make()

/** Reads a case's turns in one discourse; the sorted, distinct keys of what it gave. */
const read = (c: Case): ReadonlyArray<string> => {
  const d = rules.discourse()
  const out: Array<string> = []
  for (const turn of c.turns) {
    const t: Turn = typeof turn === "string" ? { text: turn } : turn
    const speaker = t.speaker ?? c.speaker ?? null
    for (const x of d.read(t.text, { speaker, time: TIME })) out.push(predictedKey(x))
  }
  return [...new Set(out)].sort()
}

const first: ReadonlyArray<Case> = [
  { id: "fp-pharmacist", speaker: "Priya", turns: ["I'm a pharmacist at Boots."], facts: [["Priya", "is a", "pharmacist"], ["Priya", "works at", "Boots"]] },
  { id: "fp-been-living-since", speaker: "Tomás", turns: ["Honestly, I've been living in Valparaíso since 2019."], facts: [["Tomás", "lives in", "Valparaíso", "from 2019-01-01"]] },
  { id: "fp-intro-teach", turns: ["Hi, I'm Aiko.", "I teach math.", "My husband Kenji and I live in Osaka."], facts: [["Aiko", "teaches", "math"], ["Kenji", "husband of", "Aiko"], ["Kenji", "lives in", "Osaka"], ["Aiko", "lives in", "Osaka"]] },
  { id: "fp-btw-now", speaker: "Lars", turns: ["btw I work for Maersk now."], facts: [["Lars", "works at", "Maersk"]] },
  { id: "fp-have-a-brother", speaker: "Fatima", turns: ["I have a brother, Yusuf. He studies law."], facts: [["Yusuf", "brother of", "Fatima"], ["Yusuf", "studies", "law"]] },
  { id: "fp-been-a-nurse", speaker: "Olu", turns: ["I've been a nurse for ten years."], facts: [["Olu", "is a", "nurse"]] },
  { id: "fp-we-moved-lowercase", speaker: "Marta", turns: ["we moved to Kraków last year!"], facts: [["Marta", "lives in", "Kraków", "from 2023-05-10"]] },
  { id: "fp-wife-and-i", speaker: "Ben", turns: ["My wife Chloe is a vet and I'm a teacher."], facts: [["Chloe", "wife of", "Ben"], ["Chloe", "is a", "vet"], ["Ben", "is a", "teacher"]] },
  { id: "fp-grew-up", speaker: "Sven", turns: ["I grew up in Bergen."], facts: [["Sven", "grew up in", "Bergen"]] },
  { id: "fp-from-but-now", speaker: "Ines", turns: ["I'm from Lisbon, but I live in Berlin now."], facts: [["Ines", "is from", "Lisbon"], ["Ines", "lives in", "Berlin"]] },
  { id: "fp-own", speaker: "Raj", turns: ["I own a bakery."], facts: [["Raj", "owns", "bakery"]] },
  { id: "fp-quit-job-at", speaker: "Noor", turns: ["I quit my job at Deloitte last month."], facts: [["Noor", "works at", "Deloitte", "not", "from 2024-04-10"]] },
  { id: "fp-studied-at", speaker: "Hannah", turns: ["I studied chemistry at McGill."], facts: [["Hannah", "studied", "chemistry"], ["Hannah", "studied at", "McGill"]] },
  { id: "fp-intro-emoji", turns: ["Hey, I'm Diego 👋", "I cook at El Cielo."], facts: [["Diego", "cooks at", "El Cielo"]] },
  { id: "fp-our-daughter", speaker: "Kofi", turns: ["Our daughter Ama is a dentist."], facts: [["Ama", "daughter of", "Kofi"], ["Ama", "is a", "dentist"]] },
  { id: "fp-married-in", speaker: "Elena", turns: ["Well, I married Paolo in 2015."], facts: [["Elena", "married to", "Paolo", "from 2015-01-01"]] },
  { id: "fp-dont-eat", speaker: "Sofia", turns: ["I don't eat meat."], facts: [["Sofia", "eats", "meat", "not"]] },
  { id: "fp-love-list", speaker: "Mei", turns: ["I love hiking and photography."], facts: [["Mei", "loves", "hiking"], ["Mei", "loves", "photography"]] },
  { id: "fp-speak-list", speaker: "Ahmed", turns: ["I speak Arabic, French and English."], facts: [["Ahmed", "speaks", "Arabic"], ["Ahmed", "speaks", "French"], ["Ahmed", "speaks", "English"]] },
  { id: "fp-lowercase-new-job", speaker: "Jo", turns: ["ugh, i started a new job at Spotify today!!"], facts: [["Jo", "works at", "Spotify", "from 2024-05-10"]] },
  { id: "fp-lowercase-dev", speaker: "Min-jun", turns: ["i'm a software dev and i live in seoul"], facts: [["Min-jun", "is a", "software dev"], ["Min-jun", "lives in", "seoul"]] },
  { id: "fp-intro-kia-ora", turns: ["Kia ora! I'm Aroha.", "I'm a midwife at Rotorua Hospital."], facts: [["Aroha", "is a", "midwife"], ["Aroha", "works at", "Rotorua Hospital"]] },
  { id: "fp-dash-apposition", speaker: "Pedro", turns: ["My sister — Carla — lives in Recife."], facts: [["Carla", "sister of", "Pedro"], ["Carla", "lives in", "Recife"]] },
  { id: "fp-paren-apposition", speaker: "Ivy", turns: ["My best friend (Rosie) works at a vet clinic."], facts: [["Rosie", "best friend of", "Ivy"], ["Rosie", "works at", "vet clinic"]] },
  { id: "fp-got-two-kids", speaker: "Omar", turns: ["I've got two kids, Layla and Sami."], facts: [["Layla", "child of", "Omar"], ["Sami", "child of", "Omar"]] },
  { id: "fp-partner-and-i", speaker: "Nia", turns: ["My partner Rhys and I live in Cardiff."], facts: [["Rhys", "partner of", "Nia"], ["Rhys", "lives in", "Cardiff"], ["Nia", "lives in", "Cardiff"]] },
  { id: "fp-been-working-since", speaker: "Chiara", turns: ["I've been working at Ferrari since 2020."], facts: [["Chiara", "works at", "Ferrari", "from 2020-01-01"]] },
  { id: "fp-mom-dad-contracted", speaker: "Leila", turns: ["My mom's a teacher and my dad's a cab driver."], facts: [["Leila's mom", "is a", "teacher"], ["Leila's dad", "is a", "cab driver"]] },
  { id: "fp-oh-and-play", speaker: "Arjun", turns: ["Oh, and I play cricket on weekends."], facts: [["Arjun", "plays", "cricket"]] },
  { id: "fp-me-and-brother", speaker: "Sasha", turns: ["Me and my brother Niko run a café."], facts: [["Niko", "brother of", "Sasha"], ["Sasha", "runs", "café"], ["Niko", "runs", "café"]] },
  { id: "fp-designer-from", speaker: "Camille", turns: ["I'm a graphic designer from Lyon."], facts: [["Camille", "is a", "graphic designer"], ["Camille", "is from", "Lyon"]] },
  { id: "fp-husbands-name", speaker: "Eva", turns: ["My husband's name is Karl."], facts: [["Karl", "husband of", "Eva"]] },
  { id: "fp-married-to", speaker: "Joon", turns: ["I'm married to Hana."], facts: [["Joon", "married to", "Hana"]] },
  { id: "fp-daughter-studying", speaker: "Abebe", turns: ["My daughter Selam is studying medicine."], facts: [["Selam", "daughter of", "Abebe"], ["Selam", "studies", "medicine"]] },
  { id: "fp-intro-appositive", turns: ["Hello! I'm Oksana, a translator from Kyiv."], facts: [["Oksana", "is a", "translator"], ["Oksana", "is from", "Kyiv"]] },
  { id: "fp-and-my-wife", speaker: "Femi", turns: ["I work at Flutterwave and my wife Bisi works at GTBank."], facts: [["Femi", "works at", "Flutterwave"], ["Bisi", "wife of", "Femi"], ["Bisi", "works at", "GTBank"]] },
  { id: "fp-kids-are", speaker: "Paul", turns: ["My kids are Emma and Noah."], facts: [["Emma", "child of", "Paul"], ["Noah", "child of", "Paul"]] },
  { id: "fp-dont-anymore", speaker: "Ken", turns: ["I don't work at Sony anymore."], facts: [["Ken", "works at", "Sony", "not"]] },
  { id: "fp-paren-in-law", speaker: "Ana", turns: ["Carlos (my brother-in-law) works at Iberia."], facts: [["Carlos", "brother-in-law of", "Ana"], ["Carlos", "works at", "Iberia"]] },
  { id: "fp-used-to", speaker: "Jamal", turns: ["I used to live in Detroit."], facts: [["Jamal", "lives in", "Detroit", "not"]] }
]

const pronouns: ReadonlyArray<Case> = [
  { id: "pr-neighbour-he", speaker: "Kim", turns: ["My neighbour Gareth is a plumber. He drives a Ford."], facts: [["Gareth", "neighbour of", "Kim"], ["Gareth", "is a", "plumber"], ["Gareth", "drives", "Ford"]] },
  { id: "pr-she-next-turn", turns: ["Lucía works at Zara.", "She lives in Vigo."], facts: [["Lucía", "works at", "Zara"], ["Lucía", "lives in", "Vigo"]] },
  { id: "pr-they-couple", turns: ["Anil and Deepa got married in 2010. They live in Pune."], facts: [["Anil", "married to", "Deepa", "from 2010-01-01"], ["Anil", "lives in", "Pune"], ["Deepa", "lives in", "Pune"]] },
  { id: "pr-her-husband-name", speaker: "Jonas", turns: ["My boss, Helga, is from Graz. Her husband Rolf is a pilot."], facts: [["Helga", "boss of", "Jonas"], ["Helga", "is from", "Graz"], ["Rolf", "husband of", "Helga"], ["Rolf", "is a", "pilot"]] },
  { id: "pr-hes-an-now", speaker: "Nadia", turns: ["I met Chen at university. He's an engineer now."], facts: [["Nadia", "met", "Chen"], ["Chen", "is a", "engineer"]] },
  { id: "pr-keeps-it", turns: ["Bruno has a sailboat. He keeps it in Cascais."], facts: [["Bruno", "has", "sailboat"], ["sailboat", "is in", "Cascais"]] },
  { id: "pr-cousin-she", speaker: "Ravi", turns: ["Zainab is my cousin. She teaches yoga."], facts: [["Zainab", "cousin of", "Ravi"], ["Zainab", "teaches", "yoga"]] },
  { id: "pr-two-speakers", turns: [{ text: "My brother Luis just got a job at Google.", speaker: "Ana" }, { text: "Nice! Does he like it?", speaker: "Ben" }], facts: [["Luis", "brother of", "Ana"], ["Luis", "works at", "Google"]] },
  { id: "pr-their-son", turns: ["The Okafors live in Enugu. Their son Chidi plays the drums."], facts: [["Okafors", "live in", "Enugu"], ["Chidi", "son of", "Okafors"], ["Chidi", "plays", "drums"]] },
  { id: "pr-moved-in-month", turns: ["Olga moved to Riga in March."], facts: [["Olga", "lives in", "Riga", "from 2024-03-01"]] },
  { id: "pr-his-sister", speaker: "Kim", turns: ["Mateo is my oldest friend. His sister Valentina is a midwife."], facts: [["Mateo", "friend of", "Kim"], ["Valentina", "sister of", "Mateo"], ["Valentina", "is a", "midwife"]] },
  { id: "pr-roommate-next-turn", speaker: "Ines", turns: ["My roommate Kate is from Dublin.", "She works at a pub."], facts: [["Kate", "roommate of", "Ines"], ["Kate", "is from", "Dublin"], ["Kate", "works at", "pub"]] },
  { id: "pr-title-his-wife", turns: ["Mr. Haddad teaches physics. His wife is a surgeon."], facts: [["Haddad", "teaches", "physics"], ["Haddad's wife", "is a", "surgeon"]] },
  { id: "pr-twins-they-both", turns: ["The twins, Ali and Hassan, live in Lahore. They both study engineering."], facts: [["Ali", "lives in", "Lahore"], ["Hassan", "lives in", "Lahore"], ["Ali", "studies", "engineering"], ["Hassan", "studies", "engineering"]] },
  { id: "pr-nephew-just-moved", speaker: "Rosa", turns: ["Gabriel is my nephew. He just moved to Quito."], facts: [["Gabriel", "nephew of", "Rosa"], ["Gabriel", "lives in", "Quito"]] },
  { id: "pr-sold-to", turns: ["Yesterday, Ingrid sold her piano to Nils."], facts: [["Nils", "owns", "piano", "from 2024-05-09"], ["Ingrid", "owns", "piano", "not", "from 2024-05-09"]] },
  { id: "pr-unnamed-she", speaker: "Kai", turns: ["My sister lives in Perth. She's a nurse."], facts: [["Kai's sister", "lives in", "Perth"], ["Kai's sister", "is a", "nurse"]] },
  { id: "pr-now-she", speaker: "Meera", turns: ["Priyanka is my schoolmate. Now she's a pilot at IndiGo."], facts: [["Priyanka", "schoolmate of", "Meera"], ["Priyanka", "is a", "pilot"], ["Priyanka", "works at", "IndiGo"]] },
  { id: "pr-possessive-wife", turns: ["Tom's wife Jess works at the BBC."], facts: [["Jess", "wife of", "Tom"], ["Jess", "works at", "BBC"]] }
]

const coordination: ReadonlyArray<Case> = [
  { id: "co-lives-and-works", turns: ["Rahul lives in Delhi and works at Infosys."], facts: [["Rahul", "lives in", "Delhi"], ["Rahul", "works at", "Infosys"]] },
  { id: "co-both-work", turns: ["Maya and Leo both work at the library."], facts: [["Maya", "works at", "library"], ["Leo", "works at", "library"]] },
  { id: "co-plays-list", turns: ["Sara plays piano, violin and cello."], facts: [["Sara", "plays", "piano"], ["Sara", "plays", "violin"], ["Sara", "plays", "cello"]] },
  { id: "co-fp-but-from", speaker: "Tariq", turns: ["I live in Dubai and work at Emirates, but I'm from Karachi."], facts: [["Tariq", "lives in", "Dubai"], ["Tariq", "works at", "Emirates"], ["Tariq", "is from", "Karachi"]] },
  { id: "co-her-husband-unnamed", turns: ["Emma is a lawyer and her husband is a nurse."], facts: [["Emma", "is a", "lawyer"], ["Emma's husband", "is a", "nurse"]] },
  { id: "co-speaks-and-teaches", turns: ["Kwame speaks Twi and English and teaches history."], facts: [["Kwame", "speaks", "Twi"], ["Kwame", "speaks", "English"], ["Kwame", "teaches", "history"]] },
  { id: "co-three-subjects", turns: ["Igor, Pavel and Dmitri play hockey."], facts: [["Igor", "plays", "hockey"], ["Pavel", "plays", "hockey"], ["Dmitri", "plays", "hockey"]] },
  { id: "co-parents-and-aunt", speaker: "Bea", turns: ["My parents and my aunt Rosa live in Manila."], facts: [["Rosa", "aunt of", "Bea"], ["Rosa", "lives in", "Manila"], ["Bea's parents", "live in", "Manila"]] }
]

const scripts: ReadonlyArray<Case> = [
  { id: "sc-zoe-zurich", speaker: "Ana", turns: ["My friend Zoë lives in Zürich."], facts: [["Zoë", "friend of", "Ana"], ["Zoë", "lives in", "Zürich"]] },
  { id: "sc-soren", turns: ["Søren works at Novo Nordisk."], facts: [["Søren", "works at", "Novo Nordisk"]] },
  { id: "sc-vietnamese-name", turns: ["Nguyễn Văn An is a doctor."], facts: [["Nguyễn Văn An", "is a", "doctor"]] },
  { id: "sc-han-name", speaker: "Tom", turns: ["My colleague 李明 lives in Shanghai."], facts: [["李明", "colleague of", "Tom"], ["李明", "lives in", "Shanghai"]] },
  { id: "sc-cyrillic-name", turns: ["Олег works at Yandex."], facts: [["Олег", "works at", "Yandex"]] },
  { id: "sc-chinese", speaker: "Wang", turns: ["我住在北京。"], facts: [] },
  { id: "sc-russian", speaker: "Ivan", turns: ["Я живу в Москве."], facts: [] },
  { id: "sc-arabic", speaker: "Omar", turns: ["أنا أعمل في دبي"], facts: [] },
  { id: "sc-polish-hungarian", turns: ["Łukasz married Ágnes in 2018."], facts: [["Łukasz", "married to", "Ágnes", "from 2018-01-01"]] },
  { id: "sc-turkish", turns: ["Çağla and Emre live in İzmir."], facts: [["Çağla", "lives in", "İzmir"], ["Emre", "lives in", "İzmir"]] },
  { id: "sc-irish-title", speaker: "Liam", turns: ["Ms. Ó Súilleabháin is my piano teacher."], facts: [["Ó Súilleabháin", "piano teacher of", "Liam"]] },
  { id: "sc-greek-name", turns: ["Ηλίας runs a taverna."], facts: [["Ηλίας", "runs", "taverna"]] }
]

const negatives: ReadonlyArray<Case> = [
  { id: "ng-question", speaker: "Kim", turns: ["Do you live in Paris?"], facts: [] },
  { id: "ng-wish", speaker: "Kim", turns: ["lol I wish I lived in Hawaii 😅"], facts: [] },
  { id: "ng-maybe-future", speaker: "Kim", turns: ["Maybe I'll move to Spain someday."], facts: [] },
  { id: "ng-imperative", speaker: "Kim", turns: ["Call me when you land!"], facts: [] },
  { id: "ng-conditional", turns: ["If Sam gets the job, he'll move to Oslo."], facts: [] },
  { id: "ng-plan", speaker: "Zara", turns: ["We're moving to Leeds next month."], facts: [] }
]

/** A second batch, written after the first fixes and before running the extractor on it. */
const second: ReadonlyArray<Case> = [
  { id: "b2-intro-name-is", turns: ["Hey there! My name's Tupac and I'm a barber in Oakland."], facts: [["Tupac", "is a", "barber"]] },
  { id: "b2-we-both-work", speaker: "Ingrid", turns: ["My husband Olav and I both work at Equinor."], facts: [["Olav", "husband of", "Ingrid"], ["Olav", "works at", "Equinor"], ["Ingrid", "works at", "Equinor"]] },
  { id: "b2-we-live-after-group", speaker: "Ingrid", turns: ["My husband Olav and I moved to Stavanger in 2020.", "We love it here."], facts: [["Olav", "husband of", "Ingrid"], ["Olav", "lives in", "Stavanger", "from 2020-01-01"], ["Ingrid", "lives in", "Stavanger", "from 2020-01-01"],
    // Left out when first written, and a fact a careful reader takes: "We love it here".
    ["Olav", "loves", "Stavanger"], ["Ingrid", "loves", "Stavanger"]] },
  { id: "b2-she-across-speakers", turns: [{ text: "Have you met Rania?", speaker: "Sam" }, { text: "Yes! She works at the Louvre.", speaker: "Leo" }], facts: [["Rania", "works at", "Louvre"]] },
  { id: "b2-lowercase-chat", speaker: "Dev", turns: ["yeah my bro works at amazon lol"], facts: [["Dev's bro", "works at", "amazon"]] },
  { id: "b2-exclaim-new-job", speaker: "Chloé", turns: ["Guess what — I got a job at L'Oréal!"], facts: [["Chloé", "works at", "L'Oréal"]] },
  { id: "b2-coord-three-verbs", turns: ["Mariana lives in Porto, works at Farfetch and plays volleyball."], facts: [["Mariana", "lives in", "Porto"], ["Mariana", "works at", "Farfetch"], ["Mariana", "plays", "volleyball"]] },
  { id: "b2-coord-objects-and-subjects", turns: ["Björn and Elsa speak Swedish and German."], facts: [["Björn", "speaks", "Swedish"], ["Björn", "speaks", "German"], ["Elsa", "speaks", "Swedish"], ["Elsa", "speaks", "German"]] },
  { id: "b2-they-group", turns: ["Kenji and Yumi run a ramen shop. They live above it."], facts: [["Kenji", "runs", "ramen shop"], ["Yumi", "runs", "ramen shop"],
    // Left out when first written, and a fact a careful reader takes: "They live above it".
    ["Kenji", "lives above", "ramen shop"], ["Yumi", "lives above", "ramen shop"]] },
  { id: "b2-korean-name", speaker: "Sophie", turns: ["My neighbour 김지수 teaches piano."], facts: [["김지수", "neighbour of", "Sophie"], ["김지수", "teaches", "piano"]] },
  { id: "b2-arabic-name-latin", turns: ["Ahmed's wife, فاطمة, is a pharmacist."], facts: [["فاطمة", "wife of", "Ahmed"], ["فاطمة", "is a", "pharmacist"]] },
  { id: "b2-hebrew-sentence", speaker: "Noa", turns: ["אני גרה בתל אביב."], facts: [] },
  { id: "b2-diacritics-coord", turns: ["Zoë and Maëlle work at Société Générale."], facts: [["Zoë", "works at", "Société Générale"], ["Maëlle", "works at", "Société Générale"]] },
  { id: "b2-ive-been-teacher", speaker: "Amina", turns: ["I've been a teacher at Al-Noor School since 2012."], facts: [["Amina", "is a", "teacher", "from 2012-01-01"], ["Amina", "works at", "Al-Noor School", "from 2012-01-01"]] },
  { id: "b2-i-have-a-daughter-named", speaker: "Pablo", turns: ["I have a daughter named Lucía. She's studying in Madrid."], facts: [["Lucía", "daughter of", "Pablo"],
    // Left out when first written, and a fact a careful reader takes: "She's studying in Madrid".
    ["Lucía", "studies in", "Madrid"]] },
  { id: "b2-paren-date", speaker: "Hiro", turns: ["I joined Sony (in 2019) as an engineer."], facts: [["Hiro", "works at", "Sony", "from 2019-01-01"]] },
  { id: "b2-honestly-neg", speaker: "Kim", turns: ["Honestly, I don't drink coffee anymore."], facts: [["Kim", "drinks", "coffee", "not"]] },
  { id: "b2-wish-neg", speaker: "Kim", turns: ["I'd love to live in Japan one day!"], facts: [] }
]

/** More sentences for each construction a fix reads, written with the fix (not before it). */
const constructions: ReadonlyArray<Case> = [
  // A short parenthetical in brackets or between dashes reads as a comma apposition.
  { id: "cx-paren-uncle-emoji", speaker: "Bo", turns: ["My uncle (Dev) is a pilot 😎"], facts: [["Dev", "uncle of", "Bo"], ["Dev", "is a", "pilot"]] },
  { id: "cx-en-dash-son", speaker: "Bo", turns: ["Our son – Kai – is a chef!"], facts: [["Kai", "son of", "Bo"], ["Kai", "is a", "chef"]] },
  { id: "cx-double-hyphen", speaker: "Bo", turns: ["My aunt -- Wanjiru -- lives in Nakuru."], facts: [["Wanjiru", "aunt of", "Bo"], ["Wanjiru", "lives in", "Nakuru"]] },
  { id: "cx-paren-relative", speaker: "Bo", turns: ["Tom (who is my cousin) lives in Leeds."], facts: [["Tom", "cousin of", "Bo"], ["Tom", "lives in", "Leeds"]] },
  { id: "cx-paren-place", speaker: "Bo", turns: ["I live in Oslo (Norway)."], facts: [["Bo", "lives in", "Oslo"]] },
  // Emoji are not words.
  { id: "cx-emoji-mid", speaker: "Bo", turns: ["My sister 💕 Amara lives in Accra 🇬🇭"], facts: [["Amara", "sister of", "Bo"], ["Amara", "lives in", "Accra"]] },
  { id: "cx-emoji-intro", turns: ["I'm Keanu 🤙", "I surf at Waikiki."], facts: [["Keanu", "surfs at", "Waikiki"]] },
  // Chat fillers and linking words with no comma.
  { id: "cx-lol-sister", speaker: "Bo", turns: ["lol my sister lives in Lima"], facts: [["Bo's sister", "lives in", "Lima"]] },
  { id: "cx-also-name", turns: ["Also Tom works at Acme."], facts: [["Tom", "works at", "Acme"]] },
  { id: "cx-ok-so", speaker: "Bo", turns: ["ok so my brother Sam is a chef"], facts: [["Sam", "brother of", "Bo"], ["Sam", "is a", "chef"]] },
  { id: "cx-so-question", speaker: "Bo", turns: ["So what do you do?"], facts: [] },
  // "'s" after a noun is the copula before a determiner, preposition, adverb or participle.
  { id: "cx-s-from", turns: ["Tom's from Cork."], facts: [["Tom", "is from", "Cork"]] },
  { id: "cx-s-married", turns: ["Ana's married to Leo."], facts: [["Ana", "married to", "Leo"]] },
  { id: "cx-s-possessive-stays", turns: ["Jess's brother lives in Hull."], facts: [["Jess's brother", "lives in", "Hull"]] },
  { id: "cx-s-captain", turns: ["Tom's the captain of the Otters."], facts: [["Tom", "captain of", "Otters"]] },
  // "is a N from Place": where a person is from (a capitalised place only).
  { id: "cx-engineer-from", turns: ["Ravi is an engineer from Pune."], facts: [["Ravi", "is a", "engineer"], ["Ravi", "is from", "Pune"]] },
  { id: "cx-sister-nurse-from", speaker: "Bo", turns: ["My sister is a nurse from Cork."], facts: [["Bo's sister", "is a", "nurse"], ["Bo's sister", "is from", "Cork"]] },
  { id: "cx-friend-from-school", turns: ["Jo is a friend from school."], facts: [["Jo", "is a", "friend"]] },
  // "I'm NAME, a N …": the narrator, then the rest read as "I'm a N …".
  { id: "cx-intro-accountant", turns: ["I'm Bilal, an accountant at KPMG."], facts: [["Bilal", "is a", "accountant"], ["Bilal", "works at", "KPMG"]] },
  { id: "cx-intro-full-name", turns: ["Hi, I'm Siobhan Kelly, a nurse.", "I live in Galway."], facts: [["Siobhan Kelly", "is a", "nurse"], ["Siobhan Kelly", "lives in", "Galway"]] },
  // "used to V": a past state that no longer holds.
  { id: "cx-used-to-be", turns: ["Rosa used to be a nurse."], facts: [["Rosa", "is a", "nurse", "not"]] },
  { id: "cx-used-to-work-she", turns: ["Mia is my aunt.", "She used to work at IBM."], speaker: "Bo", facts: [["Mia", "aunt of", "Bo"], ["Mia", "works at", "IBM", "not"]] },
  { id: "cx-used-not-aux", turns: ["Tom used the car."], facts: [["Tom", "used", "car"]] },
  // A noun list's first item tagged as an adverb.
  { id: "cx-list-piano-guitar", turns: ["Leo plays piano and guitar."], facts: [["Leo", "plays", "piano"], ["Leo", "plays", "guitar"]] },
  { id: "cx-list-studies", turns: ["Lin studies piano, flute and voice."], facts: [["Lin", "studies", "piano"], ["Lin", "studies", "flute"], ["Lin", "studies", "voice"]] },
  // "have got" is "have" before a role apposition.
  { id: "cx-has-got-brother", turns: ["Mina has got a brother, Tae."], facts: [["Tae", "brother of", "Mina"]] },
  { id: "cx-ve-got-sister", speaker: "Bo", turns: ["I've got a sister, Noor."], facts: [["Noor", "sister of", "Bo"]] },
  // A place named by a name of no known person after a placing verb; "it" is not the he/she of its sentence.
  { id: "cx-parked-in-name", turns: ["Ada parked the van in Brixton."], facts: [["van", "is in", "Brixton"]] },
  { id: "cx-left-at-name", turns: ["Ada left her bike at Central Station."], facts: [["bike", "is at", "Central Station"]] },
  { id: "cx-left-at-person", turns: ["Ada left her bike at Tom."], facts: [["Ada", "left", "bike"]] },
  { id: "cx-he-keeps-it", turns: ["Bruno has a bike. He keeps it in the garage."], facts: [["Bruno", "has", "bike"], ["bike", "is in", "garage"]] },
  { id: "cx-she-stores-it", turns: ["Kiri has a kayak. She stores it in the shed."], facts: [["Kiri", "has", "kayak"], ["kayak", "is in", "shed"]] },
  // "-mate" kin words.
  { id: "cx-housemate", speaker: "Bo", turns: ["Dara is my housemate."], facts: [["Dara", "housemate of", "Bo"]] },
  { id: "cx-bandmate", speaker: "Bo", turns: ["My bandmate Ivo plays bass."], facts: [["Ivo", "bandmate of", "Bo"], ["Ivo", "plays", "bass"]] },
  // "POSS R's name is NAME".
  { id: "cx-name-of-son", speaker: "Bo", turns: ["Mina is my aunt. Her son's name is Jae-won."], facts: [["Mina", "aunt of", "Bo"], ["Jae-won", "son of", "Mina"]] },
  { id: "cx-name-and-clause", speaker: "Bo", turns: ["My sister's name is Ola and she lives in Gdansk."], facts: [["Ola", "sister of", "Bo"], ["Ola", "lives in", "Gdansk"]] },
  { id: "cx-name-owner", turns: ["Ana's husband's name is Karl."], facts: [["Karl", "husband of", "Ana"]] },
  { id: "cx-name-of-pet", speaker: "Bo", turns: ["My dog's name is Rex."], facts: [] },
  // "The Smiths": a family a later "they" / "their" may mean.
  { id: "cx-family-their-daughter", turns: ["The Smiths own a farm. Their daughter Ivy is a vet."], facts: [["Smiths", "own", "farm"], ["Ivy", "daughter of", "Smiths"], ["Ivy", "is a", "vet"]] },
  { id: "cx-family-they", speaker: "Bo", turns: ["We met the Nguyens. They live in Hue."], facts: [["Bo", "met", "Nguyens"], ["Nguyens", "live in", "Hue"]] },
  // A plural noun phrase with its members' names in commas.
  { id: "cx-sons-apposed", speaker: "Bo", turns: ["My sons, Ali and Hassan, live in Lahore."], facts: [["Ali", "son of", "Bo"], ["Hassan", "son of", "Bo"], ["Ali", "lives in", "Lahore"], ["Hassan", "lives in", "Lahore"]] },
  { id: "cx-friends-three-apposed", speaker: "Bo", turns: ["My friends, Ali, Omar and Hassan, play chess."], facts: [["Ali", "friend of", "Bo"], ["Omar", "friend of", "Bo"], ["Hassan", "friend of", "Bo"], ["Ali", "plays", "chess"], ["Omar", "plays", "chess"], ["Hassan", "plays", "chess"]] },
  { id: "cx-have-three-kids", speaker: "Bo", turns: ["I have three kids, Ana, Leo and Max."], facts: [["Ana", "child of", "Bo"], ["Leo", "child of", "Bo"], ["Max", "child of", "Bo"]] },
  // "at X" after the object of study/teach: the institution.
  { id: "cx-teaches-at", turns: ["Ana teaches French at Lycée Molière."], facts: [["Ana", "teaches", "French"], ["Ana", "teaches at", "Lycée Molière"]] },
  { id: "cx-studies-at", turns: ["Tom studies law at Harvard."], facts: [["Tom", "studies", "law"], ["Tom", "studies at", "Harvard"]] },
  { id: "cx-teaches-at-a-school", turns: ["Dina teaches art at a primary school."], facts: [["Dina", "teaches", "art"]] },
  { id: "cx-met-at-not-read", turns: ["Tom met Ana at Harvard."], facts: [["Tom", "met", "Ana"]] },
  // A capitalised function word between a name and a verb ends the name.
  { id: "cx-name-an-lives", turns: ["Pham Minh An lives in Hue."], facts: [["Pham Minh An", "lives in", "Hue"]] },
  { id: "cx-name-an-works", turns: ["Tran Van An works at FPT."], facts: [["Tran Van An", "works at", "FPT"]] },
  // "name's" is "name is".
  { id: "cx-names-tupac", turns: ["My name's Tupac and I'm a barber."], facts: [["Tupac", "is a", "barber"]] },
  { id: "cx-sons-names", speaker: "Bo", turns: ["My son's name's Leo."], facts: [["Leo", "son of", "Bo"]] },
  // "piano" after a verb is the instrument.
  { id: "cx-teaches-piano", turns: ["Mrs. Obi teaches piano."], facts: [["Obi", "teaches", "piano"]] },
  { id: "cx-learns-piano", speaker: "Bo", turns: ["I learn piano."], facts: [["Bo", "learns", "piano"]] },
  // A question states nothing, but its names are who a later he/she may mean.
  { id: "cx-question-then-she", turns: ["Do you know Ola? She lives in Gdansk."], facts: [["Ola", "lives in", "Gdansk"]] },
  { id: "cx-question-then-he", turns: ["Did Marek call?", "He lives in Torun."], facts: [["Marek", "lives in", "Torun"]] },
  { id: "cx-question-place-not-she", turns: ["Have you been to Paris?", "She loves it."], facts: [] },
  // Chat kin words.
  { id: "cx-sis", speaker: "Bo", turns: ["My sis Nia is a nurse."], facts: [["Nia", "sister of", "Bo"], ["Nia", "is a", "nurse"]] },
  { id: "cx-hubby", speaker: "Bo", turns: ["my hubby Raj is a chef"], facts: [["Raj", "husband of", "Bo"], ["Raj", "is a", "chef"]] },
  { id: "cx-bestie", speaker: "Bo", turns: ["Ana is my bestie."], facts: [["Ana", "best friend of", "Bo"]] },
  // A short lead before a dash or colon.
  { id: "cx-fun-fact", speaker: "Bo", turns: ["Fun fact: my dad is a pilot."], facts: [["Bo's dad", "is a", "pilot"]] },
  { id: "cx-big-news", speaker: "Bo", turns: ["Big news — we moved to Oslo!"], facts: [["Bo", "lives in", "Oslo"]] },
  { id: "cx-name-dash-lead", turns: ["Ana — she lives in Rome."], facts: [] },
  // A possessed job or office "is in/at" X: where the owner works.
  { id: "cx-office-in", speaker: "Bo", turns: ["My office is in Canary Wharf."], facts: [["Bo", "works in", "Canary Wharf"]] },
  { id: "cx-new-job-at", turns: ["Ana's new job is at Siemens."], facts: [["Ana", "works at", "Siemens"]] },
  { id: "cx-car-in-garage", speaker: "Bo", turns: ["My car is in the garage."], facts: [["car", "is in", "garage"]] },
  { id: "cx-name-comma-clause", speaker: "Bo", turns: ["My boss's name is Priya, she's from Mumbai."], facts: [["Priya", "boss of", "Bo"], ["Priya", "is from", "Mumbai"]] }
]

/**
 * Fresh sentences the grammar does not read, each under a stated limit (`RuleExtractor.limitations`):
 * `facts` is what a careful reader takes (kept for the record, never met here), `reads` what the
 * limit says the extractor gives instead.
 */
const limited: ReadonlyArray<Case & { readonly limit: string; readonly reads: ReadonlyArray<Fact> }> = [
  {
    id: "lim-no-longer-at", speaker: "Hugo", turns: ["I'm no longer at Renault."], facts: [["Hugo", "works at", "Renault", "not"]],
    limit: "A person 'at' an organisation with no job word", reads: [["Hugo", "is at", "Renault", "not"]]
  },
  {
    // Neither name is in the gender lexicon: "his" takes the most recent person (Achieng).
    id: "lim-his-unknown-genders", turns: ["Jomo and Achieng are married. His job is in Nairobi, and she teaches at Kenyatta University."],
    facts: [["Jomo", "married to", "Achieng"], ["Jomo", "works in", "Nairobi"], ["Achieng", "teaches at", "Kenyatta University"]],
    limit: "Other names have unknown gender and agree with both he and she",
    reads: [["Jomo", "married to", "Achieng"], ["Achieng", "works in", "Nairobi"], ["Achieng", "teaches at", "Kenyatta University"]]
  },
  {
    id: "lim-dash-clause-aside", speaker: "Yara", turns: ["My cousin Tarek — the one who lives in Beirut — is a journalist."],
    facts: [["Tarek", "cousin of", "Yara"], ["Tarek", "lives in", "Beirut"], ["Tarek", "is a", "journalist"]],
    limit: "A bracket or dash aside that is a clause of its own", reads: [["Tarek", "cousin of", "Yara"]]
  },
  {
    id: "lim-brothers-girlfriend", speaker: "Lea", turns: ["My brother's girlfriend, Mia, is a DJ."], facts: [["Mia", "girlfriend of", "Lea's brother"], ["Mia", "is a", "DJ"]],
    limit: "Possessive chains are read one level deep", reads: []
  }
]

describe("fresh sentences under a stated limit", () => {
  for (const c of limited) {
    it(c.id, () => {
      expect(RuleExtractor.limitations.some((l) => l.includes(c.limit))).toBe(true)
      expect(read(c)).toStrictEqual([...new Set(c.reads.map(goldKey))].sort())
    })
  }
})

describe("fresh conversational English", () => {
  for (const [family, cases] of [["first person", first], ["pronouns", pronouns], ["coordination", coordination], ["other scripts", scripts], ["negatives", negatives], ["second batch", second], ["constructions", constructions]] as const) {
    describe(family, () => {
      for (const c of cases) {
        it(c.id, () => {
          expect(read(c)).toStrictEqual([...new Set(c.facts.map(goldKey))].sort())
        })
      }
    })
  }
})
