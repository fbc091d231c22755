/**
 * English function words that carry no checkable content (articles, pronouns, auxiliaries,
 * prepositions, conjunctions, quantifiers, frequency adverbs): the support score leaves them out.
 * First-person words (me, my) are not here on purpose: a statement about the speaker ("my
 * favourite") is not supported by any source, and human raters of grounding (BEGIN) mark such
 * replies as not attributable ("I" as subject: see content.ts). Lower case, apostrophes as `'`.
 */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  `a an the this that these those there here it its it's itself
  we us our ours ourselves you your yours yourself yourselves he him his himself she her hers herself
  they them their theirs themselves one ones someone somebody something anyone anybody anything everyone everybody everything
  no-one nobody nothing none who whom whose which what whatever whoever whichever when where why how
  am is are was were be been being have has had having do does did doing done
  will would shall should can could may might must ought need dare
  i'll i'd you're you've you'll you'd he's he'll he'd she's she'll she'd we're we've we'll we'd they're they've they'll they'd
  that's there's here's what's who's where's how's let's isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't
  won't wouldn't shan't shouldn't can't cannot couldn't mightn't mustn't needn't ain't
  not no nor yes yeah yep yup nope ok okay sure of in on at by for with without within from to into onto upon out off over under
  above below between among through throughout during before after since until till about against along across around
  behind beyond beside besides near toward towards via per than as like unlike
  and or but so yet if unless because although though while whereas whether either neither both also too
  then than thus hence therefore however moreover furthermore otherwise instead anyway anyhow besides still even just only
  very really quite rather pretty fairly so such much many more most less least few fewer several some any all each every
  other others another same own enough lot lots bit kind sort way thing things stuff
  again ever never always often sometimes usually already soon now later once twice
  `.split(/\s+/),
);

/**
 * Discourse words of conversation (thanks, hedges, opinions, verbs of saying and thinking). They
 * stay content words for the support score (an opinion is not in the knowledge either); name
 * detection uses them to tell a capitalised sentence opener from a name.
 */
export const DISCOURSE_WORDS: ReadonlySet<string> = new Set(
  `well oh ah wow hmm hey hi hello thanks thank please sorry welcome cool nice great good awesome fun funny interesting
  true right indeed actually basically definitely probably maybe perhaps certainly absolutely exactly totally
  think thought know knew known guess believe suppose mean meant say said says tell told see seen seem seems seemed
  feel felt like liked love loved want wanted get got getting go going gone went make made let lets
  something's everything's anything's lol haha`.split(/\s+/),
);

/**
 * The courtesy of a service conversation (greetings, thanks, apologies, offers of help) and the
 * fillers of talk (interjections, stance adverbs such as "actually", "for example"): no source
 * states them and none needs to, so the support score leaves them out. Opinions ("I love",
 * "cool", "I think") stay content words.
 */
export const COURTESY_WORDS: ReadonlySet<string> = new Set(
  `hi hello hey thanks thank please sorry apologies apologise apologize welcome glad happy help helping assist
  enjoy great certainly course else anything today
  well oh ah wow hmm yea yeah lol haha actually basically honestly really indeed example`.split(/\s+/),
);
