// Local codes: this runs per message (see the note in jsonScanner.ts).
const QUOTE = 34;
const BACKSLASH = 92;
const LBRACKET = 91;

function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/**
 * The fields of a space-delimited message: runs of non-whitespace, except that text between
 * double quotes or between square brackets is one field, delimiters stripped. Inside quotes a
 * backslash keeps the next character (so `\"` does not close the field); the value keeps it as
 * written. An unclosed quote or bracket runs to the end of the message. Kept in reusable arrays:
 * one instance serves every message a compiled pattern sees.
 */
export class MessageTokens {
  count = 0;
  private valueStart = new Int32Array(16);
  private valueEnd = new Int32Array(16);
  private rawStart = new Int32Array(16);
  private rawEnd = new Int32Array(16);

  read(message: string): void {
    const length = message.length;
    let count = 0;
    let pos = 0;
    for (;;) {
      while (pos < length && isWhitespace(message.charCodeAt(pos))) pos++;
      if (pos >= length) break;
      const open = message.charCodeAt(pos);
      let valueStart = pos;
      let valueEnd: number;
      let rawEnd: number;
      if (open === QUOTE) {
        valueStart = pos + 1;
        let close = valueStart;
        while (close < length && message.charCodeAt(close) !== QUOTE) {
          close += message.charCodeAt(close) === BACKSLASH ? 2 : 1;
        }
        valueEnd = Math.min(close, length);
        rawEnd = Math.min(close + 1, length);
      } else if (open === LBRACKET) {
        valueStart = pos + 1;
        const close = message.indexOf("]", valueStart);
        valueEnd = close === -1 ? length : close;
        rawEnd = close === -1 ? length : close + 1;
      } else {
        let end = pos + 1;
        while (end < length && !isWhitespace(message.charCodeAt(end))) end++;
        valueEnd = end;
        rawEnd = end;
      }
      if (count === this.valueStart.length) this.grow();
      this.rawStart[count] = pos;
      this.valueStart[count] = valueStart;
      this.valueEnd[count] = valueEnd;
      this.rawEnd[count] = rawEnd;
      count++;
      pos = rawEnd;
    }
    this.count = count;
  }

  /**
   * Start of the text of tokens [from, to): one token is its value without delimiters; several
   * (the last name of a pattern taking the rest of the line) are the raw text they cover.
   */
  start(from: number, to: number): number {
    return (to - from === 1 ? this.valueStart[from] : this.rawStart[from]) as number;
  }

  end(from: number, to: number): number {
    return (to - from === 1 ? this.valueEnd[from] : this.rawEnd[to - 1]) as number;
  }

  private grow(): void {
    const size = this.valueStart.length * 2;
    const grown = (old: Int32Array) => {
      const next = new Int32Array(size);
      next.set(old);
      return next;
    };
    this.valueStart = grown(this.valueStart);
    this.valueEnd = grown(this.valueEnd);
    this.rawStart = grown(this.rawStart);
    this.rawEnd = grown(this.rawEnd);
  }
}
