/**
 * Token counts when a server sends no usage: a real BPE tokenizer (gpt-tokenizer, o200k_base,
 * shipped in the package: nothing is downloaded), never characters / 4. Loaded on first use
 * (about 150 ms), so runs whose server reports usage never pay for it.
 */
let counter: ((text: string) => number) | undefined;

export function countTokens(text: string): number {
  if (text === '') return 0;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  counter ??= (require('gpt-tokenizer') as typeof import('gpt-tokenizer')).countTokens;
  return counter(text);
}
