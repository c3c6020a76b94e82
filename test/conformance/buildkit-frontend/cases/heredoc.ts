// Ported from moby/buildkit frontend/dockerfile/dockerfile_heredoc_test.go.
import assert from 'node:assert/strict';
import type { FrontendCase } from '../case.js';
import { exportedFile } from '../harness.js';
import { ADDUSER } from './bases.js';

const source = 'dockerfile_heredoc_test.go';

export const heredocCases: FrontendCase[] = [
  {
    name: 'testCopyHeredoc',
    source,
    dockerfile: `
FROM busybox AS build
RUN ${ADDUSER}
WORKDIR /dest
COPY <<EOF single
single file
EOF
COPY <<EOF <<EOF2 double/
first file
EOF
second file
EOF2
RUN mkdir -p /permfiles
COPY --chmod=777 <<EOF /permfiles/all
dummy content
EOF
COPY --chmod=0644 <<EOF /permfiles/rw
dummy content
EOF
COPY --chown=user:user <<EOF /permfiles/owned
dummy content
EOF
RUN stat -c "%04a" /permfiles/all >> perms && \\
	stat -c "%04a" /permfiles/rw >> perms && \\
	stat -c "%U:%G" /permfiles/owned >> perms
FROM scratch
COPY --from=build /dest /
`,
    exported: { single: 'single file\n', 'double/EOF': 'first file\n', 'double/EOF2': 'second file\n', perms: '0777\n0644\nuser:user\n' },
  },
  {
    name: 'testCopyHeredocSpecialSymbols',
    source,
    dockerfile: `
FROM scratch
COPY <<EOF quotefile
"quotes in file"
EOF
COPY <<EOF slashfile1
\\
EOF
COPY <<EOF slashfile2
\\\\
EOF
COPY <<EOF slashfile3
\\$
EOF
COPY <<"EOF" rawslashfile1
\\
EOF
COPY <<"EOF" rawslashfile2
\\\\
EOF
COPY <<"EOF" rawslashfile3
\\$
EOF
`,
    exported: {
      quotefile: '"quotes in file"\n',
      slashfile1: '\n',
      slashfile2: '\\\n',
      slashfile3: '$\n',
      rawslashfile1: '\\\n',
      rawslashfile2: '\\\\\n',
      rawslashfile3: '\\$\n',
    },
  },
  {
    name: 'testRunBasicHeredoc',
    source,
    dockerfile: `
FROM busybox AS build
RUN <<EOF
echo "i am" >> /dest
whoami >> /dest
EOF
FROM scratch
COPY --from=build /dest /dest
`,
    exported: { dest: 'i am\nroot\n' },
  },
  {
    name: 'testRunFakeHeredoc',
    source,
    dockerfile: `
FROM busybox AS build
SHELL ["/bin/awk"]
RUN <<EOF
BEGIN {
	print "foo" > "/dest"
}
EOF
FROM scratch
COPY --from=build /dest /dest
`,
    exported: { dest: 'foo\n' },
  },
  {
    name: 'testRunShebangHeredoc',
    source,
    dockerfile: `
FROM busybox AS build
WORKDIR /dest
RUN <<EOF
#!/bin/awk -f
BEGIN {
	print "hello" >> "./out1"
	print "world" >> "./out1"
}
EOF
RUN <<-EOF
	#!/bin/awk -f
	BEGIN {
		print "hello" >> "./out2"
		print "world" >> "./out2"
	}
EOF
FROM scratch
COPY --from=build /dest /
`,
    exported: { out1: 'hello\nworld\n', out2: 'hello\nworld\n' },
  },
  {
    name: 'testRunComplexHeredoc',
    source,
    dockerfile: `
FROM busybox AS build
WORKDIR /dest
RUN cat <<EOF1 | tr '[:upper:]' '[:lower:]' > ./out1; \\
	cat <<EOF2 | tr '[:lower:]' '[:upper:]' > ./out2
hello WORLD
EOF1
HELLO world
EOF2
RUN <<EOF 3<<IN1 4<<IN2 awk -f -
BEGIN {
	while ((getline line < "/proc/self/fd/3") > 0)
		print tolower(line) > "./fd3"
	while ((getline line < "/proc/self/fd/4") > 0)
		print toupper(line) > "./fd4"
}
EOF
hello WORLD
IN1
HELLO world
IN2
FROM scratch
COPY --from=build /dest /
`,
    exported: { out1: 'hello world\n', out2: 'HELLO WORLD\n', fd3: 'hello world\n', fd4: 'HELLO WORLD\n' },
  },
  {
    name: 'testHeredocIndent',
    source,
    dockerfile: `
FROM busybox AS build
COPY <<EOF /dest/foo-copy
	foo
EOF
COPY <<-EOF /dest/bar-copy
	bar
EOF
RUN <<EOF
echo "
	foo" > /dest/foo-run
EOF
RUN <<-EOF
echo "
	bar" > /dest/bar-run
EOF
RUN <<EOF
#!/bin/sh
echo "
	foo" > /dest/foo2-run
EOF
RUN <<-EOF
#!/bin/sh
echo "
	bar" > /dest/bar2-run
EOF
RUN <<EOF sh > /dest/foo3-run
echo "
	foo"
EOF
RUN <<-EOF sh > /dest/bar3-run
echo "
	bar"
EOF
FROM scratch
COPY --from=build /dest /
`,
    exported: {
      'foo-copy': '\tfoo\n', 'foo-run': '\n\tfoo\n', 'foo2-run': '\n\tfoo\n', 'foo3-run': '\n\tfoo\n',
      'bar-copy': 'bar\n', 'bar-run': '\nbar\n', 'bar2-run': '\nbar\n', 'bar3-run': '\nbar\n',
    },
  },
  {
    name: 'testHeredocVarSubstitution',
    source,
    dockerfile: `
FROM busybox as build
ARG name=world
COPY <<EOF /dest/c1
Hello \${name}!
EOF
COPY <<'EOF' /dest/c2
Hello \${name}!
EOF
COPY <<"EOF" /dest/c3
Hello \${name}!
EOF
COPY <<EOF /dest/q1
Hello '\${name}'!
EOF
COPY <<EOF /dest/q2
Hello "\${name}"!
EOF
COPY <<'EOF' /dest/qsingle1
Hello '\${name}'!
EOF
COPY <<'EOF' /dest/qsingle2
Hello "\${name}"!
EOF
COPY <<"EOF" /dest/qdouble1
Hello '\${name}'!
EOF
COPY <<"EOF" /dest/qdouble2
Hello "\${name}"!
EOF
RUN <<EOF
greeting="Hello"
echo "\${greeting} \${name}!" > /dest/r1
EOF
RUN <<EOF
name="new world"
echo "Hello \${name}!" > /dest/r2
EOF
FROM scratch
COPY --from=build /dest /
`,
    exported: {
      c1: 'Hello world!\n', c2: 'Hello ${name}!\n', c3: 'Hello ${name}!\n',
      q1: "Hello 'world'!\n", q2: 'Hello "world"!\n',
      qsingle1: "Hello '${name}'!\n", qsingle2: 'Hello "${name}"!\n',
      qdouble1: "Hello '${name}'!\n", qdouble2: 'Hello "${name}"!\n',
      r1: 'Hello world!\n', r2: 'Hello new world!\n',
    },
  },
  {
    name: 'testOnBuildHeredoc',
    source,
    options: { tags: ['bkfe/onbuild-heredoc:latest'] },
    dockerfile: `
FROM busybox
ONBUILD RUN <<EOF
echo "hello world" >> /dest
EOF
`,
    then: [{
      dockerfile: `
	FROM bkfe/onbuild-heredoc:latest AS base
	FROM scratch
	COPY --from=base /dest /dest
	`,
    }],
    verify(_first, [second]) {
      assert.ok(second && !second.error, `the child build failed: ${second?.error?.message}`);
      assert.equal(exportedFile(second, 'dest'), 'hello world\n');
    },
  },
];
