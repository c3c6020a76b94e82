// The Go tests of moby/buildkit frontend/dockerfile/*_test.go that are not ported, with the reason.
export const notPorted: Record<string, string> = {
};
