// Service-task parameters are Python expressions evaluated by the engine. People type plain values; these helpers
// turn them into Python literals and back. A value that starts with "=" is an expression kept as typed
// (e.g. `=deal["title"]`), so a diagram can still use variables.

export const EXPRESSION_PREFIX = '=';

export function quote(text) {
  const escaped = String(text)
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return `'${escaped}'`;
}

const ESCAPES = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"' };

// Reads one Python string literal at `start`; answers [text, next index] or null.
function readString(source, start) {
  const delimiter = source[start];
  if (delimiter !== "'" && delimiter !== '"') {
    return null;
  }
  let text = '';
  for (let i = start + 1; i < source.length; i++) {
    const char = source[i];
    if (char === delimiter) {
      return [text, i + 1];
    }
    if (char === '\n') {
      return null;
    }
    if (char === '\\') {
      const next = source[i + 1];
      if (!(next in ESCAPES)) {
        return null;
      }
      text += ESCAPES[next];
      i++;
    } else {
      text += char;
    }
  }
  return null;
}

/** The text of a single Python string literal (`'abc'`), or null when the value is anything else. */
export function unquote(value) {
  const source = (value || '').trim();
  const read = readString(source, 0);
  return read && read[1] === source.length ? read[0] : null;
}

/** The items of a Python list of string literals (`['a', 'b']`), or null when the value is anything else. */
export function unquoteList(value) {
  const source = (value || '').trim();
  if (!source.startsWith('[') || !source.endsWith(']')) {
    return null;
  }
  const items = [];
  let i = 1;
  const skipSpaces = () => {
    while (i < source.length && /\s/.test(source[i])) i++;
  };
  skipSpaces();
  while (source[i] !== ']') {
    const read = readString(source, i);
    if (!read) {
      return null;
    }
    items.push(read[0]);
    i = read[1];
    skipSpaces();
    if (source[i] === ',') {
      i++;
      skipSpaces();
    } else if (source[i] !== ']') {
      return null;
    }
  }
  return i === source.length - 1 ? items : null;
}

const NUMBER = /^-?\d+(\.\d+)?$/;
// What an `any` parameter keeps unquoted: numbers and booleans; anything else typed is text.
const SCALAR = /^(-?\d+(\.\d+)?|True|False|None)$/;

/** What the person sees and edits for a stored parameter value of a catalogue type. */
export function toInput(type, stored) {
  if (stored === undefined || stored === null || stored === '') {
    return '';
  }
  if (type === 'bool') {
    return stored.trim() === 'True';
  }
  if (type === 'int' || type === 'float' || type === 'number') {
    return NUMBER.test(stored.trim()) ? stored.trim() : EXPRESSION_PREFIX + stored;
  }
  if (type === 'list') {
    const items = unquoteList(stored);
    return items ? items.join('; ') : EXPRESSION_PREFIX + stored;
  }
  if (isTextType(type)) {
    const text = unquote(stored);
    return text !== null ? text : EXPRESSION_PREFIX + stored;
  }
  if (type === 'any') {
    const text = unquote(stored);
    if (text !== null) {
      return SCALAR.test(text) ? EXPRESSION_PREFIX + stored : text; // '5' stays a string, shown as ='5'
    }
    return SCALAR.test(stored.trim()) ? stored.trim() : EXPRESSION_PREFIX + stored;
  }
  return stored; // dicts: the expression itself
}

/** The Python expression stored for what the person typed; undefined when nothing is set. */
export function toStored(type, input) {
  if (type === 'bool') {
    return input ? 'True' : 'False';
  }
  if (input === undefined || input === null) {
    return undefined;
  }
  const text = String(input);
  if (text.trim() === '') {
    return undefined;
  }
  if (text.startsWith(EXPRESSION_PREFIX)) {
    return text.slice(EXPRESSION_PREFIX.length).trim() || undefined;
  }
  if (type === 'int' || type === 'float' || type === 'number') {
    return text.trim();
  }
  if (type === 'list') {
    const items = text.split(';').map((item) => item.trim()).filter(Boolean);
    return `[${items.map(quote).join(', ')}]`;
  }
  if (isTextType(type)) {
    return quote(text);
  }
  if (type === 'any') {
    return SCALAR.test(text.trim()) ? text.trim() : quote(text);
  }
  return text.trim();
}

/** A problem with what was typed, or null. */
export function inputError(type, input, texts) {
  if (input === undefined || input === null || typeof input === 'boolean') {
    return null;
  }
  const text = String(input).trim();
  if (!text || text.startsWith(EXPRESSION_PREFIX)) {
    return null;
  }
  if (type === 'int' && !/^-?\d+$/.test(text)) {
    return texts.expectedInt;
  }
  if ((type === 'float' || type === 'number') && !NUMBER.test(text)) {
    return texts.expectedNumber;
  }
  return null;
}

/** A Python literal of a catalogue default (a JSON value) for a new parameter. */
export function literalOf(value) {
  if (value === null || value === undefined) {
    return undefined;
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  if (typeof value === 'number') {
    return String(value);
  }
  if (typeof value === 'string') {
    return quote(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(literalOf).join(', ')}]`;
  }
  if (typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${quote(k)}: ${literalOf(v)}`).join(', ')}}`;
  }
  return undefined;
}

export function isTextType(type) {
  return !type || type === 'str' || type === 'string' || type === 'text' || type === 'duration'
    || type === 'choice' || type === 'stage' || type === 'user';
}
