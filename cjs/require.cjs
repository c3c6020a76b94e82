// `require('tsbuild')`: tsbuild is an ES module (its API awaits top-level imports), so CommonJS
// code loads it with a dynamic import; this entry says so instead of Node's ERR_REQUIRE_ESM.
'use strict';

const error = new Error(
  "tsbuild is an ES module and cannot be loaded with require(). From CommonJS, load it with a dynamic import:\n" +
    "  const { build } = await import('tsbuild');\n" +
    "or use ES modules (\"type\": \"module\" in package.json, or an .mjs file) and `import { build } from 'tsbuild'`.",
);
error.code = 'ERR_REQUIRE_ESM';
throw error;
