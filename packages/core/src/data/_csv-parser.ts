import { InputError } from '../errors/input-error.js';

/** One parsed record: its fields, which of them were quoted, and its first line (1-based). */
export interface CsvRecord {
  fields: string[];
  quoted: boolean[];
  line: number;
}

const LF = 10;
const CR = 13;

enum State {
  FieldStart = 0,
  Unquoted = 1,
  Quoted = 2,
  QuoteInQuoted = 3,
}

/**
 * Incremental RFC 4180 parser: feed text chunks with `push`, then call `finish`. Fields may be
 * quoted (`"a, ""b"""`), quoted fields may span lines, records end with LF or CRLF (or CR).
 * A quote inside an unquoted field is kept as a literal character; text after a closing quote
 * other than a delimiter or line break, and a quote left open at the end, are errors that name
 * the line. Blank lines are skipped.
 */
export class CsvParser {
  private readonly delimiter: number;
  private readonly quote: number;
  private state = State.FieldStart;
  private field = '';
  private fieldQuoted = false;
  private fields: string[] = [];
  private quoted: boolean[] = [];
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private skipLf = false;

  constructor(
    private readonly source: string,
    delimiter = ',',
    quote: string | false = '"',
  ) {
    if (delimiter.length !== 1)
      throw new InputError(`CSV delimiter must be one character, got "${delimiter}"`);
    this.delimiter = delimiter.charCodeAt(0);
    this.quote = quote === false ? -1 : quote.charCodeAt(0);
  }

  private endField(): void {
    this.fields.push(this.field);
    this.quoted.push(this.fieldQuoted);
    this.field = '';
    this.fieldQuoted = false;
  }

  private endRecord(out: CsvRecord[]): void {
    const blank = this.fields.length === 1 && this.fields[0] === '' && !this.quoted[0];
    if (!blank) out.push({ fields: this.fields, quoted: this.quoted, line: this.recordLine });
    this.fields = [];
    this.quoted = [];
  }

  /** Parses a chunk and appends the records it completes to `out`. */
  push(text: string, out: CsvRecord[]): void {
    const n = text.length;
    const delim = this.delimiter;
    const quote = this.quote;
    let i = 0;
    if (this.skipLf && n > 0) {
      if (text.charCodeAt(0) === LF) i = 1;
      this.skipLf = false;
    }
    while (i < n) {
      switch (this.state) {
        case State.FieldStart: {
          if (this.fields.length === 0 && this.field === '') this.recordLine = this.line;
          if (text.charCodeAt(i) === quote) {
            this.state = State.Quoted;
            this.fieldQuoted = true;
            this.quoteLine = this.line;
            i++;
          } else this.state = State.Unquoted;
          break;
        }
        case State.Unquoted: {
          let j = i;
          let c = 0;
          while (j < n) {
            c = text.charCodeAt(j);
            if (c === delim || c === LF || c === CR) break;
            j++;
          }
          if (j > i) this.field += text.slice(i, j);
          i = j;
          if (j === n) break;
          i = this.separator(c, text, i, out);
          break;
        }
        case State.Quoted: {
          const j = text.indexOf(String.fromCharCode(quote), i);
          const end = j < 0 ? n : j;
          const piece = text.slice(i, end);
          this.field += piece;
          for (let k = piece.indexOf('\n'); k >= 0; k = piece.indexOf('\n', k + 1)) this.line++;
          if (j < 0) i = n;
          else {
            i = j + 1;
            this.state = State.QuoteInQuoted;
          }
          break;
        }
        case State.QuoteInQuoted: {
          const c = text.charCodeAt(i);
          if (c === quote) {
            this.field += String.fromCharCode(quote);
            this.state = State.Quoted;
            i++;
          } else if (c === delim || c === LF || c === CR) {
            i = this.separator(c, text, i, out);
          } else {
            throw new InputError(
              `${this.source}: line ${this.line}: unexpected character after a closing quote (field ${this.fields.length + 1})`,
              {
                hint: 'inside a quoted field, write a quote as two quotes (""), as RFC 4180 requires',
              },
            );
          }
          break;
        }
      }
    }
  }

  /** Handles a delimiter or line break at `text[i]`; returns the next index. */
  private separator(c: number, text: string, i: number, out: CsvRecord[]): number {
    this.endField();
    this.state = State.FieldStart;
    if (c === this.delimiter) return i + 1;
    this.endRecord(out);
    this.line++;
    if (c === CR) {
      if (i + 1 < text.length) return text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
      this.skipLf = true;
    }
    return i + 1;
  }

  /** Ends the input: completes a last record without a line break, or reports an open quote. */
  finish(out: CsvRecord[]): void {
    if (this.state === State.Quoted) {
      throw new InputError(
        `${this.source}: line ${this.quoteLine}: a quoted field is never closed (the file ends inside it)`,
        {
          hint: 'close the quote, or escape quotes inside fields as "" (RFC 4180); the file may be truncated',
        },
      );
    }
    if (this.state !== State.FieldStart || this.fields.length > 0 || this.field !== '') {
      this.endField();
      this.endRecord(out);
    }
    this.state = State.FieldStart;
  }
}
