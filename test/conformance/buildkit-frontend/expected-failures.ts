// Ported BuildKit frontend cases that fail today, each with the difference from BuildKit. The
// conformance run fails when a case not listed here fails, and when a listed case passes.

export const expectedFailures: Record<string, string> = {

  // dockerfile_platform_test.go
  'testPlatformWithOSVersion': 'the made-up architecture `bar` of `windows(1.2.3)/bar` is refused (tsbuild refuses unknown architectures on every entry point); BuildKit builds it from scratch. OS versions themselves build and match as in BuildKit (test/build/platform-os-version.test.ts, with amd64)',
};
