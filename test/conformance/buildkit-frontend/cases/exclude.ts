// Ported from moby/buildkit frontend/dockerfile/exclude_patterns_test.go.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrontendCase } from '../case.js';

const source = 'exclude_patterns_test.go';
// The Go test's second half (the same Dockerfile on `ADD --keep-git-dir <repo>#0.1` over HTTP) is
// not ported yet: it needs a tagged repository served by test/helpers/git-http.ts.

const files = {
  'dir1/file-101.png': '2',
  'dir1/file-102.txt': '3',
  'dir1/file-103.jpeg': '4',
  'dir2/file-201.pdf': '6',
  'dir2/file-202.jpeg': '7',
  'dir2/file-203.png': '8',
  'dir3/file-301.mp3': '9',
  'dir3/file-302.mpeg': '10',
  'dir4/file-401.txt': '11',
  'dir4/file-402.txt': { symlink: 'file-401.txt' },
  'dir4/file-403.txt': { symlink: 'file-404.txt' },
};

/** The Go test's table: content (`-> target` for a symlink), or null for excluded. */
const expected: Record<string, string | null> = {
  'builder1/1/dir1/file-101.png': null,
  'builder1/1/dir1/file-102.txt': '3',
  'builder1/1/dir1/file-103.jpeg': null,
  'builder1/1/dir2/file-201.pdf': '6',
  'builder1/1/dir2/file-202.jpeg': null,
  'builder1/1/dir2/file-203.png': null,
  'builder1/1/dir3/file-301.mp3': '9',
  'builder1/1/dir3/file-302.mpeg': '10',
  'builder1/1/dir4/file-401.txt': '11',
  'builder1/1/dir4/file-402.txt': '-> file-401.txt',
  'builder1/1/dir4/file-403.txt': '-> file-404.txt',
  'builder2/2/dir1/file-101.png': '2',
  'builder2/2/dir1/file-102.txt': null,
  'builder2/2/dir1/file-103.jpeg': '4',
  'builder2/2/dir2/file-201.pdf': null,
  'builder2/2/dir2/file-202.jpeg': '7',
  'builder2/2/dir2/file-203.png': '8',
  'builder2/2/dir3/file-301.mp3': '9',
  'builder2/2/dir3/file-302.mpeg': '10',
  'builder2/2/dir4/file-401.txt': null,
  'builder2/2/dir4/file-402.txt': null,
  'builder2/2/dir4/file-403.txt': null,
  'builder3/3/file-301.mp3': null,
  'builder3/3/file-302.mpeg': '10',
  'builder4/4/file-101.png': null,
  'builder4/4/file-102.txt': null,
  'builder4/4/file-103.jpeg': null,
  'builder4/4/file-201.pdf': null,
  'builder4/4/file-202.jpeg': null,
  'builder4/4/file-203.png': null,
  'builder4/4/file-301.mp3': null,
  'builder4/4/file-302.mpeg': '10',
  'builder4/4/dir4/file-401.txt': null,
  'builder4/4/dir4/file-402.txt': null,
  'builder4/4/dir4/file-403.txt': null,
  'builder5/5/file-101.png': null,
  'builder5/5/file-102.txt': '3',
  'builder5/5/file-103.jpeg': null,
  'builder5/5/file-201.pdf': null,
  'builder5/5/file-202.jpeg': null,
  'builder5/5/file-203.png': null,
  'builder5/5/file-301.mp3': null,
  'builder5/5/file-302.mpeg': null,
  'builder5/5/file-401.txt': '11',
  'builder5/5/file-402.txt': '-> file-401.txt',
  'builder5/5/file-403.txt': '-> file-404.txt',
};

export const excludeCases: FrontendCase[] = [
  {
    name: 'testExcludedFilesOnCopy/local',
    source,
    files,
    dockerfile: `
# ignore all the image files
FROM scratch as builder1
COPY --exclude=*/*.png --exclude=*/*.jpeg . /1

# ignore all document files
FROM scratch as builder2
COPY --exclude=*/*.pdf --exclude=*/*.txt . /2

# ignore all mp3 files
FROM scratch as builder3
ADD --exclude=*.mp3 dir3/ /3/

# Ignore everything, keeping only .mpeg files, using src as a wildcard.
# it's a fake example, just to be sure that src as wildcards work as expected.
FROM scratch as builder4
COPY --exclude=*.mp3 --exclude=*.jpeg --exclude=*.png --exclude=*.pdf --exclude=*.txt dir* /4/

# Ignore everything, keeping only txt files.
# it's a fake example, just to be sure that src as wildcards work as expected.
FROM scratch as builder5
ADD --exclude=*.mp* --exclude=*.jpeg --exclude=*.png --exclude=*.pdf dir* /5

# Exclude all files. No idea how it could be useful, but it should not be forbidden.
FROM scratch as builder6
ADD --exclude=* dir* /6

FROM scratch
COPY --from=builder1 / /builder1
COPY --from=builder2 / /builder2
COPY --from=builder3 / /builder3
COPY --from=builder4 / /builder4
COPY --from=builder5 / /builder5
COPY --from=builder6 / /builder6
`,
    exported: expected,
    verify(outcome) {
      assert.deepEqual(readdirSync(join(outcome.dest, 'builder6/6')), []);
    },
  },
];
