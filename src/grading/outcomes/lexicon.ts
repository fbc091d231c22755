import * as z from 'zod';
import { RegexSource } from '../patterns.js';

/**
 * The phrase and tool lists the outcome detectors look for. Every list is optional in a grader
 * definition; a missing list falls back to the defaults below (the same lists that
 * graders/escalation.yaml etc. spell out). Phrases are case-insensitive regular expressions,
 * grouped by language; all languages are always applied.
 */
const PhraseGroups = z.record(z.string().min(2), z.array(RegexSource));

export const OutcomeLexiconShape = {
  /** Tool names (globs: `*` matches anything) whose call is a handoff to a human. */
  handoff_tools: z.array(z.string().min(1)).optional(),
  /** Assistant phrases announcing a handoff to a human. */
  handoff_phrases: PhraseGroups.optional(),
  /** Assistant offers of a handoff; an offer the user accepts counts as a handoff. */
  handoff_offer_phrases: PhraseGroups.optional(),
  /** A user reply that accepts an offer (matched at the start of the reply). */
  affirmative_phrases: PhraseGroups.optional(),
  /** Assistant replies that mean "I didn't understand". */
  fallback_phrases: PhraseGroups.optional(),
  /** Assistant confirmations that the request was done ("has been cancelled"...). */
  resolution_phrases: PhraseGroups.optional(),
  /** Confirmations of a purchase or sign-up (outcome `converted`), by the assistant or the user. */
  conversion_phrases: PhraseGroups.optional(),
  /** User replies that close a request as done ("thanks!", "that helps", "bye"). */
  closure_phrases: PhraseGroups.optional(),
  /** Words that keep a closing reply open ("thanks, but it still fails"). */
  still_open_phrases: PhraseGroups.optional(),
  /** User phrases that give up ("never mind", "forget it"). */
  abandon_phrases: PhraseGroups.optional(),
};

export type OutcomeLexiconOptions = { [K in keyof typeof OutcomeLexiconShape]?: z.infer<(typeof OutcomeLexiconShape)[K]> };

/** A lexicon with every list present. */
export type OutcomeLexicon = { [K in keyof OutcomeLexiconOptions]-?: NonNullable<OutcomeLexiconOptions[K]> };

const NOT_AN_OFFER =
  "(?<!\\b(?:like me to|want me to|I can|I could|can I|could I|should I|shall I|may I|I may|able to|option to|happy to) )";

