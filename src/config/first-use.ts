/** Finds values a list must not hold twice and names where each was first written. */
import type { ConfigReader } from './mapping-reader.js';

export interface Place {
  path: string;
  line: number;
}

export class FirstUse {
  private readonly first = new Map<string, Place>();

  constructor(private readonly reader: ConfigReader) {}

  /**
   * True for a new `key`, which is remembered as written at `at`; for a repeated one records
   * `message(where it was first)` at `reportAt`.
   */
  claim(key: string, at: Place, message: (earlier: Place) => string, reportAt: Place = at): boolean {
    const earlier = this.first.get(key);
    if (earlier === undefined) {
      this.first.set(key, at);
      return true;
    }
    this.reader.error(reportAt.path, reportAt.line, message(earlier));
    return false;
  }
}
