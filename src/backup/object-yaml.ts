/**
 * A Kubernetes object (plain JSON: maps, lists, strings, numbers, booleans, null) as block-style YAML, the way
 * people read it, readable alike by YAML 1.2 parsers and by kubectl's YAML 1.1 one. Strings are plain only when
 * no parser can take them for anything else (a letter first, then letters, digits and `_./-`, and none of YAML
 * 1.1's words for true, false or null); multi-line text is a literal block (`|`); anything else is double-quoted
 * with JSON's escapes, which both YAML versions read. Several times faster than building a `yaml` Document per
 * object, which was most of a large backup's time.
 */
export function objectToYaml(value: Record<string, unknown>): string {
  const out: string[] = [];
  if (Object.keys(value).length === 0) return '{}\n';
  writeMap(value, 0, out);
  return out.join('');
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
/** YAML 1.1's booleans and nulls (kubectl's parser), any case. */
const RESERVED = new Set(['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null']);
/** Text a literal block keeps exactly: printable, no carriage returns, tabs or byte-order marks. */
const LITERAL_SAFE = /^[\x20-\x7e\n\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;

/** Characters YAML does not allow raw (kubectl refuses "control characters"), escaped inside double quotes. */
const NOT_PRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

function scalar(text: string): string {
  if (PLAIN.test(text) && !RESERVED.has(text.toLowerCase())) return text;
  return JSON.stringify(text).replace(
    NOT_PRINTABLE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function isLiteral(text: string): boolean {
  if (!text.includes('\n') || text.startsWith(' ') || text.startsWith('\n')) return false;
  if (!LITERAL_SAFE.test(text)) return false;
  const lines = text.replace(/\n+$/, '').split('\n');
  // A line of only spaces would read back as an empty one.
  return lines.every((line) => line === '' || line.trim() !== '');
}

/** `|`, `|-` or `|+` by the text's trailing newlines, then its lines indented. */
function literal(text: string, indent: number, out: string[]): void {
  const trailing = text.length - text.replace(/\n+$/, '').length;
  out.push(trailing === 0 ? '|-\n' : trailing === 1 ? '|\n' : '|+\n');
  const pad = ' '.repeat(indent);
  const body = trailing === 0 ? text : text.slice(0, text.length - trailing);
  for (const line of body.split('\n')) out.push(line === '' ? '\n' : `${pad}${line}\n`);
  for (let i = 1; i < trailing; i++) out.push('\n');
}

function number(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a JSON number: ${n}`);
  return String(n);
}

/** A value after `key:` or `- `: inline when it is a scalar or empty, else on the lines that follow. */
function writeValue(value: unknown, indent: number, out: string[]): void {
  if (value === null || value === undefined) out.push(' null\n');
  else if (typeof value === 'string') {
    if (isLiteral(value)) {
      out.push(' ');
      literal(value, indent, out);
    } else out.push(` ${scalar(value)}\n`);
  } else if (typeof value === 'number') out.push(` ${number(value)}\n`);
  else if (typeof value === 'boolean') out.push(value ? ' true\n' : ' false\n');
  else if (Array.isArray(value)) {
    if (value.length === 0) out.push(' []\n');
    else {
      out.push('\n');
      writeSeq(value, indent, out);
    }
  } else if (typeof value === 'object') {
    const map = value as Record<string, unknown>;
    if (Object.keys(map).length === 0) out.push(' {}\n');
    else {
      out.push('\n');
      writeMap(map, indent, out);
    }
  } else throw new Error(`not a JSON value: ${typeof value}`);
}

function writeMap(map: Record<string, unknown>, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue;
    out.push(`${pad}${scalar(key)}:`);
    writeValue(value, indent + 2, out);
  }
}

function writeSeq(items: readonly unknown[], indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  for (const item of items) {
    if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length > 0) {
      // The map's first key goes on the dash's line: `- name: web`.
      const lines: string[] = [];
      writeMap(item as Record<string, unknown>, indent + 2, lines);
      const first = lines[0] ?? '';
      lines[0] = `${pad}- ${first.slice(indent + 2)}`;
      out.push(...lines);
    } else {
      out.push(`${pad}-`);
      writeValue(item, indent + 2, out);
    }
  }
}
