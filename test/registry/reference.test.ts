import { describe, expect, it } from 'vitest';
import { familiarName, familiarString, formatReference, manifestReference, parseReference } from '../../src/spec/reference.js';

const hex64 = 'a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4';
const digest = `sha256:${hex64}`;

// Cases from distribution/reference's normalize_test.go and reference_test.go.
describe('parseReference normalises like docker pull', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox:latest'],
    ['debian', 'docker.io/library/debian:latest'],
    ['library/debian', 'docker.io/library/debian:latest'],
    ['docker/docker', 'docker.io/docker/docker:latest'],
    ['docker.io/debian', 'docker.io/library/debian:latest'],
    ['docker.io/library/debian', 'docker.io/library/debian:latest'],
    ['index.docker.io/debian', 'docker.io/library/debian:latest'],
    ['index.docker.io/docker/docker', 'docker.io/docker/docker:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['foo:5000', 'docker.io/library/foo:5000'],
    ['127.0.0.1:5000/debian', '127.0.0.1:5000/debian:latest'],
    ['127.0.0.1:5000/docker/docker:v1', '127.0.0.1:5000/docker/docker:v1'],
    ['localhost/x', 'localhost/x:latest'],
    ['localhost:5000/a/b/c:t', 'localhost:5000/a/b/c:t'],
    ['example.com/ns/app', 'example.com/ns/app:latest'],
    ['Foo/bar', 'Foo/bar:latest'],
    ['[::1]:5000/foo', '[::1]:5000/foo:latest'],
    ['[2001:db8::1]/foo:tag', '[2001:db8::1]/foo:tag'],
    ['192.168.0.1', 'docker.io/library/192.168.0.1:latest'],
    ['a__b-c---e/f.g_h', 'docker.io/a__b-c---e/f.g_h:latest'],
    ['thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', 'docker.io/library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev:latest'],
    [`docker.io/${hex64}`, `docker.io/library/${hex64}:latest`],
    [`busybox@${digest}`, `docker.io/library/busybox@${digest}`],
    [`busybox:1.36@${digest}`, `docker.io/library/busybox:1.36@${digest}`],
    [`localhost:5000/x@${digest}`, `localhost:5000/x@${digest}`],
    [`app:${'t'.repeat(128)}`, `docker.io/library/app:${'t'.repeat(128)}`],
    ['app:_Tag.With-Caps', 'docker.io/library/app:_Tag.With-Caps'],
  ])('%s -> %s', (input, expected) => {
    expect(formatReference(parseReference(input))).toBe(expected);
  });

  it('splits domain, path, tag and digest', () => {
    expect(parseReference(`localhost:5000/a/b:1@${digest}`)).toEqual({ domain: 'localhost:5000', path: 'a/b', tag: '1', digest });
    expect(parseReference('busybox')).toEqual({ domain: 'docker.io', path: 'library/busybox', tag: 'latest' });
  });
});

describe('parseReference rejects what Docker rejects', () => {
  it.each([
    ['', /at least one component/],
    [hex64, /64-byte hexadecimal/],
    ['Uppercase', /must be lowercase/],
    ['docker.io/Library/debian', /must be lowercase/],
    ['localhost:5000/Foo', /must be lowercase/],
    ['aa/asdf$$^/aa', /invalid reference format/],
    ['-foo', /invalid reference format/],
    ['foo-', /invalid reference format/],
    ['foo//bar', /invalid reference format/],
    [':justtag', /invalid reference format/],
    [`@${digest}`, /invalid reference format/],
    ['foo_bar.com:8080/foo', /invalid reference format/],
    ['a__b.c/f', /invalid reference format/],
    ['repo@sha256:abc', /invalid reference format/],
    [`repo@sha256:${hex64.slice(1)}`, /invalid sha256 digest/],
    [`repo@md5:${hex64}`, /unsupported digest algorithm "md5"/],
    [`app:${'t'.repeat(129)}`, /invalid reference format/],
    ['app:-tag', /invalid reference format/],
    [`example.com/${'a/'.repeat(122)}abc`, /not be more than 255 characters/],
  ])('%s', (input, message) => {
    expect(() => parseReference(input)).toThrow(message);
  });

  it('says which reference is wrong', () => {
    expect(() => parseReference('Bad')).toThrow('invalid reference "Bad": repository name must be lowercase');
  });
});

describe('familiar names and what to ask the registry for', () => {
  it.each([
    ['busybox', 'busybox', 'busybox:latest'],
    ['docker.io/foo/bar:1', 'foo/bar', 'foo/bar:1'],
    ['library/foo/bar', 'library/foo/bar', 'library/foo/bar:latest'],
    ['localhost:5000/x:y', 'localhost:5000/x', 'localhost:5000/x:y'],
  ])('%s -> %s', (input, name, full) => {
    expect(familiarName(parseReference(input))).toBe(name);
    expect(familiarString(parseReference(input))).toBe(full);
  });

  it('asks for the digest when there is one, else the tag', () => {
    expect(manifestReference(parseReference(`busybox:1@${digest}`))).toBe(digest);
    expect(manifestReference(parseReference('busybox:1'))).toBe('1');
  });
});
