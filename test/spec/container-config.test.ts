// The container config's JSON shape as Go's omitempty writes it (image-spec ImageConfig).
import { describe, expect, it } from 'vitest';
import { withoutEmptyFields } from '../../src/spec/index.js';

describe('withoutEmptyFields', () => {
  it('drops null, empty lists, empty maps, empty strings and false as omitempty does', () => {
    expect(withoutEmptyFields({
      Cmd: null, Entrypoint: [], Env: ['A=1'], Volumes: {}, Labels: { a: 'b' }, User: '', WorkingDir: '/w',
      ArgsEscaped: false, OnBuild: null, Shell: ['/bin/sh', '-c'], ExposedPorts: {}, StopSignal: '',
    })).toEqual({ Env: ['A=1'], Labels: { a: 'b' }, WorkingDir: '/w', Shell: ['/bin/sh', '-c'] });
  });

  it('keeps an empty Healthcheck (a pointer in Go) and fields outside the spec', () => {
    const config = { Healthcheck: {}, Hostname: '' } as Parameters<typeof withoutEmptyFields>[0];
    expect(withoutEmptyFields(config)).toEqual({ Healthcheck: {}, Hostname: '' });
  });
});
