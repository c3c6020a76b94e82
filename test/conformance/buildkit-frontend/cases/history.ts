// Ported from moby/buildkit frontend/dockerfile/dockerfile_history_test.go: the history of an
// exported image. The Go test counts busybox's own history (2 entries, 1 layer); here the
// base's counts are read from the case's root, and the entries after them are the Go test's.
import assert from 'node:assert/strict';
import { inspect } from '../../../../src/api/images.js';
import type { FrontendCase, Prepared, Vars } from '../case.js';

const source = 'dockerfile_history_test.go';

/** The base image's history and layer counts, as vars BASE_HISTORY and BASE_LAYERS. */
async function baseCounts(root: string): Promise<Prepared> {
  const { config } = await inspect('busybox', { root });
  const vars = { BASE_HISTORY: String(config.history?.length ?? 0), BASE_LAYERS: String(config.rootfs.diff_ids.length) };
  return { options: {}, vars, dispose: () => Promise.resolve() };
}

const count = (vars: Vars, name: string) => Number(vars[name]);

export const historyCases: FrontendCase[] = [
  {
    name: 'testExportedHistory',
    source,
    prepare: baseCounts,
    dockerfile: [
      'FROM busybox AS base', 'ENV foo=bar', 'COPY foo /foo2',
      'FROM busybox', 'LABEL lbl=val', 'COPY --from=base foo2 foo3', 'WORKDIR /', 'RUN echo bar > foo4', 'RUN ["ls"]', 'EXPOSE 2375 5000 1234/udp', '',
    ].join('\n'),
    files: { foo: 'contents0' },
    options: { tags: ['example.com/moby/dockerfilescratch:test'] },
    verify(outcome, _later, vars) {
      const config = outcome.config!;
      assert.equal(config.rootfs.type, 'layers');
      assert.equal(config.rootfs.diff_ids.length, count(vars, 'BASE_LAYERS') + 3);
      const history = config.history ?? [];
      const offset = count(vars, 'BASE_HISTORY');
      assert.equal(history.length, offset + 6, `history: ${JSON.stringify(history.map((h) => h.created_by))}`);
      const expected: [string, boolean][] = [
        ['lbl=val', true], ['COPY foo2 foo3', false], ['WORKDIR /', true], ['echo bar > foo4', false], ['RUN ls', false], ['EXPOSE [1234/udp 2375/tcp 5000/tcp]', true],
      ];
      for (const [i, [createdBy, empty]] of expected.entries()) {
        const entry = history[offset + i]!;
        assert.ok(entry.created_by?.includes(createdBy), `history[${offset + i}] ${JSON.stringify(entry.created_by)} lacks ${JSON.stringify(createdBy)}`);
        assert.equal(entry.empty_layer ?? false, empty, `history[${offset + i}] (${createdBy}) empty_layer`);
        assert.ok(entry.created, `history[${offset + i}] has no created`);
      }
    },
  },
  {
    name: 'testExportedHistoryFlattenArgs',
    source,
    dockerfile: 'FROM busybox\nARG foo=bar\nARG bar=123\nARG foo=bar2\nRUN ls /etc/\n',
    verify(outcome) {
      const history = outcome.config?.history ?? [];
      const firstNonBase = history.findIndex((h) => h.created_by === 'ARG foo=bar');
      assert.ok(firstNonBase > 0, `no history entry "ARG foo=bar": ${JSON.stringify(history.map((h) => h.created_by))}`);
      assert.equal(history.length, firstNonBase + 4);
      assert.ok(history[firstNonBase + 1]!.created_by?.includes('ARG bar=123'));
      assert.ok(history[firstNonBase + 2]!.created_by?.includes('ARG foo=bar2'));
      const runLine = history[firstNonBase + 3]!.created_by ?? '';
      assert.ok(runLine.includes('ls /etc/'), runLine);
      assert.ok(!runLine.includes('ARG foo=bar'), runLine);
      assert.ok(runLine.includes('RUN |2 foo=bar2 bar=123 '), runLine);
    },
  },
];
