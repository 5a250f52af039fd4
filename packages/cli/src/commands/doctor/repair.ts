import type { SdkModule } from '../../deps.js';

/** A safe edit `--fix` may apply to the netrc file. Its description never holds a key. */
export interface Repair {
  /** Stable id, e.g. `strip-prefix`, `chmod-600`. */
  id: string;
  /** What it does, for the "Fixed:" lines, e.g. `moved machine a.org (line 9) before default`. */
  description: string;
  /**
   * `text`: a pure edit of the netrc text (the caller writes the result atomically, after a backup).
   * `mode`: tighten the file's permission bits.
   */
  kind: 'text' | 'mode';
  /**
   * For `text` repairs: the new text, from the current text (earlier repairs may have changed it,
   * so the edit parses it again and finds its entry). It uses the SDK's format-preserving text
   * edits, which leave every byte outside the edited entry unchanged. Returns the text unchanged
   * when its target is gone.
   */
  edit?: (text: string, sdk: SdkModule) => string;
  /** Text repairs run in ascending order: value edits first, then moves (which reorder entries). */
  order?: number;
}
