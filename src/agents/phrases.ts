/** The languages the baseline agent speaks; anything else gets English. */
export type BaselineLanguage = 'en' | 'es' | 'de' | 'fr';

/** Short fixed phrases of the baseline agent, per language. */
export const PHRASES: Record<BaselineLanguage, { found: string; handoff: string; queued: string }> = {
  en: {
    found: 'Here is what I found:',
    handoff: "I'm not able to help with that here; I'm passing you to a human colleague.",
    queued: 'A human colleague will continue from here.',
  },
  es: {
    found: 'Esto es lo que encontré:',
    handoff: 'No puedo ayudarte con eso aquí; te paso con un compañero humano.',
    queued: 'Un compañero humano continuará a partir de aquí.',
  },
  de: {
    found: 'Folgendes habe ich gefunden:',
    handoff: 'Dabei kann ich Ihnen hier nicht helfen; ich verbinde Sie mit einem menschlichen Kollegen.',
    queued: 'Ein menschlicher Kollege übernimmt ab hier.',
  },
  fr: {
    found: "Voici ce que j'ai trouvé :",
    handoff: "Je ne peux pas vous aider sur ce point ici ; je vous transfère à un collègue humain.",
    queued: 'Un collègue humain prendra le relais.',
  },
};

/**
 * The language of a case from its `language` tag (`es`, `es-MX`, `["de"]`, …); `en` otherwise.
 *
 * @example
 * caseLanguage({ language: 'es-MX' }) // 'es'
 */
export function caseLanguage(tags: Readonly<Record<string, string | string[]>>): BaselineLanguage {
  const raw = tags.language;
  const value = (Array.isArray(raw) ? raw[0] : raw)?.toLowerCase().slice(0, 2);
  return value === 'es' || value === 'de' || value === 'fr' ? value : 'en';
}

/**
 * The customer asks for a person (en, es, de, fr). Kept narrow on purpose: the baseline is a floor,
 * not an intent classifier.
 */
export const WANTS_HUMAN =
  /\b(human|real person|a person|someone real|live agent|an agent|manager|supervisor|representative|operator|persona real|un humano|una persona|un agente|echten menschen|einem menschen|mitarbeiter|un humain|une personne|un conseiller)\b/i;
