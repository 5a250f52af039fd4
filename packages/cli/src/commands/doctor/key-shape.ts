/** How lk doctor words a key's shape (the shape itself is the SDK's `analyzeKeyShape`). */
import type { KeyShape } from '@lk/sdk';

/** Problems with the shape, as short phrases (never containing the key). */
export function describeShapeProblems(s: KeyShape): string[] {
  const out: string[] = [];
  if (s.empty) return ['the key is empty'];
  if (s.surroundingWhitespace) out.push('it has whitespace around it');
  if (s.innerWhitespace) out.push('it has whitespace inside it');
  if (s.quoted) out.push('it is wrapped in quote characters that are part of the value');
  if (s.nonAscii) out.push('it holds a character that is not plain ASCII (often an invisible one picked up by copy and paste, such as a zero-width space)');
  if (s.prefix) {
    out.push(
      s.legacyBody
        ? `it has the pre-23.3 \`${s.prefix}\` prefix (a legacy key, valid only as issued)`
        : `it starts with \`${s.prefix}\` but the rest is ${s.modern ? 'a modern 64-hex key (the prefix does not belong there)' : `${s.bodyLength} characters, not a key`}`,
    );
  } else if (!s.modern && !s.nonAscii) {
    if (s.upperCaseHex && s.bodyLength === 64) out.push('it has upper-case letters (keys are lower-case hex)');
    else out.push(`it is ${s.bodyLength} characters, not 64 lower-case hex characters`);
  }
  return out;
}
