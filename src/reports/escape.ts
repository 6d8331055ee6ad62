const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Characters XML 1.0 cannot hold even escaped (C0 controls but tab and line breaks, U+FFFE,
 * U+FFFF, lone surrogates): one of them makes a JUnit file unparseable, so they are removed.
 */
// eslint-disable-next-line no-control-regex
const XML_ILLEGAL = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Every piece of text that goes into HTML, SVG or XML passes through here. */
export function escapeXml(text: unknown): string {
  return String(text)
    .replace(XML_ILLEGAL, '')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * Text for markdown (a table cell, a heading, a list item): one line, no control characters,
 * HTML specials as entities (no <script> or <!-- reaches a renderer) and markdown punctuation
 * backslash-escaped (no links, emphasis or table breaks from a name).
 */
export function escapeMarkdown(text: unknown): string {
  return (
    String(text)
      .replace(/[\t\r\n]+/g, ' ')
      .replace(XML_ILLEGAL, '')
      // eslint-disable-next-line no-control-regex
      .replace(/[\x7f-\x9f\x1b]/g, '')
      .replace(/[&<>]/g, (c) => ENTITIES[c])
      .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
  );
}
