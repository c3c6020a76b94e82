// Ported BuildKit frontend cases that fail today, each with the difference from BuildKit. The
// conformance run fails when a case not listed here fails, and when a listed case passes.

export const expectedFailures: Record<string, string> = {

  // dockerfile_platform_test.go
  'testPlatformWithOSVersion': 'platforms with an OS version, `windows(1.2.3)/bar`, are rejected; BuildKit builds and matches them (TARGETOSVERSION)',
  'testMaintainBaseOSVersion': 'platforms with an OS version, `windows(10.0.20348.1006)/amd64`, are rejected; BuildKit keeps the base\'s os.version',
};
