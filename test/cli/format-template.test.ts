// The --format template reader: a malformed quoted string is the user's mistake (exit 2), not a bug.
import { describe, expect, it } from 'vitest';
import { renderDocuments } from '../../src/cli/format/index.js';

describe('--format quoted strings', () => {
  it('reads Go-style escapes and refuses a malformed one as a usage error', () => {
    expect(renderDocuments('{{join .Tags "\\t"}}', [{ Tags: ['a', 'b'] }])).toBe('a\tb\n');
    expect(() => renderDocuments('{{join .Tags "\\x"}}', [{ Tags: ['a'] }])).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('cannot read the string "\\x"') }));
  });
});
