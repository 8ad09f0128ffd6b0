/**
 * The speakers and languages of the original (Qwen3-TTS CustomVoice), mapped onto eSpeak-NG voices.
 * A voice is `<language code>+<variant>`; only voices built from these tables ever reach the synthesizer.
 */
export const SPEAKERS = {
  Vivian: { language: 'cmn', variant: 'f2', description: 'Bright young female voice; Chinese by default' },
  Serena: { language: 'cmn', variant: 'f4', description: 'Warm, gentle female voice; Chinese by default' },
  Uncle_Fu: {
    language: 'cmn',
    variant: 'm7',
    description: 'Low, mellow older male voice; Chinese by default',
  },
  Dylan: { language: 'cmn', variant: 'm2', description: 'Clear young male voice; Chinese by default' },
  Eric: { language: 'cmn', variant: 'm4', description: 'Lively male voice; Chinese by default' },
  Ryan: { language: 'en', variant: 'm3', description: 'Dynamic male voice; English by default' },
  Aiden: { language: 'en-us', variant: 'm1', description: 'Sunny American male voice; English by default' },
  Ono_Anna: { language: 'ja', variant: 'f3', description: 'Playful female voice; Japanese by default' },
  Sohee: { language: 'ko', variant: 'f1', description: 'Warm female voice; Korean by default' },
} as const;

export type Speaker = keyof typeof SPEAKERS;

/** Language name → eSpeak language code; `Auto` picks one from the text's script. */
export const LANGUAGE_CODES = {
  Chinese: 'cmn',
  English: 'en',
  Japanese: 'ja',
  Korean: 'ko',
  German: 'de',
  French: 'fr',
  Russian: 'ru',
  Portuguese: 'pt',
  Spanish: 'es',
  Italian: 'it',
  Auto: null,
} as const;

export type Language = keyof typeof LANGUAGE_CODES;

export const SPEAKER_NAMES = Object.keys(SPEAKERS) as Speaker[];
export const LANGUAGES = Object.keys(LANGUAGE_CODES) as Language[];

export const isSpeaker = (name: string): name is Speaker => Object.hasOwn(SPEAKERS, name);
export const isLanguage = (name: string): name is Language => Object.hasOwn(LANGUAGE_CODES, name);

/** The language code the text's script suggests, if it suggests one (kana before Han: Japanese uses both). */
export function detectLanguage(text: string): string | undefined {
  if (/\p{Script=Hangul}/u.test(text)) return 'ko';
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'ja';
  if (/\p{Script=Han}/u.test(text)) return 'cmn';
  if (/\p{Script=Cyrillic}/u.test(text)) return 'ru';
  return undefined;
}

/**
 * The eSpeak voice for a speaker and language: the language's code plus the speaker's variant. The speaker's
 * own code is kept when it is a dialect of the chosen language (Aiden speaking English stays `en-us`).
 */
export function voiceFor(speaker: Speaker, language: Language, text: string): string {
  const own = SPEAKERS[speaker];
  const chosen = LANGUAGE_CODES[language] ?? detectLanguage(text) ?? own.language;
  const code = own.language.split('-')[0] === chosen ? own.language : chosen;
  return `${code}+${own.variant}`;
}

/** eSpeak prosody: words per minute (default 175) and pitch 0-99 (default 50). */
export interface Prosody {
  speed: number;
  pitch: number;
}

/** A few style words of a natural-language instruction, mapped onto speed and pitch. */
export function prosodyFor(instruct: string | undefined): Prosody {
  const words = (instruct ?? '').toLowerCase();
  const has = (...keys: string[]): boolean => keys.some((k) => words.includes(k));
  return {
    speed: has('slow', 'calm', 'gentle') ? 130 : has('fast', 'excited', 'quick', 'urgent') ? 210 : 175,
    pitch: has('happy', 'cheerful', 'bright') ? 70 : has('deep', 'serious', 'low') ? 35 : 50,
  };
}
