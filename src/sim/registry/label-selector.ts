import { badRequest } from './status-errors.js';

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

/** A parsed `labelSelector`: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-joined (AND). */
export class LabelSelector {
  private constructor(private readonly requirements: Requirement[]) {}

  static parse(text: string | undefined): LabelSelector {
    const requirements: Requirement[] = [];
    const source = (text ?? '').trim();
    if (source === '') return new LabelSelector(requirements);
    for (const part of splitTopLevel(source)) {
      const trimmed = part.trim();
      if (trimmed === '')
        throw invalidSelector(source, "found '', expected: !, identifier, or 'end of string'");
      requirements.push(parseRequirement(trimmed, source));
    }
    return new LabelSelector(requirements);
  }

  /** `matchLabels` / `matchExpressions` of a LabelSelector object (PDBs, workloads); null matches nothing. */
  static fromObject(selector: unknown): LabelSelector | undefined {
    if (selector === null || selector === undefined || typeof selector !== 'object') return undefined;
    const requirements: Requirement[] = [];
    const record = selector as Record<string, unknown>;
    const matchLabels = record.matchLabels;
    if (matchLabels && typeof matchLabels === 'object') {
      for (const [key, value] of Object.entries(matchLabels)) {
        requirements.push({ op: 'eq', key, value: String(value) });
      }
    }
    const expressions = Array.isArray(record.matchExpressions) ? record.matchExpressions : [];
    for (const expression of expressions) {
      if (!expression || typeof expression !== 'object') continue;
      const { key, operator, values } = expression as Record<string, unknown>;
      if (typeof key !== 'string') continue;
      const list = Array.isArray(values) ? values.map(String) : [];
      if (operator === 'In') requirements.push({ op: 'in', key, values: list });
      else if (operator === 'NotIn') requirements.push({ op: 'notin', key, values: list });
      else if (operator === 'Exists') requirements.push({ op: 'exists', key });
      else if (operator === 'DoesNotExist') requirements.push({ op: 'notexists', key });
    }
    return new LabelSelector(requirements);
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  matches(labels: Record<string, string> | undefined): boolean {
    const set = labels ?? {};
    return this.requirements.every((requirement) => {
      const has = Object.hasOwn(set, requirement.key);
      const value = set[requirement.key];
      switch (requirement.op) {
        case 'eq':
          return has && value === requirement.value;
        case 'neq':
          return !has || value !== requirement.value;
        case 'in':
          return has && value !== undefined && requirement.values.includes(value);
        case 'notin':
          return !has || value === undefined || !requirement.values.includes(value);
        case 'exists':
          return has;
        case 'notexists':
          return !has;
      }
      return false;
    });
  }
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

const KEY = /^([a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function parseRequirement(text: string, whole: string): Requirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (setMatch) {
    const [, key = '', op, list = ''] = setMatch;
    checkKey(key, whole);
    const values = list
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '');
    for (const value of values) checkValue(value, whole);
    return { op: op === 'in' ? 'in' : 'notin', key, values };
  }
  const opMatch = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(text);
  if (opMatch) {
    const [, key = '', op, value = ''] = opMatch;
    checkKey(key, whole);
    checkValue(value.trim(), whole);
    return { op: op === '!=' ? 'neq' : 'eq', key, value: value.trim() };
  }
  if (text.startsWith('!')) {
    const key = text.slice(1).trim();
    checkKey(key, whole);
    return { op: 'notexists', key };
  }
  checkKey(text, whole);
  return { op: 'exists', key: text };
}

function checkKey(key: string, whole: string): void {
  if (!KEY.test(key) || key.length > 316) {
    throw invalidSelector(
      whole,
      `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

function checkValue(value: string, whole: string): void {
  if (!VALUE.test(value) || value.length > 63) {
    throw invalidSelector(
      whole,
      `invalid label value: "${value}": at key: must be no more than 63 characters and consist of alphanumeric characters, '-', '_' or '.'`,
    );
  }
}

function invalidSelector(whole: string, why: string): Error {
  return badRequest(`unable to parse requirement: ${why} (selector "${whole}")`);
}
