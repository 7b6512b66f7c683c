import { FR } from './i18n-fr.js';
import { EN, type Words } from './i18n.js';

/** The presenter's words for a lesson's language (English for any language without its own). */
export function wordsFor(lang: string | undefined): Words {
  return lang?.toLowerCase().startsWith('fr') ? FR : EN;
}
