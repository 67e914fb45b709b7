import { zxcvbn, zxcvbnOptions } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';

/**
 * Staff password policy after NIST SP 800-63B §3.1.1.2: a minimum length and a check against what
 * attackers guess first (common passwords, repeats, sequences, keyboard walks, the user's own email and
 * name), estimated by zxcvbn-ts. No composition rules (they make passwords harder to remember, not to
 * guess), spaces and any Unicode allowed, no truncation.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;
/** zxcvbn score 3 = "safely unguessable: moderate protection from offline slow-hash attacks" (≥ 10^8 guesses). */
export const PASSWORD_MIN_SCORE = 3;

zxcvbnOptions.setOptions({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });

/** zxcvbn feedback keys → what to tell the person choosing the password. */
const WARNINGS: Record<string, string> = {
  simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
  extendedRepeat: 'Repeated patterns like "abcabc" are easy to guess.',
  sequences: 'Sequences like "abc" or "6543" are easy to guess.',
  straightRow: 'A row of keys on the keyboard is easy to guess.',
  keyPattern: 'Short keyboard patterns are easy to guess.',
  topTen: 'This is one of the most used passwords.',
  topHundred: 'This is a very commonly used password.',
  common: 'This is a commonly used password.',
  similarToCommon: 'This is too close to a commonly used password.',
  wordByItself: 'A single word is easy to guess.',
  namesByThemselves: 'Names on their own are easy to guess.',
  commonNames: 'Common names are easy to guess.',
  userInputs: 'It should not contain your email or name, the merchant\'s name or the product\'s.',
  recentYears: 'Recent years are easy to guess.',
  dates: 'Dates are easy to guess.',
  pwned: 'This password appeared in a data breach.',
};

export type PasswordCheck = { ok: true } | { ok: false; message: string };

/** Words an attacker tries first on this portal whoever the user is: the product's and the provider's names. */
export const PRODUCT_WORDS = ['daikou', 'antom', 'alipay'] as const;

/**
 * Checks a new password; `related` are the user's own email and name and the merchant's name, which must
 * not carry it (the product's own name always counts too: "daikou-daikou" is the first guess at a Daikou).
 */
export function checkPasswordStrength(password: string, related: readonly string[] = []): PasswordCheck {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return { ok: false, message: `Use at least ${PASSWORD_MIN_LENGTH} characters; a few unrelated words work well.` };
  if (length > PASSWORD_MAX_LENGTH) return { ok: false, message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  const inputs = [...related, ...PRODUCT_WORDS]
    .map((value) => value.toLowerCase())
    .flatMap((value) => [value, value.split('@')[0]!.replace(/[^\p{L}\p{N}]/gu, ''), value.replace(/[^\p{L}\p{N}]/gu, ''), ...value.split(/[@.\s_-]+/)])
    .filter((v) => v.length >= 3);
  // zxcvbn prices "daikou-daikou" as two dictionary words and a brute-forced separator (10^8 guesses); a
  // password made of nothing but these known words (any order, repeats, separators, digits) is refused outright.
  if (madeOfKnownWords(password, inputs)) return { ok: false, message: `${WARNINGS.userInputs} Try a longer phrase of a few unrelated words.` };
  const result = zxcvbn(password, inputs);
  if (result.score >= PASSWORD_MIN_SCORE) return { ok: true };
  const why = (result.feedback.warning && WARNINGS[result.feedback.warning]) || 'This password is too easy to guess.';
  return { ok: false, message: `${why} Try a longer phrase of a few unrelated words.` };
}

/** Whether the password's letters, once separators and digits are dropped, are only `words` strung together. */
function madeOfKnownWords(password: string, words: readonly string[]): boolean {
  const letters = password.toLowerCase().replace(/[^\p{L}]/gu, '');
  if (!letters) return false;
  const known = [...new Set(words.map((w) => w.replace(/[^\p{L}]/gu, '')).filter((w) => w.length >= 3))];
  // Word break: reachable[i] = letters[0, i) is a concatenation of known words.
  const reachable = new Array<boolean>(letters.length + 1).fill(false);
  reachable[0] = true;
  for (let i = 0; i < letters.length; i++) {
    if (!reachable[i]) continue;
    for (const word of known) if (letters.startsWith(word, i)) reachable[i + word.length] = true;
  }
  return reachable[letters.length]!;
}