/** The built-in lists (English, Spanish, German, French). */
export const DEFAULT_LEXICON: OutcomeLexicon = {
  handoff_tools: ['transfer_to_human*', 'transfer_to_agent*', 'escalate*', 'handoff*', 'hand_off*', 'human_handoff*'],
  handoff_phrases: {
    // An offer ("Would you like me to transfer you…?", "I can transfer you") is not a handoff.
    en: [
      `${NOT_AN_OFFER}\\btransfer(?:ring)? you (?:over )?to (?:a |an |one of our )?(?:human|live|real|customer service|support)?\\s?(?:agent|representative|specialist|colleague|person|team)`,
      `${NOT_AN_OFFER}\\bconnect(?:ing)? you (?:with|to) (?:a |an |one of our )?(?:human|live|real)?\\s?(?:agent|representative|specialist|colleague|person)`,
      "\\b(?:hand(?:ing)?|pass(?:ing)?) (?:you|this|your (?:case|request)) (?:over )?to (?:a |an |one of our )?(?:human|colleague|specialist|agent|supervisor|team)",
      "\\bescalat(?:e|ed|ing) (?:this|your (?:case|request|issue|ticket|complaint))",
      "\\b(?:a|an) (?:human|live) (?:agent|representative) will\\b",
    ],
    es: [
      "\\b(?:te|le) (?:paso|transfiero|comunico|pongo) con (?:un|una) (?:agente|asesor|asesora|persona|compañer[oa])",
      "\\btransferir(?:te|le) (?:a|con) (?:un|una) (?:agente|asesor|persona)",
    ],
    de: [
      "\\b(?:verbinde|leite) (?:Sie|dich) (?:mit|an) (?:einem|einer|einen) (?:Mitarbeiter|Mitarbeiterin|Kollegen|Kollegin|Agenten|Menschen)",
      "\\ban (?:einen|eine) (?:menschlichen |menschliche )?(?:Mitarbeiter|Mitarbeiterin|Kollegen|Kollegin) weiter",
    ],
    fr: [
      "\\bje vous (?:transf[eè]re|mets en relation|passe) (?:à|avec) (?:un|une) (?:conseill[eè]re?|agent|humain|coll[eè]gue)",
      "\\bun conseiller (?:humain )?va (?:prendre le relais|vous (?:contacter|rappeler))",
    ],
  },
  handoff_offer_phrases: {
    en: [
      "\\b(?:would you like|do you want|shall|should|can|may) (?:me to |I )?(?:transfer|connect) you (?:over )?(?:to|with) (?:a |an |one of our )?(?:human|live|real|agent|representative|specialist|supervisor|colleague)",
      "\\bI (?:can|could) (?:transfer|connect) you (?:over )?(?:to|with) (?:a |an |one of our )?(?:human|live|real|agent|representative|specialist|supervisor|colleague)",
      "\\bwould you like to (?:speak|talk) (?:to|with) (?:a |an )?(?:human|agent|person|representative|supervisor)",
    ],
    es: ["\\b(?:quieres|desea|le gustaría|te gustaría) que (?:te|le) (?:transfiera|pase|comunique) con"],
    de: ["\\b(?:soll ich|möchten Sie, dass ich) Sie (?:mit|an) .{0,40}(?:verbinde|weiterleite|weiterleiten|verbinden)"],
    fr: ["\\b(?:voulez-vous|souhaitez-vous) que je vous (?:transf[eè]re|mette en relation|passe)"],
  },
  affirmative_phrases: {
    en: ["^\\W*(?:yes|yeah|yep|sure|ok(?:ay)?|please|go ahead|do it|do that|that would be|sounds good|i would|i'd like)\\b"],
    es: ["^\\W*(?:sí|si|claro|vale|por favor)\\b"],
    de: ["^\\W*(?:ja|gerne|bitte|okay)\\b"],
    fr: ["^\\W*(?:oui|d'accord|volontiers|s'il vous plaît)"],
  },
  fallback_phrases: {
    en: [
      "\\bI(?:'m| am) sorry,? (?:but )?I (?:didn't|did not|don't|do not) (?:understand|get|follow)",
      "\\bI (?:didn't|did not|don't|do not) (?:quite )?(?:understand|catch|get) (?:that|you|your|what you)",
      "\\b(?:could|can) you (?:please )?(?:rephrase|reword|say that again)",
      "\\bI(?:'m| am) not sure (?:what you mean|I understand)",
    ],
    es: ["\\bno (?:te |le )?(?:he )?entend(?:í|i|ido)", "\\b(?:puedes|puede|podrías|podría) (?:reformular|repetir)"],
    de: ["\\b(?:habe|hab) ich (?:leider )?nicht verstanden", "\\bk[öo]nn(?:en|ten) Sie das (?:bitte )?(?:umformulieren|anders formulieren|wiederholen)"],
    fr: ["\\bje n'ai pas (?:bien )?compris", "\\bpourriez-vous (?:reformuler|répéter)"],
  },
  resolution_phrases: {
    en: [
      "\\b(?:has|have) (?:now )?been (?:successfully )?(?:booked|cancell?ed|refunded|processed|updated|changed|modified|confirmed|reset|resolved|shipped|issued|sent|added|upgraded)\\b",
      "\\b(?:your|the) (?:booking|reservation|order|refund|ticket|change|request|payment|subscription|return|exchange) (?:is|was) (?:now )?(?:confirmed|complete|completed|processed|cancell?ed|done|resolved)\\b",
      "\\bis there anything else (?:I can|that I can|you need)",
      "\\byou(?:'re| are) all set\\b",
    ],
    es: [
      "\\b(?:ha|han) sido (?:confirmad|cancelad|procesad|reembolsad|modificad)[oa]s?\\b",
      "\\b(?:hay )?algo más en (?:lo )?que (?:te |le )?pued[ao] ayudar",
    ],
    de: [
      "\\bwurde (?:erfolgreich )?(?:gebucht|storniert|erstattet|bearbeitet|geändert|bestätigt)\\b",
      "\\bkann ich (?:sonst )?noch (?:etwas )?für (?:Sie|dich) tun",
    ],
    fr: [
      "\\ba (?:bien )?été (?:confirmée?|annulée?|remboursée?|traitée?|modifiée?)s?\\b",
      "\\bpuis-je vous aider (?:pour|avec|à) autre chose",
    ],
  },
  conversion_phrases: {
    en: [
      "\\b(?:your )?order (?:has been|was|is) (?:successfully )?placed\\b",
      "\\bpurchase (?:is |was |has been )?(?:complete|completed|confirmed)\\b",
      "\\b(?:signing up|sign me up|I'll (?:take|buy|order) (?:it|one|that|them)|placing (?:the|my) order)\\b",
      "\\byour (?:order|drink|coffee|food|items?)s? (?:will be|is|are|'s) (?:now )?(?:ready|coming(?: right)? up|on (?:its|their) way)",
      "\\b(?:pick up|collect) your (?:order|drink|coffee|food)",
      "\\b(?:order|it) (?:has been |was |is )?(?:sent|submitted) (?:off )?to (?:be made|the (?:kitchen|bar|barista))",
      "\\b(?:order|it|that|drinks?|tea|coffee)(?: is|'s|'ll be| will be) (?:ready|coming(?: right)? up|made|out|up) (?:shortly|soon|in|at)\\b",
      "\\border(?: is|'s)? coming(?: right)? up\\b",
      "\\b(?:get|have) (?:that|it|this|them|your (?:order|drinks?)) (?:right )?out (?:to you|for you|shortly|soon|at)",
      "\\bI(?: have|'ve) (?:confirmed|placed|submitted|sent) your order\\b",
      "\\b(?:will|'ll) be at the (?:coffee )?(?:bar|counter)\\b",
    ],
    es: ["\\b(?:tu|su) pedido (?:ha sido|fue|está) (?:realizado|confirmado)"],
    de: ["\\bIhre Bestellung (?:wurde|ist) (?:erfolgreich )?(?:aufgegeben|bestätigt)"],
    fr: ["\\bvotre commande (?:a été|est) (?:bien )?(?:passée|confirmée)"],
  },
  closure_phrases: {
    en: [
      "\\b(?:thanks|thank you|thx|ty|cheers)\\b",
      "\\b(?:that|this) (?:helps|helped|works|worked|answers)\\b",
      "\\b(?:perfect|awesome|got it|all good|sounds good)\\b",
      "\\b(?:bye|goodbye)\\b",
    ],
    es: ["\\b(?:gracias|perfecto|adiós)\\b"],
    de: ["\\b(?:danke|perfekt|tschüss)\\b"],
    fr: ["\\b(?:merci|parfait|au revoir)\\b"],
  },
  still_open_phrases: {
    en: ["\\b(?:but|still|not|however|for nothing)\\b", "n't\\b"],
    es: ["\\b(?:pero|todavía|aún no)\\b"],
    de: ["\\b(?:aber|immer noch|nicht)\\b"],
    fr: ["\\b(?:mais|toujours pas|ne .{0,20} pas)\\b"],
  },
  abandon_phrases: {
    en: ["\\bnever ?mind\\b", "\\bforget it\\b", "\\b(?:I'll|I will) (?:go|shop|take my business) elsewhere\\b", "\\bthis is (?:useless|pointless)\\b"],
    es: ["\\bolv[ií]dalo\\b", "\\bd[ée]jalo\\b"],
    de: ["\\bvergessen Sie es\\b", "\\bvergiss es\\b"],
    fr: ["\\blaissez tomber\\b", "\\btant pis\\b"],
  },
};

/** Merges a definition's lists over the defaults (a given list replaces the default one). */
export function resolveLexicon(options: OutcomeLexiconOptions): OutcomeLexicon {
  return {
    handoff_tools: options.handoff_tools ?? DEFAULT_LEXICON.handoff_tools,
    handoff_phrases: options.handoff_phrases ?? DEFAULT_LEXICON.handoff_phrases,
    handoff_offer_phrases: options.handoff_offer_phrases ?? DEFAULT_LEXICON.handoff_offer_phrases,
    affirmative_phrases: options.affirmative_phrases ?? DEFAULT_LEXICON.affirmative_phrases,
    fallback_phrases: options.fallback_phrases ?? DEFAULT_LEXICON.fallback_phrases,
    resolution_phrases: options.resolution_phrases ?? DEFAULT_LEXICON.resolution_phrases,
    conversion_phrases: options.conversion_phrases ?? DEFAULT_LEXICON.conversion_phrases,
    closure_phrases: options.closure_phrases ?? DEFAULT_LEXICON.closure_phrases,
    still_open_phrases: options.still_open_phrases ?? DEFAULT_LEXICON.still_open_phrases,
    abandon_phrases: options.abandon_phrases ?? DEFAULT_LEXICON.abandon_phrases,
  };
}
